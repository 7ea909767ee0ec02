/**
 * This package as the harness sees it inside n8n: its node and credential type names, a credential
 * pointing at a MessageMedia (or sandbox) base URL, and the shipped examples imported as workflows.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { N8nCredential, N8nInstanceApi, N8nWorkflow } from './api';

export const PACKAGE_NAME = 'n8n-nodes-messagemedia';
export const NODE_TYPES = {
	action: `${PACKAGE_NAME}.messageMedia`,
	trigger: `${PACKAGE_NAME}.messageMediaTrigger`,
} as const;
export const CREDENTIAL_TYPE = 'messageMediaMessagingApi';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface MessageMediaCredentialOptions {
	baseUrl: string;
	apiKey: string;
	apiSecret: string;
	authType: 'basic' | 'hmac';
	name?: string;
	subAccount?: string;
}

/** Creates a `messageMediaMessagingApi` credential pointing at `baseUrl` (region 'custom'). */
export function createMessageMediaCredential(
	instance: N8nInstanceApi,
	opts: MessageMediaCredentialOptions,
): Promise<N8nCredential> {
	return instance.api.createCredential(
		opts.name ?? `MessageMedia (${opts.authType})`,
		CREDENTIAL_TYPE,
		{
			authType: opts.authType,
			apiKey: opts.apiKey,
			apiSecret: opts.apiSecret,
			region: 'custom',
			baseUrl: opts.baseUrl,
			subAccount: opts.subAccount ?? '',
		},
	);
}

export interface ImportedWorkflow {
	file: string;
	id: string;
	name: string;
	workflow: N8nWorkflow & { id: string };
}

/**
 * Creates every examples/*.json workflow through the public API, with every MessageMedia
 * credential reference pointed at `credentialId`. Returns what was created (none if the folder is
 * missing or empty). Workflows are not activated.
 */
export async function importExamples(
	instance: N8nInstanceApi,
	opts: { credentialId: string; credentialName?: string; dir?: string; activate?: boolean },
): Promise<ImportedWorkflow[]> {
	const dir = opts.dir ?? path.join(REPO_ROOT, 'examples');
	if (!fs.existsSync(dir)) return [];
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort();
	const out: ImportedWorkflow[] = [];
	for (const file of files) {
		const wf = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as N8nWorkflow;
		if (!Array.isArray(wf.nodes)) continue; // not a workflow
		const rewritten = rewriteCredentials(wf, opts.credentialId, opts.credentialName);
		const created = await instance.api.createWorkflow(rewritten);
		if (opts.activate) await instance.api.activate(created.id);
		out.push({ file, id: created.id, name: created.name, workflow: created });
	}
	return out;
}

/** examples/<file>, with its MessageMedia credential references pointed at `credential`. */
export function readExample(file: string, credential: { id: string; name: string }): N8nWorkflow {
	const wf = JSON.parse(
		fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8'),
	) as N8nWorkflow;
	return rewriteCredentials(wf, credential.id, credential.name);
}

/** Points every `messageMediaMessagingApi` credential reference of a workflow at the given credential. */
export function rewriteCredentials(
	wf: N8nWorkflow,
	credentialId: string,
	credentialName = 'MessageMedia',
): N8nWorkflow {
	return {
		...wf,
		nodes: wf.nodes.map((node) => {
			if (!node.credentials?.[CREDENTIAL_TYPE]) return node;
			return {
				...node,
				credentials: {
					...node.credentials,
					[CREDENTIAL_TYPE]: { id: credentialId, name: credentialName },
				},
			};
		}),
	};
}
