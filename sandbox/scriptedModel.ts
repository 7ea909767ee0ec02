import type { Result } from './routing';
import type { Json } from './store';
import { isPlainObject } from './validate';

/** Where the scripted model is served: an OpenAI-compatible base URL is `<sandbox>/_model/v1`. */
export const MODEL_PREFIX = '/_model';
export const MODEL_ID = 'sandbox-scripted';

/** One request the model received, as the control API lists it. */
export interface ModelRequest {
	at: string;
	method: string;
	path: string;
	body: unknown;
}

interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ function?: { name?: string } }>;
}

interface ChatTool {
	function?: { name?: string; parameters?: Json };
}

interface Answer {
	content: string | null;
	toolCall?: { name: string; arguments: Json };
}

// The phrases n8n's AI Agent (V3 processHitlResponses, read in n8n 2.41.1) puts in the tool
// result it hands the model when a Human review did not approve the call.
const DECLINED = /rejected the tool call|reviewed your planned tool call/;

/**
 * A chat model with a fixed script, for driving n8n's AI Agent without a real model. Its first
 * answer calls the first tool it is offered; once the conversation ends in that tool's result, it
 * answers in words, saying whether the tool ran or was declined and quoting the result. Every
 * request is kept so that tests can read what the agent sent.
 */
export class ScriptedModel {
	private received: ModelRequest[] = [];
	private calls = 0;

	get requests(): ModelRequest[] {
		return this.received;
	}

	reset(): void {
		this.received = [];
		this.calls = 0;
	}

	/** Serves `/_model/v1/chat/completions` and `/_model/v1/models`; anything else is a 404. */
	handle(method: string, path: string, body: unknown): Result {
		this.received.push({ at: new Date().toISOString(), method, path, body });
		const route = path.slice(MODEL_PREFIX.length).replace(/\/$/, '');
		if (method === 'GET' && route === '/v1/models') {
			return {
				status: 200,
				body: { object: 'list', data: [{ id: MODEL_ID, object: 'model', owned_by: 'sandbox' }] },
			};
		}
		if (method !== 'POST' || route !== '/v1/chat/completions') {
			return { status: 404, body: { error: { message: `No route ${method} ${path}` } } };
		}
		if (!isPlainObject(body) || !Array.isArray(body.messages)) {
			return { status: 400, body: { error: { message: 'messages is required' } } };
		}
		const answer = this.answer(body.messages as ChatMessage[], (body.tools ?? []) as ChatTool[]);
		const model = typeof body.model === 'string' ? body.model : MODEL_ID;
		return body.stream === true ? this.streamed(answer, model) : this.completion(answer, model);
	}

	private answer(messages: ChatMessage[], tools: ChatTool[]): Answer {
		const last = messages[messages.length - 1];
		if (last?.role === 'tool') return finalAnswer(messages, text(last.content));
		const tool = tools[0]?.function;
		if (!tool?.name) return { content: `You said: ${lastUserText(messages)}` };
		return {
			content: null,
			toolCall: {
				name: tool.name,
				arguments: argumentsFor(tool.parameters, lastUserText(messages)),
			},
		};
	}

	private choiceMessage(answer: Answer): Json {
		if (!answer.toolCall) return { role: 'assistant', content: answer.content };
		return {
			role: 'assistant',
			content: null,
			tool_calls: [
				{
					id: `call_${++this.calls}`,
					type: 'function',
					function: {
						name: answer.toolCall.name,
						arguments: JSON.stringify(answer.toolCall.arguments),
					},
				},
			],
		};
	}

	private completion(answer: Answer, model: string): Result {
		return {
			status: 200,
			body: {
				id: `chatcmpl-${Date.now()}`,
				object: 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model,
				choices: [
					{
						index: 0,
						message: this.choiceMessage(answer),
						finish_reason: answer.toolCall ? 'tool_calls' : 'stop',
					},
				],
				usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
			},
		};
	}

	/** The same answer as server-sent events: one delta with everything, then the finish, then DONE. */
	private streamed(answer: Answer, model: string): Result {
		const base = {
			id: `chatcmpl-${Date.now()}`,
			object: 'chat.completion.chunk',
			created: Math.floor(Date.now() / 1000),
			model,
		};
		const message = this.choiceMessage(answer);
		const toolCalls = (message.tool_calls as Json[] | undefined)?.map((call, index) => ({
			index,
			...call,
		}));
		const chunks = [
			{
				...base,
				choices: [
					{
						index: 0,
						delta: toolCalls
							? { role: 'assistant', content: null, tool_calls: toolCalls }
							: { role: 'assistant', content: message.content },
						finish_reason: null,
					},
				],
			},
			{
				...base,
				choices: [{ index: 0, delta: {}, finish_reason: answer.toolCall ? 'tool_calls' : 'stop' }],
			},
		];
		return {
			status: 200,
			headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
			body: `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`,
		};
	}
}

function text(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content.map((part) => (isPlainObject(part) ? String(part.text ?? '') : '')).join('');
	}
	return '';
}

function lastUserText(messages: ChatMessage[]): string {
	const user = [...messages].reverse().find((m) => m.role === 'user');
	return user ? text(user.content) : '';
}

/**
 * The arguments of the scripted tool call: the user's request in every string field the tool's
 * schema declares. A tool gated by a Human review takes its own input inside `toolParameters`.
 */
function argumentsFor(schema: Json | undefined, request: string): Json {
	const properties = isPlainObject(schema?.properties) ? (schema.properties as Json) : {};
	const gated = properties.toolParameters;
	if (isPlainObject(gated)) return { toolParameters: argumentsFor(gated, request) };
	const args: Json = {};
	for (const [name, field] of Object.entries(properties)) {
		if (isPlainObject(field) && field.type === 'string') args[name] = request;
	}
	return args;
}

/** n8n's agent hands a tool's items over as a JSON list; a rejection is one item's `output`. */
function readableResult(result: string): string {
	try {
		const items = JSON.parse(result) as unknown;
		if (Array.isArray(items) && items.every((item) => isPlainObject(item) && 'output' in item)) {
			return items.map((item) => String((item as Json).output)).join(' ');
		}
	} catch {
		// not JSON: the result as it came
	}
	return result;
}

function finalAnswer(messages: ChatMessage[], toolResult: string): Answer {
	const result = readableResult(toolResult);
	const call = [...messages].reverse().find((m) => m.role === 'assistant' && m.tool_calls?.length);
	const tool = call?.tool_calls?.[0]?.function?.name ?? 'the tool';
	if (DECLINED.test(result)) return { content: `Declined: ${tool} did not run. ${result}` };
	return { content: `Done: ${tool} ran and returned: ${result}` };
}
