/**
 * Shared setup for the e2e files: one sandbox and one real n8n per test file, a MessageMedia
 * credential pointing at the sandbox, small clients for the sandbox's API and control API,
 * workflow builders, and polling helpers. The n8n log is copied to test-artifacts/e2e/ at the end.
 */
import * as fs from 'fs';
import * as path from 'path';

import { DEMO_CREDENTIALS, startSandbox } from '../../../sandbox';
import type { DeliveryLogEntry, SandboxHandle, WebhookRecord } from '../../../sandbox';
import {
	createMessageMediaCredential,
	http,
	pollUntil,
	sleep,
	N8nCredential,
	N8nExecution,
	N8nInstance,
	N8nNode,
	N8nWorkflow,
	NODE_TYPES,
	readExample,
	startN8n,
	StartN8nOptions,
} from '../../../scripts/n8n/n8n';
import {
	VERIFICATION_HEADER as SECRET_HEADER,
	WORKFLOW_HEADER,
} from '../../../nodes/MessageMedia/trigger/webhookHeaders';
import { WEBHOOK_TEMPLATE } from '../../../nodes/MessageMedia/trigger/webhookTemplate';
import { ARTIFACTS, builtPackageDir } from './package';

export { NODE_TYPES };

export { http, pollUntil, sleep } from '../../../scripts/n8n/n8n';
export type { HttpResult } from '../../../scripts/n8n/n8n';

const BASIC = `Basic ${Buffer.from(
	`${DEMO_CREDENTIALS.basic.apiKey}:${DEMO_CREDENTIALS.basic.apiSecret}`,
).toString('base64')}`;

/** A webhook as the sandbox's control API lists it. */
export type SandboxWebhook = WebhookRecord & { account_id: string };

/** A message as the sandbox's API and control API return it (the public message object). */
export interface SandboxMessage {
	message_id: string;
	status: string;
	content: string;
	destination_number: string;
	source_number?: string;
	callback_url: string;
	delivery_report?: boolean;
	metadata?: Record<string, string>;
	[key: string]: unknown;
}

/** A reply the sandbox injected (POST /_sandbox/replies). */
export interface SandboxReply {
	reply_id: string;
	[key: string]: unknown;
}

/** One delivery attempt as the sandbox's control API logs it. */
export type WebhookDelivery = DeliveryLogEntry;

/** The sandbox: its MessageMedia API (Basic auth) and its control API. */
export class SandboxClient {
	constructor(readonly handle: Pick<SandboxHandle, 'url'>) {}

	get url() {
		return this.handle.url;
	}

	/** MessageMedia API call with the demo Basic credentials; throws on an unexpected status. */
	async api<T = unknown>(
		method: string,
		apiPath: string,
		body?: unknown,
		ok = [200, 201, 202, 204],
	) {
		const res = await http<T>(method, `${this.url}${apiPath}`, body, { authorization: BASIC });
		if (!ok.includes(res.status)) {
			throw new Error(`sandbox ${method} ${apiPath} -> ${res.status}: ${res.text.slice(0, 500)}`);
		}
		return res.json as T;
	}

	async control<T = unknown>(method: string, controlPath: string, body?: unknown): Promise<T> {
		const res = await http<T>(method, `${this.url}/_sandbox${controlPath}`, body);
		if (res.status >= 300) {
			throw new Error(`sandbox ${method} /_sandbox${controlPath} -> ${res.status}: ${res.text}`);
		}
		return res.json as T;
	}

	/** Clears everything, then applies fast settings (DRs 50 ms apart, retries 100x sooner). */
	async reset(config: Record<string, unknown> = {}) {
		await this.control('POST', '/reset');
		await this.control('POST', '/config', { drIntervalMs: 50, retryDelayScale: 0.01, ...config });
	}

	async webhooks(): Promise<SandboxWebhook[]> {
		return (await this.control<{ webhooks: SandboxWebhook[] }>('GET', '/webhooks')).webhooks;
	}

	async webhooksFor(url: string): Promise<SandboxWebhook[]> {
		return (await this.webhooks()).filter((w) => w.url === url);
	}

	async deliveries(limit = 1000): Promise<WebhookDelivery[]> {
		return (
			await this.control<{ deliveries: WebhookDelivery[] }>(
				'GET',
				`/webhook-deliveries?limit=${limit}&kind=webhook`,
			)
		).deliveries;
	}

	async counters(): Promise<{
		requests: Record<string, number>;
		responses: Record<string, number>;
		messagesAccepted: number;
	}> {
		return this.control('GET', '/counters');
	}

	async messages(): Promise<SandboxMessage[]> {
		return (await this.control<{ messages: SandboxMessage[] }>('GET', '/messages')).messages;
	}

	/** Sends one message through the MessageMedia API (not through n8n). */
	async sendMessage(destination: string, content: string, metadata?: Record<string, string>) {
		const res = await this.api<{ messages: SandboxMessage[] }>('POST', '/v1/messages', {
			messages: [{ content, destination_number: destination, ...(metadata ? { metadata } : {}) }],
		});
		return res.messages[0];
	}

	injectReply(body: Record<string, unknown>) {
		return this.control<SandboxReply>('POST', '/replies', body);
	}
}

export interface E2eEnv {
	n8n: N8nInstance;
	sandbox: SandboxClient;
	credential: N8nCredential;
	credentialRef: { messageMediaMessagingApi: { id: string; name: string } };
	/** Workflows created through createWorkflow: deleted (deactivated first) at stop(). */
	created: string[];
	stop(): Promise<void>;
}

export interface StartE2eOptions {
	/** Name used for the artifacts (the log copy). */
	name: string;
	install?: StartN8nOptions['install'];
	/** The pinned n8n version line; default N8N_VERSION_LINE, else 2.x. */
	line?: StartN8nOptions['line'];
	drIntervalMs?: number;
	/** Extra environment for n8n, e.g. N8N_GRACEFUL_SHUTDOWN_TIMEOUT. */
	n8nEnv?: Record<string, string>;
}

/** Starts the sandbox, builds the package, starts n8n with it, creates the credential. */
export async function startE2e(opts: StartE2eOptions): Promise<E2eEnv> {
	const t0 = Date.now();
	const handle = await startSandbox({
		port: 0,
		quiet: true,
		drIntervalMs: opts.drIntervalMs ?? 50,
	});
	const sandbox = new SandboxClient(handle);
	await sandbox.reset();
	let n8n: N8nInstance | undefined;
	try {
		const packageDir = await builtPackageDir();
		const tBuilt = Date.now();
		n8n = await startN8n({
			install: opts.install ?? 'link',
			line: opts.line,
			packageDir,
			log: 'file',
			env: opts.n8nEnv,
		});
		console.log(
			`[e2e ${opts.name}] package ready in ${tBuilt - t0} ms, n8n ${n8n.runtime.n8nVersion} ` +
				`(${n8n.runtime.warm ? 'warm' : 'just installed'}) ready in ${Date.now() - tBuilt} ms ` +
				`(${n8n.baseUrl}, log ${n8n.logFile})`,
		);
		const instance = n8n;
		const env: E2eEnv = {
			n8n: instance,
			sandbox,
			credential: undefined as unknown as N8nCredential,
			credentialRef: undefined as unknown as E2eEnv['credentialRef'],
			created: [],
			async stop() {
				saveLog(instance, opts.name);
				await instance.destroy().catch(() => {});
				await handle.close();
			},
		};
		// Without the package loaded n8n does not know the credential type yet.
		if ((opts.install ?? 'link') !== 'none') await createSandboxCredential(env);
		return env;
	} catch (error) {
		if (n8n) {
			saveLog(n8n, opts.name);
			await n8n.destroy().catch(() => {});
		}
		await handle.close();
		throw error;
	}
}

/** Creates the `messageMediaMessagingApi` credential for the sandbox (Basic) and stores it in env. */
export async function createSandboxCredential(env: E2eEnv): Promise<N8nCredential> {
	const credential = await createMessageMediaCredential(env.n8n, {
		baseUrl: env.sandbox.url,
		apiKey: DEMO_CREDENTIALS.basic.apiKey,
		apiSecret: DEMO_CREDENTIALS.basic.apiSecret,
		authType: 'basic',
		name: 'MessageMedia sandbox',
	});
	env.credential = credential;
	env.credentialRef = { messageMediaMessagingApi: { id: credential.id, name: credential.name } };
	return credential;
}

export function saveLog(n8n: N8nInstance, name: string) {
	try {
		const dir = path.join(ARTIFACTS, 'e2e');
		fs.mkdirSync(dir, { recursive: true });
		const target = path.join(dir, `${name}.n8n.log`);
		if (n8n.logFile && fs.existsSync(n8n.logFile)) fs.copyFileSync(n8n.logFile, target);
		else fs.writeFileSync(target, n8n.logTail(400));
	} catch {
		// best effort
	}
}

/** Writes something to test-artifacts/e2e/<name> for later inspection. */
export function saveArtifact(name: string, content: unknown) {
	try {
		const dir = path.join(ARTIFACTS, 'e2e');
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, name),
			typeof content === 'string' ? content : JSON.stringify(content, null, 2),
		);
	} catch {
		// best effort
	}
}

// ------------------------------------------------------------------------------------ workflows

let counter = 0;
/** A webhookId unique across the run (n8n keys production webhooks on it). */
export function uniqueWebhookId(): string {
	counter += 1;
	const rand = Math.floor(Math.random() * 0xffffffff)
		.toString(16)
		.padStart(8, '0');
	return `e2e0${String(process.pid % 10000).padStart(4, '0')}-${String(counter).padStart(4, '0')}-4000-8000-${rand}0000`;
}

export interface TriggerWorkflowOptions {
	name: string;
	webhookId?: string;
	events: string[];
	parameters?: Record<string, unknown>;
	options?: Record<string, unknown>;
}

/** A MessageMedia Trigger followed by a No Op ("Received"). */
export function triggerWorkflow(
	env: Pick<E2eEnv, 'credentialRef'>,
	opts: TriggerWorkflowOptions,
): N8nWorkflow & { webhookId: string } {
	const webhookId = opts.webhookId ?? uniqueWebhookId();
	return {
		name: opts.name,
		webhookId,
		nodes: [
			{
				name: 'MessageMedia Trigger',
				type: NODE_TYPES.trigger,
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: {
					events: opts.events,
					keywords: {},
					options: opts.options ?? {},
					...opts.parameters,
				},
				credentials: env.credentialRef,
			},
			{
				name: 'Received',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {},
			},
		],
		connections: {
			'MessageMedia Trigger': { main: [[{ node: 'Received', type: 'main', index: 0 }]] },
		},
	};
}

/** The production webhook URL of a MessageMedia Trigger (the one registered at MessageMedia). */
export function triggerUrl(n8n: N8nInstance, webhookId: string) {
	return n8n.productionWebhookUrl(webhookId, 'webhook');
}

/** Creates a workflow and remembers it for clean-up. */
export async function createWorkflow(env: E2eEnv, wf: N8nWorkflow) {
	const created = await env.n8n.api.createWorkflow(wf);
	env.created.push(created.id);
	return created;
}

/** Creates examples/<file> (not published) and returns its ids and its trigger's production URL. */
export async function createTriggerExample(env: E2eEnv, file: string) {
	const created = await createWorkflow(env, readExample(file, env.credential));
	const webhookId = created.nodes.find((n) => n.type === NODE_TYPES.trigger)!.webhookId!;
	return { workflowId: created.id, webhookId, url: triggerUrl(env.n8n, webhookId) };
}

/**
 * Creates and publishes a workflow started by a Webhook node at `hookPath`, and returns its id and
 * production URL once n8n serves it (activation returns before the webhook is registered).
 */
export async function publishWebhookWorkflow(
	env: E2eEnv,
	wf: N8nWorkflow,
	hookPath: string,
): Promise<{ id: string; url: string }> {
	const { id } = await createWorkflow(env, wf);
	await env.n8n.api.activate(id);
	const url = `${env.n8n.webhookUrl}webhook/${hookPath}`;
	await env.n8n.api.waitForWebhook(url, { timeoutMs: 60_000 });
	return { id, url };
}

/**
 * The setup of a file whose tests all post to one published Webhook-started workflow: start n8n
 * and the sandbox, publish `build(...)` at `<pathPrefix>-<id>`, reset the sandbox before each test.
 * Read the fields inside tests: they exist only once beforeAll has run.
 */
export function webhookWorkflowSuite(
	name: string,
	pathPrefix: string,
	build: (env: E2eEnv, webhookId: string, hookPath: string) => N8nWorkflow,
): { readonly env: E2eEnv; readonly workflowId: string; readonly hookUrl: string } {
	const suite = {} as { env: E2eEnv; workflowId: string; hookUrl: string };
	beforeAll(async () => {
		suite.env = await startE2e({ name });
		const webhookId = uniqueWebhookId();
		const hookPath = `${pathPrefix}-${webhookId.slice(-12)}`;
		const published = await publishWebhookWorkflow(
			suite.env,
			build(suite.env, webhookId, hookPath),
			hookPath,
		);
		suite.workflowId = published.id;
		suite.hookUrl = published.url;
	});
	afterAll(async () => {
		await suite.env?.stop();
	});
	beforeEach(async () => {
		await suite.env.sandbox.reset();
	});
	return suite;
}

export const HEX_SECRET = /^[0-9a-f]{64}$/;

export function headerOf(hook: SandboxWebhook, name: string): string | undefined {
	const key = Object.keys(hook.headers ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : hook.headers[key];
}

/** A webhook as our trigger registers it: our template, a secret, the workflow id header. */
export function isRegisteredByTrigger(hook: SandboxWebhook, workflowId: string): boolean {
	return (
		hook.template === WEBHOOK_TEMPLATE &&
		HEX_SECRET.test(headerOf(hook, SECRET_HEADER) ?? '') &&
		headerOf(hook, WORKFLOW_HEADER) === workflowId
	);
}

/**
 * Waits until the sandbox's webhooks for `url` satisfy `done`, then checks that they stay that way
 * for `settleMs` (a second registration would show up there). In n8n 2.41.1 publishing through the
 * public API is asynchronous (the workflow publication outbox): POST /activate and /deactivate
 * return before the trigger's create()/delete() ran, and the production URL may be served a little
 * before create() has registered the webhook at MessageMedia.
 */
export async function waitForSandboxHooks(
	env: E2eEnv,
	url: string,
	done: (hooks: SandboxWebhook[]) => boolean,
	opts: { timeoutMs?: number; settleMs?: number; what?: string } = {},
): Promise<SandboxWebhook[]> {
	const what = opts.what ?? `sandbox webhooks for ${url}`;
	await pollUntil(what, () => env.sandbox.webhooksFor(url), done, {
		timeoutMs: opts.timeoutMs ?? 45_000,
	});
	const until = Date.now() + (opts.settleMs ?? 1_000);
	let hooks: SandboxWebhook[];
	do {
		await sleep(200);
		hooks = await env.sandbox.webhooksFor(url);
		if (!done(hooks)) {
			throw new Error(
				`${what} changed again after settling: ${JSON.stringify(hooks).slice(0, 1500)}`,
			);
		}
	} while (Date.now() < until);
	return hooks;
}

/**
 * Activates (publishes) a workflow whose MessageMedia Trigger has `webhookId`, waits until the
 * trigger's webhook is registered at the sandbox (exactly one for its URL, ours) and n8n serves
 * the production URL. Returns the sandbox webhook.
 */
export async function activateTrigger(
	env: E2eEnv,
	workflowId: string,
	webhookId: string,
	done?: (hooks: SandboxWebhook[]) => boolean,
	timeoutMs?: number,
): Promise<SandboxWebhook> {
	const url = triggerUrl(env.n8n, webhookId);
	await env.n8n.api.activate(workflowId);
	const hooks = await waitForSandboxHooks(
		env,
		url,
		done ?? ((list) => list.length === 1 && isRegisteredByTrigger(list[0], workflowId)),
		{ what: `the webhook of workflow ${workflowId} at the sandbox`, timeoutMs },
	);
	await env.n8n.api.waitForWebhook(url, { timeoutMs: 30_000 });
	return hooks[0];
}

/** Deactivates and waits until the trigger's webhook is gone from the sandbox. */
export async function deactivateTrigger(
	env: E2eEnv,
	workflowId: string,
	webhookId: string,
	timeoutMs?: number,
) {
	await env.n8n.api.deactivate(workflowId);
	await waitForSandboxHooks(env, triggerUrl(env.n8n, webhookId), (list) => list.length === 0, {
		what: `removal of the webhook of workflow ${workflowId}`,
		timeoutMs,
	});
}

/** The output items of a node's first run in an execution (with data). */
export function nodeOutput(
	execution: N8nExecution,
	nodeName: string,
	output = 0,
): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	if (!runs) return [];
	return (runs[0]?.data?.main?.[output] ?? []).map((item) => item.json);
}

/** The names of the nodes that ran in an execution. */
export function nodesRun(execution: N8nExecution): string[] {
	return Object.keys(execution.data?.resultData?.runData ?? {}).sort();
}

/**
 * Asserts that a workflow keeps exactly `count` executions for `windowMs` (used after events that
 * must not start anything: forged requests, duplicates). Returns them.
 */
export async function expectExecutionCountStays(
	env: E2eEnv,
	workflowId: string,
	count: number,
	windowMs = 2_000,
): Promise<N8nExecution[]> {
	const until = Date.now() + windowMs;
	let list: N8nExecution[] = [];
	do {
		list = await env.n8n.api.listExecutions({ workflowId });
		if (list.length !== count) {
			throw new Error(
				`workflow ${workflowId}: expected exactly ${count} execution(s), found ${list.length} ` +
					`(${list.map((e) => `${e.id}:${e.status}`).join(', ')})`,
			);
		}
		await sleep(250);
	} while (Date.now() < until);
	return list;
}

export type { N8nExecution, N8nNode, N8nWorkflow };
