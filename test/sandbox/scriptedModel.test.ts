import { startSandbox, SandboxHandle } from '../../sandbox';
import { call } from './helpers';

const COMPLETIONS = '/_model/v1/chat/completions';
const OPENAI_AUTH = { Authorization: 'Bearer sk-anything' };

interface Completion {
	choices: Array<{
		message: {
			content: string | null;
			tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
		};
		finish_reason: string;
	}>;
}

/** A tool as n8n offers one gated by a Human review: its own input inside `toolParameters`. */
const gatedTool = {
	type: 'function',
	function: {
		name: 'Text_the_customer',
		parameters: {
			type: 'object',
			properties: {
				toolParameters: {
					type: 'object',
					properties: { text: { type: 'string' }, count: { type: 'number' } },
				},
				hitlParameters: { type: 'object', properties: {} },
			},
		},
	},
};
const ask = { role: 'user', content: 'Refund $40 on order A-17' };
const toolCall = {
	role: 'assistant',
	content: null,
	tool_calls: [
		{ id: 'call_1', type: 'function', function: { name: 'Text_the_customer', arguments: '{}' } },
	],
};

describe('sandbox scripted chat model', () => {
	let sb: SandboxHandle;
	beforeAll(async () => {
		sb = await startSandbox({ port: 0, quiet: true });
	});
	afterAll(() => sb.close());
	beforeEach(() => call(sb.url, 'POST', '/_sandbox/reset'));

	const complete = (body: unknown) =>
		call<Completion>(sb.url, 'POST', COMPLETIONS, body, OPENAI_AUTH);

	it('first calls the offered tool, the request in its string fields inside toolParameters', async () => {
		const res = await complete({ model: 'm', messages: [ask], tools: [gatedTool] });
		expect(res.status).toBe(200);
		const [choice] = res.json.choices;
		expect(choice.finish_reason).toBe('tool_calls');
		expect(choice.message.tool_calls![0].function.name).toBe('Text_the_customer');
		expect(JSON.parse(choice.message.tool_calls![0].function.arguments)).toEqual({
			toolParameters: { text: 'Refund $40 on order A-17' },
		});
	});

	it.each([
		['approved', 'Message sent', /^Done: Text_the_customer ran and returned: Message sent$/],
		[
			'declined',
			'The user reviewed your planned tool call to Text the customer (id: call_1) and provided feedback: "NO".',
			/^Declined: Text_the_customer did not run\. .*feedback: "NO"/,
		],
		[
			'declined, as n8n hands it over',
			JSON.stringify([
				{ output: 'The user reviewed your planned tool call to X and provided feedback: "NO".' },
			]),
			/^Declined: Text_the_customer did not run\. The user reviewed .*feedback: "NO"\.$/,
		],
		[
			'rejected without a reply',
			'User rejected the tool call to Text the customer (id: call_1).',
			/^Declined: /,
		],
	])('after the tool result (%s), answers in words', async (_name, result, answer) => {
		const res = await complete({
			model: 'm',
			messages: [ask, toolCall, { role: 'tool', tool_call_id: 'call_1', content: result }],
			tools: [gatedTool],
		});
		expect(res.json.choices[0].finish_reason).toBe('stop');
		expect(res.json.choices[0].message.content).toMatch(answer);
	});

	it('streams the same answer as server-sent events when asked to', async () => {
		const res = await complete({ model: 'm', messages: [ask], tools: [gatedTool], stream: true });
		expect(res.headers.get('content-type')).toBe('text/event-stream');
		const events = res.text
			.split('\n\n')
			.filter(Boolean)
			.map((e) => e.replace(/^data: /, ''));
		expect(events[events.length - 1]).toBe('[DONE]');
		const first = JSON.parse(events[0]) as {
			choices: Array<{
				delta: { tool_calls: Array<{ index: number; function: { name: string } }> };
			}>;
		};
		expect(first.choices[0].delta.tool_calls[0]).toMatchObject({
			index: 0,
			function: { name: 'Text_the_customer' },
		});
		expect(JSON.parse(events[1]).choices[0].finish_reason).toBe('tool_calls');
	});

	it('records every request for the control API, and forgets them on reset', async () => {
		await complete({ model: 'm', messages: [ask], tools: [gatedTool] });
		expect((await call(sb.url, 'GET', '/_model/v1/models', undefined, OPENAI_AUTH)).status).toBe(
			200,
		);
		const listed = await call<{ requests: Array<{ path: string; body: unknown }> }>(
			sb.url,
			'GET',
			'/_sandbox/model/requests',
		);
		expect(listed.json.requests.map((r) => r.path)).toEqual([COMPLETIONS, '/_model/v1/models']);
		expect(listed.json.requests[0].body).toMatchObject({ messages: [ask] });
		await call(sb.url, 'POST', '/_sandbox/reset');
		expect(
			(await call<{ requests: unknown[] }>(sb.url, 'GET', '/_sandbox/model/requests')).json
				.requests,
		).toEqual([]);
	});

	it('answers 400 without messages and 404 elsewhere under its prefix', async () => {
		expect((await complete({ model: 'm' })).status).toBe(400);
		expect((await call(sb.url, 'POST', '/_model/v1/embeddings', {}, OPENAI_AUTH)).status).toBe(404);
	});
});
