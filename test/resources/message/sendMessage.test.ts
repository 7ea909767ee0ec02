import nock from 'nock';

import { BASE_URL, executeActionNode } from '../../helpers/n8n';

const sendParams = (overrides: Record<string, unknown> = {}) => ({
	resource: 'message',
	operation: 'send',
	destination: '={{ $json.phone }}',
	format: 'SMS',
	content: 'Reply YES to confirm, NO to cancel',
	from: { __rl: true, mode: 'list', value: '' },
	options: {
		metadata: { entries: [{ key: 'appointmentId', value: '={{ $json.id }}' }] },
	},
	...overrides,
});

// The full size runs with the reliability suite's flag; evaluating n8n expressions for 10,000
// items dominates the unit suite's time otherwise.
const LARGE_BATCH = process.env.RELIABILITY_FULL === '1' ? 10_000 : 2_000;

function people(n: number) {
	return Array.from({ length: n }, (_, i) => ({
		id: `A${i}`,
		phone: `+614915${String(70000 + i).padStart(5, '0')}`,
	}));
}

function acceptAll(body: { messages: Array<Record<string, unknown>> }) {
	return {
		messages: body.messages.map((m, i) => ({
			...m,
			message_id: `msg-${m.destination_number}-${i}`,
			status: 'queued',
		})),
	};
}

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Message → Send', () => {
	it('sends one item as one request with Basic auth and maps the output', async () => {
		let seen: { headers: Record<string, unknown>; body: unknown } | undefined;
		const scope = nock(BASE_URL)
			.post('/v1/messages')
			.reply(function (_uri, body) {
				seen = { headers: this.req.headers, body };
				return [202, acceptAll(body as never)];
			});
		const { output } = await executeActionNode({ parameters: sendParams() }, people(1));
		expect(scope.isDone()).toBe(true);
		expect(seen!.headers.authorization).toBe(
			`Basic ${Buffer.from('test-key:test-secret').toString('base64')}`,
		);
		expect(seen!.body).toEqual({
			messages: [
				{
					content: 'Reply YES to confirm, NO to cancel',
					destination_number: '+61491570000',
					format: 'SMS',
					metadata: { appointmentId: 'A0' },
				},
			],
		});
		expect(output[0]).toEqual([
			{
				json: {
					messageId: 'msg-+61491570000-0',
					status: 'queued',
					destination: '+61491570000',
					source: undefined,
					format: 'SMS',
					content: 'Reply YES to confirm, NO to cancel',
					scheduled: undefined,
					metadata: { appointmentId: 'A0' },
					encoding: 'GSM-7',
					segments: 1,
					characters: 34,
					ucs2Characters: [],
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it.each([
		[1, 1],
		[250, 3],
		[LARGE_BATCH, LARGE_BATCH / 100],
	])(
		'batches %i items into exactly %i requests',
		async (n, requests) => {
			let calls = 0;
			const sizes: number[] = [];
			nock(BASE_URL)
				.post('/v1/messages')
				.times(requests + 1)
				.reply((_uri, body) => {
					calls++;
					sizes.push((body as { messages: unknown[] }).messages.length);
					return [202, acceptAll(body as never)];
				});
			const { output } = await executeActionNode({ parameters: sendParams() }, people(n));
			expect(calls).toBe(requests);
			expect(sizes.every((s) => s <= 100)).toBe(true);
			expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
			expect(output[0]).toHaveLength(n);
			output[0].forEach((item, i) => {
				expect(item.pairedItem).toEqual({ item: i });
				expect(item.json.metadata).toEqual({ appointmentId: `A${i}` });
			});
		},
		// 10,000 items resolve 30,000 expressions in n8n; a busy machine needs the headroom.
		120_000,
	);

	// Pins an n8n-core internal: it counts getNodeParameter calls, which n8n may change freely. If
	// n8n's reads change, update the counts; what matters is one read per run for literals.
	it('n8n-core internal (getNodeParameter read count): a literal is read once per run, an expression per item', async () => {
		let spy: jest.SpyInstance | undefined;
		const sent: Array<Record<string, unknown>> = [];
		try {
			nock(BASE_URL)
				.post('/v1/messages')
				.times(3)
				.reply((_uri, body) => {
					sent.push(...(body as { messages: Array<Record<string, unknown>> }).messages);
					return [202, acceptAll(body as never)];
				});
			const { output } = await executeActionNode(
				{
					parameters: sendParams({
						content: '=Hi {{ $json.id }}',
						from: { __rl: true, mode: 'id', value: 'ACME' },
					}),
					beforeExecute: (context) => (spy = jest.spyOn(context, 'getNodeParameter')),
				},
				people(250),
			);
			const reads = (name: string) => spy!.mock.calls.filter(([n]) => n === name).length;
			// format and from are literal; options holds the metadata expression.
			expect({
				format: reads('format'),
				from: reads('from'),
				content: reads('content'),
				destination: reads('destination'),
				options: reads('options'),
			}).toEqual({ format: 1, from: 1, content: 250, destination: 250, options: 250 });
			expect(output[0].map((item) => item.json.content)).toEqual(
				people(250).map((p) => `Hi ${p.id}`),
			);
			expect(new Set(sent.map((m) => m.source_number))).toEqual(new Set(['ACME']));
		} finally {
			spy?.mockRestore();
		}
	});
});
