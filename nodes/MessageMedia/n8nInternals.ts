/**
 * What this package relies on in n8n beyond its public node API, in one place. Each entry says
 * which n8n code it was read from (n8n 2.41.1 and 1.123.x, the pinned runtimes), what the package
 * relies on, and what happens without it. test/n8nInternals.test.ts holds each entry to the
 * pinned n8n, and docs/n8n-internals.md explains them for a reviewer.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookDescription,
	IWebhookFunctions,
} from 'n8n-workflow';

/**
 * 1. Native webhook description resolvers.
 *
 * Read in n8n-workflow 2.41.1 (`interfaces.js` WEBHOOK_RESOLVERS, `webhook-description-fields.js`
 * resolveWebhookDescriptionField) and n8n 2.41.1 (`webhooks/webhook.service.js`,
 * `webhook-execution-context.js`): a field of a webhook description whose value is exactly the
 * template its resolver stands for is resolved by calling the resolver with the node's
 * parameters, instead of through the expression engine on every request, as long as the
 * parameters hold no expression. n8n-workflow exports helpers that build this, but 1.x has
 * none, so the package keys the resolvers by the symbol itself.
 *
 * Without it (n8n 1.123.x, or a later n8n that drops the symbol): n8n evaluates the template as
 * an expression per request; the answer is the same, only slower.
 */
export const WEBHOOK_DESCRIPTION_RESOLVERS = Symbol.for('n8n.webhookDescriptionResolvers');

export interface WebhookFieldResolver {
	/** The exact expression the field holds; n8n resolves natively only while they are equal. */
	template: string;
	resolve: (parameters: INodeParameters) => unknown;
}

/** The webhook description with a native resolver for each named field. */
export function withNativeResolvers(
	description: IWebhookDescription,
	resolvers: Record<string, WebhookFieldResolver>,
): IWebhookDescription {
	return Object.assign(description, { [WEBHOOK_DESCRIPTION_RESOLVERS]: resolvers });
}

/**
 * 2. The request's exact bytes: `req.rawBody` and `req.readRawBody()`.
 *
 * Read in n8n 2.41.1 and 1.123.x (`middlewares/body-parser.js` rawBodyReader, and
 * `webhooks/webhook-helpers.js` parseRequestBody): every request gets an async `readRawBody()`
 * that reads the stream once into `req.rawBody` (a Buffer) before any parsing. For a start node
 * at typeVersion 1 n8n always reads it; past 1 it reads it only for a content type it parses
 * (JSON, text, form, XML), so the trigger reads it itself when it is still missing.
 *
 * Without it: the trigger re-serialises the parsed body, which is enough to read an event but
 * not to verify MessageMedia's RSA signature, which covers the bytes as sent; signed requests
 * then fail verification with a 401 and start nothing.
 */
export async function exactRequestBody(ctx: IWebhookFunctions): Promise<Buffer> {
	const req = ctx.getRequestObject() as unknown as InboundRequestBody & {
		readRawBody?: () => Promise<void>;
	};
	if (!req.rawBody && typeof req.readRawBody === 'function') await req.readRawBody();
	return rawBodyOf(req);
}

/** What n8n leaves on an inbound request: the exact bytes when it read them, and the parsed body. */
export interface InboundRequestBody {
	rawBody?: Buffer | string;
	body?: unknown;
}

/** The request's body bytes, exactly as sent when n8n read them (see exactRequestBody). */
export function rawBodyOf(req: InboundRequestBody): Buffer {
	if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
	if (typeof req.rawBody === 'string') return Buffer.from(req.rawBody, 'utf8');
	// Without rawBody nothing can be verified byte for byte; the parsed body is the best there is.
	return Buffer.from(JSON.stringify(req.body ?? {}), 'utf8');
}

/**
 * 3. The result of a wait that runs out: writing into `getExecuteData().data`.
 *
 * Read in n8n-core 2.41.1 and 1.123.x (`execution-engine/workflow-execute.js`): when a node puts
 * the execution to wait, n8n stacks the node's execute data (the very object `getExecuteData()`
 * returns) to run again on resume. When the time limit passes, `handleWaitingState` disables
 * that stacked node, and a disabled node passes its input through (`handleDisabledNode`). So
 * replacing the stacked input makes it the node's output on a timeout.
 *
 * Without it: a wait that runs out would output the node's input item (the previous node's
 * data) instead of Send and Wait's `timeout` result, and a workflow branching on `outcome`
 * would miss the timeout.
 */
export function outputWhenWaitRunsOut(ctx: IExecuteFunctions, item: INodeExecutionData): void {
	// Replaced, not mutated: the previous node's output shares the stacked input's objects.
	ctx.getExecuteData().data = { main: [[item]] };
}

/**
 * 4. Parameters as stored: `node.parameters`, read to skip `getNodeParameter`.
 *
 * Read in n8n-core 2.41.1 and 1.123.x (`node-execution-context.js` _getNodeParameter) and
 * n8n-workflow (`workflow-expression.js` / `expression.js` getParameterValue): getNodeParameter
 * reads `node.parameters` at the dotted path, resolves only strings that start with `=`, returns
 * everything else as it is, and copies and validates the value on each call. So a stored value
 * holding no `=` string anywhere is the same for every item and can be read once.
 *
 * Without it (if n8n resolved more than `=` strings): a value read once would miss a per-item
 * difference. The safe fallback is to read every parameter per item, which is correct and slower.
 */
export function storedParameter(node: INode, name: string): unknown {
	let value: unknown = node.parameters;
	for (const segment of name.split('.')) {
		// A path that is not stored (a default) is treated as an expression, so it is read per item.
		if (value === null || typeof value !== 'object' || !(segment in value)) return '=';
		value = (value as Record<string, unknown>)[segment];
	}
	return value;
}

/** Whether a stored value holds an expression anywhere, by n8n's rule (a string starting `=`). */
export function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') {
		return Object.values(value as IDataObject).some(holdsExpression);
	}
	return false;
}

/**
 * 5. Trigger version 2, which behaves exactly like version 1.
 *
 * Read in n8n 2.41.1 and 1.123.x (`webhooks/webhook-helpers.js` parseRequestBody): for a start
 * node at typeVersion 1, n8n evaluates the expression `$parameter["options"]["binaryData"]` on
 * every request before reading the body; from typeVersion 2 on it skips that. Version 2 exists only to avoid that cost; version 1 stays loadable for existing workflows.
 *
 * Without it: every delivery pays for one expression evaluation (an isolate under
 * N8N_EXPRESSION_ENGINE=vm); events are handled the same way.
 */
export const TRIGGER_VERSIONS = { version: [1, 2], defaultVersion: 2 };

/**
 * 6. The AI Agent's Human review variant of Send and Wait.
 *
 * Read in n8n 2.41.1 (`tool-generation/hitl-tools.js` convertNodeToHitlTool) and
 * @n8n/n8n-nodes-langchain 2.41.1 (`utils/agent-execution/processHitlResponses.js`): n8n
 * generates a variant of every node with a sendAndWait operation, typed `<node>HitlTool`. It drops
 * any property named `message` and puts its own first, defaulting to N8N_REVIEW_MESSAGE; it
 * replaces `responseType` with a hidden one set to `approval`; it keeps every other property. The
 * agent runs the gated tool only when the node's output has `approved: true`, and otherwise tells
 * the model it was rejected, quoting `chatInput`. n8n 1.123.x generates no such variant.
 *
 * Without it: the node is not offered as Human review; Send and Wait works as before.
 */
export function isHumanReview(node: INode): boolean {
	return node.type.endsWith('HitlTool');
}

/** The value n8n gives `responseType` in its Human review variant. */
export const REVIEW_RESPONSE_TYPE = 'approval';

/** The default n8n gives the `message` property of its Human review variant. */
export const N8N_REVIEW_MESSAGE =
	'=The agent wants to run this tool: {{ $tool.name }}\n\nInput:\n{{ $tool.parameters }}';
