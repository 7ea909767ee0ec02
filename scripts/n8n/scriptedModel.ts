/**
 * The sandbox's scripted chat model as n8n sees it: an OpenAI credential whose base URL is the
 * sandbox's `/_model/v1`, and workflows whose OpenAI credential references point at it. Harness
 * only: the shipped examples reference an ordinary OpenAI credential.
 */
import type { N8nCredential, N8nInstanceApi, N8nWorkflow } from './api';

/** n8n's OpenAI credential (n8n-nodes-base), which OpenAI Chat Model uses; `url` is its base URL. */
export const OPENAI_CREDENTIAL_TYPE = 'openAiApi';
export const SCRIPTED_MODEL_CREDENTIAL_NAME = 'Scripted model (sandbox)';

/** The credential data that points n8n's OpenAI nodes at the sandbox's scripted model. */
export function scriptedModelCredentialData(sandboxUrl: string): Record<string, unknown> {
	return { apiKey: 'sk-sandbox', url: `${sandboxUrl}/_model/v1`, header: false };
}

export function createScriptedModelCredential(
	instance: N8nInstanceApi,
	sandboxUrl: string,
): Promise<N8nCredential> {
	return instance.api.createCredential(
		SCRIPTED_MODEL_CREDENTIAL_NAME,
		OPENAI_CREDENTIAL_TYPE,
		scriptedModelCredentialData(sandboxUrl),
	);
}

/** Points every OpenAI credential reference of a workflow at the given credential. */
export function pointChatModelsAt(
	wf: N8nWorkflow,
	credential: { id: string; name: string },
): N8nWorkflow {
	return {
		...wf,
		nodes: wf.nodes.map((node) =>
			node.credentials?.[OPENAI_CREDENTIAL_TYPE]
				? {
						...node,
						credentials: {
							...node.credentials,
							[OPENAI_CREDENTIAL_TYPE]: { id: credential.id, name: credential.name },
						},
					}
				: node,
		),
	};
}
