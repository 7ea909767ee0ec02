import http from 'http';
import type { AddressInfo } from 'net';
import nock from 'nock';

import type { SentMessages as Sent } from '../../helpers/messagesApi';
import { acceptedSend as accept, acceptOneSend } from '../../helpers/messagesApi';
import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../../helpers/n8n';
import { testRetry, useRetryPolicy, useRetrySleep } from '../../helpers/retry';

const params = {
	resource: 'message',
	operation: 'send',
	destination: '={{ $json.phone }}',
	content: '={{ $json.text }}',
	options: { metadata: { entries: [{ key: 'appointmentId', value: '={{ $json.id }}' }] } },
};

const items = (n: number) =>
	Array.from({ length: n }, (_, i) => ({
		id: `A${i}`,
		phone: `+61491570${String(100 + i)}`,
		text: `Hello ${i}`,
	}));

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Send: a 400 that names messages fails only those items', () => {
	function rejectPositions(positions: number[]) {
		const bodies: Sent[] = [];
		nock(BASE_URL)
			.post('/v1/messages')
			.reply((_u, body) => {
				bodies.push(body as Sent);
				return [
					400,
					{
						message: 'Invalid request',
						details: positions.map(
							(p) =>
								`/messages/${p}/destination_number: International address must be between 8 and 15 characters excluding the first '+'`,
						),
					},
				];
			})
			.post('/v1/messages')
			.reply((_u, body) => {
				bodies.push(body as Sent);
				return [202, accept(body as Sent)];
			});
		return bodies;
	}

	it('with Continue On Fail: bad items become error items with the reason; the rest is resent once', async () => {
		const bodies = rejectPositions([1, 3]);
		const { output } = await executeActionNode(
			{ parameters: params, continueOnFail: true },
			items(5),
		);
		expect(bodies).toHaveLength(2);
		expect(bodies[0].messages).toHaveLength(5);
		expect(bodies[1].messages.map((m) => m.destination_number)).toEqual([
			'+61491570100',
			'+61491570102',
			'+61491570104',
		]);
		const out = output[0];
		expect(out).toHaveLength(5);
		expect(out.map((o) => o.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(out[0].json.messageId).toBe('id-+61491570100');
		expect(out[0].json.metadata).toEqual({ appointmentId: 'A0' });
		expect(out[1].json.error).toBe(
			`MessageMedia rejected the message: "To": International address must be between 8 and 15 characters excluding the first '+' [item 1]`,
		);
		expect(out[1].json.messageId).toBeUndefined();
		expect(out[3].json.error).toMatch(/ \[item 3\]$/);
		expect(out[4].json.messageId).toBe('id-+61491570104');
	});

	it('without Continue On Fail: throws naming the item and field, and nothing of that batch is sent', async () => {
		const bodies = rejectPositions([3]);
		await expect(executeActionNode({ parameters: params }, items(5))).rejects.toMatchObject({
			message:
				'MessageMedia rejected the message: "To": International address must be between 8 and 15 characters excluding the first \'+\' [item 3]',
			description: expect.stringContaining('none of the 5 messages in this batch were sent'),
		});
		expect(bodies).toHaveLength(1);
	});

	it('maps positions in a later batch back to the right input items', async () => {
		const sizes: number[] = [];
		nock(BASE_URL)
			.post('/v1/messages')
			.reply((_u, body) => {
				sizes.push((body as Sent).messages.length);
				return [202, accept(body as Sent)];
			})
			.post('/v1/messages')
			.reply((_u, body) => {
				sizes.push((body as Sent).messages.length);
				return [400, { message: 'Invalid', details: ['/messages/5/content: too long'] }];
			})
			.post('/v1/messages')
			.reply((_u, body) => {
				sizes.push((body as Sent).messages.length);
				return [202, accept(body as Sent)];
			});
		const { output } = await executeActionNode(
			{ parameters: params, continueOnFail: true },
			items(150),
		);
		expect(sizes).toEqual([100, 50, 49]);
		expect(output[0][105].json.error).toBe(
			'MessageMedia rejected the message: "Message": too long [item 105]',
		);
		expect(output[0][104].json.messageId).toBeDefined();
		expect(output[0].filter((o) => o.json.error)).toHaveLength(1);
	});

	it('says earlier batches were already sent when a later batch fails', async () => {
		nock(BASE_URL)
			.post('/v1/messages')
			.reply((_u, body) => [202, accept(body as Sent)])
			.post('/v1/messages')
			.reply(400, { message: 'Invalid', details: ['/messages/0/content: bad'] });
		await expect(executeActionNode({ parameters: params }, items(101))).rejects.toMatchObject({
			message: expect.stringMatching(/ \[item 100\]$/),
			description: expect.stringContaining(
				'100 message(s) from earlier batches were already accepted; do not rerun the whole node',
			),
		});
	});
});

describe('Send: retries never send a message twice', () => {
	/** POST /v1/messages answers 429 with `retryAfter` once, then accepts; counts the attempts. */
	function one429ThenAccept(retryAfter: string) {
		const calls = { attempts: 0 };
		nock(BASE_URL)
			.post('/v1/messages')
			.reply(() => {
				calls.attempts++;
				return [429, { message: 'Too many requests' }, { 'Retry-After': retryAfter }];
			})
			.post('/v1/messages')
			.reply((_u, body) => {
				calls.attempts++;
				return [202, accept(body as Sent)];
			});
		return calls;
	}

	it('retries a 429 after Retry-After and sends the batch once', async () => {
		const calls = one429ThenAccept('0');
		const { output } = await executeActionNode({ parameters: params }, items(3));
		expect(calls.attempts).toBe(2);
		expect(output[0].every((o) => o.json.messageId)).toBe(true);
	});

	it('honours a Retry-After in seconds before retrying', async () => {
		const calls = one429ThenAccept('1');
		const { output } = await executeActionNode({ parameters: params }, items(1));
		expect(calls.attempts).toBe(2);
		expect(output[0][0].json.messageId).toBeTruthy();
		// One wait between the attempts, of the second the server asked for.
		expect(testRetry.waits).toEqual([1000]);
	});

	it.each([500, 503])(
		'does not resend on %i: the items fail as outcome unknown',
		async (status) => {
			let attempts = 0;
			nock(BASE_URL)
				.post('/v1/messages')
				.times(5)
				.reply(() => {
					attempts++;
					return [status, { message: 'Server error' }];
				});
			const { output } = await executeActionNode(
				{ parameters: params, continueOnFail: true },
				items(3),
			);
			expect(attempts).toBe(1);
			expect(output[0]).toHaveLength(3);
			for (const item of output[0]) {
				expect(item.json.error).toBe(
					`The outcome is unknown: MessageMedia answered HTTP ${status} [item 0]`,
				);
				expect(item.json.description).toMatch(/Check message status before resending/);
				expect(item.json.outcomeUnknown).toBe(true);
			}
		},
	);

	it('does not resend after a timeout', async () => {
		useRetryPolicy({ timeoutMs: 200 });
		let attempts = 0;
		nock(BASE_URL)
			.post('/v1/messages')
			.times(3)
			.delay(1000)
			.reply(() => {
				attempts++;
				return [202, { messages: [] }];
			});
		await expect(executeActionNode({ parameters: params }, items(2))).rejects.toMatchObject({
			message:
				'The outcome is unknown: the connection to MessageMedia failed after the request was sent [item 0]',
			description: expect.stringMatching(
				/^No answer arrived within 0.2 s \(ECONNABORTED\)\. .*Check message status before resending/,
			),
		});
		expect(attempts).toBeLessThanOrEqual(1);
		expect(nock.pendingMocks().length).toBeGreaterThanOrEqual(1);
	});

	it('retries when the connection is refused before anything was sent', async () => {
		// A real refused connection: the port is closed at first and opens during the backoff.
		const probe = http.createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const port = (probe.address() as AddressInfo).port;
		await new Promise((resolve) => probe.close(resolve));
		nock.enableNetConnect('127.0.0.1');
		const received: string[] = [];
		const server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push(body);
				res.writeHead(202, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify(accept(JSON.parse(body) as Sent)));
			});
		});
		// The port opens during the first backoff wait.
		let opening: Promise<void> | undefined;
		useRetrySleep(async () => {
			opening ??= new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
			await opening;
		});
		try {
			const { output } = await executeActionNode(
				{
					parameters: params,
					credentials: { ...TEST_CREDENTIALS, baseUrl: `http://127.0.0.1:${port}` },
				},
				items(2),
			);
			expect(received).toHaveLength(1);
			expect(output[0].map((o) => o.json.messageId)).toEqual([
				'id-+61491570100',
				'id-+61491570101',
			]);
			expect(testRetry.waits).toHaveLength(1);
		} finally {
			if (opening) {
				await opening;
				await new Promise((resolve) => server.close(resolve));
			}
			nock.disableNetConnect();
		}
	});

	it('gives up after the bounded number of 429 attempts with a clear message', async () => {
		let attempts = 0;
		nock(BASE_URL)
			.post('/v1/messages')
			.times(20)
			.reply(() => {
				attempts++;
				return [429, { message: 'slow down' }, { 'Retry-After': '0' }];
			});
		await expect(executeActionNode({ parameters: params }, items(1))).rejects.toMatchObject({
			message: 'MessageMedia is rate limiting requests and the retry budget ran out [item 0]',
		});
		expect(attempts).toBe(10);
		// Retry-After: 0 is honoured as no wait, not replaced by the backoff.
		expect(testRetry.waits).toEqual(Array(9).fill(0));
	});

	it('does not wait past the total wait budget when Retry-After asks for longer', async () => {
		useRetryPolicy({ maxTotalWaitMs: 2000 });
		let attempts = 0;
		nock(BASE_URL)
			.post('/v1/messages')
			.times(5)
			.reply(() => {
				attempts++;
				return [429, {}, { 'Retry-After': '3600' }];
			});
		await expect(executeActionNode({ parameters: params }, items(1))).rejects.toMatchObject({
			message: 'MessageMedia is rate limiting requests and the retry budget ran out [item 0]',
		});
		expect(attempts).toBe(1);
		// It gave up instead of waiting the hour the server asked for.
		expect(testRetry.waits).toEqual([]);
	});
});

describe('Send: validation happens before any request', () => {
	const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
		[
			'a number that cannot be a phone number',
			{},
			{ phone: '12ab' },
			/^"To" is not a valid phone number: "12ab" \[item 0\]$/,
		],
		[
			'a local number without a country code',
			{},
			{ phone: '0491 570 156' },
			/"To" is not a valid phone number/,
		],
		['empty content', {}, { text: '' }, /^"Message" is empty \[item 0\]$/],
		[
			'content over 5000 characters',
			{},
			{ text: 'x'.repeat(5001) },
			/"Message" has 5001 characters; MessageMedia allows at most 5000/,
		],
		['MMS without media', { format: 'MMS', media: '' }, {}, /"Media URLs" is required for MMS/],
		[
			'MMS with a bad media URL',
			{ format: 'MMS', media: 'ftp://x/y.png' },
			{},
			/"Media URLs" contains an invalid URL: "ftp:\/\/x\/y.png"/,
		],
		[
			'an MMS subject over 64 characters',
			{ format: 'MMS', media: 'https://x.test/a.png', subject: 's'.repeat(65) },
			{},
			/"Subject" is longer than 64 characters/,
		],
		[
			'more than 10 metadata keys',
			{
				options: {
					metadata: {
						entries: Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
					},
				},
			},
			{},
			/"Metadata" has 11 keys; MessageMedia allows at most 10/,
		],
		[
			'a metadata key over 100 characters',
			{ options: { metadata: { entries: [{ key: 'k'.repeat(101), value: 'v' }] } } },
			{},
			/"Metadata" key "k{20}…" is longer than 100 characters/,
		],
		[
			'a metadata value over 256 characters',
			{ options: { metadata: { entries: [{ key: 'k', value: 'v'.repeat(257) }] } } },
			{},
			/"Metadata" value of "k" is longer than 256 characters/,
		],
		[
			'a scheduled time in the past',
			{ options: { scheduled: '2020-01-01T00:00:00Z' } },
			{},
			/"Scheduled" must be in the future/,
		],
		[
			'an invalid expiry',
			{ options: { expiry: 'tomorrow-ish' } },
			{},
			/"Expiry" is not a valid date: "tomorrow-ish"/,
		],
		[
			'an expiry before the schedule',
			{ options: { scheduled: '2099-01-02T00:00:00Z', expiry: '2099-01-01T00:00:00Z' } },
			{},
			/"Expiry" must be later than Scheduled/,
		],
		[
			'a sender type without From',
			{ options: { sourceNumberType: 'ALPHANUMERIC' } },
			{},
			/"Sender Type" can only be set together with From/,
		],
		[
			'a bad callback URL',
			{ options: { callbackUrl: 'not a url' } },
			{},
			/"Callback URL" is not a valid http\(s\) URL/,
		],
	];

	it.each(cases)(
		'rejects %s, naming the item and field',
		async (_name, override, item, message) => {
			const scope = nock(BASE_URL).post('/v1/messages').reply(202, { messages: [] });
			const parameters = { ...params, ...override };
			await expect(
				executeActionNode({ parameters }, [
					{ id: 'A0', phone: '+61491570156', text: 'Hi', ...item },
				]),
			).rejects.toMatchObject({ message: expect.stringMatching(message) });
			expect(scope.isDone()).toBe(false);
		},
	);

	it('with Continue On Fail, a bad item becomes an error item and the others still go', async () => {
		const request = acceptOneSend();
		const input = items(3);
		input[1].phone = 'not a phone';
		const { output } = await executeActionNode({ parameters: params, continueOnFail: true }, input);
		expect(request.body!.messages.map((m) => m.destination_number)).toEqual([
			'+61491570100',
			'+61491570102',
		]);
		expect(output[0][1]).toEqual({
			json: {
				error: '"To" is not a valid phone number: "not a phone" [item 1]',
				description: expect.stringContaining('international format'),
			},
			pairedItem: { item: 1 },
		});
		expect(output[0][2].json.messageId).toBe('id-+61491570102');
	});

	it('normalises numbers: spaces, dashes, brackets, 00 and a default country code', async () => {
		const request = acceptOneSend();
		const phones = [
			'+61 (491) 570-156',
			'0061491570157',
			'0491 570 158',
			'491570159',
			'61491570160',
		];
		await executeActionNode(
			{ parameters: { ...params, options: { defaultCountryCode: '+61' } } },
			phones.map((phone, i) => ({ phone, text: 'x', id: String(i) })),
		);
		expect(request.body!.messages.map((m) => m.destination_number)).toEqual([
			'+61491570156',
			'+61491570157',
			'+61491570158',
			'+61491570159',
			'+61491570160',
		]);
	});

	it('sends MMS, TTS and every option with the documented field names', async () => {
		const request = acceptOneSend();
		await executeActionNode(
			{
				parameters: {
					...params,
					format: 'MMS',
					media: 'https://x.test/a.png, https://x.test/b.gif',
					subject: 'Your booking',
					from: { __rl: true, mode: 'id', value: 'ACME' },
					options: {
						sourceNumberType: 'ALPHANUMERIC',
						deliveryReport: true,
						callbackUrl: 'https://hooks.example.com/mm',
						scheduled: '2099-01-01T10:00:00.000Z',
						expiry: '2099-01-02T10:00:00.000Z',
					},
				},
			},
			[{ phone: '+61491570156', text: 'See attached' }],
		);
		expect(request.body!.messages[0]).toEqual({
			content: 'See attached',
			destination_number: '+61491570156',
			format: 'MMS',
			media: ['https://x.test/a.png', 'https://x.test/b.gif'],
			subject: 'Your booking',
			source_number: 'ACME',
			source_number_type: 'ALPHANUMERIC',
			delivery_report: true,
			callback_url: 'https://hooks.example.com/mm',
			scheduled: '2099-01-01T10:00:00.000Z',
			message_expiry_timestamp: '2099-01-02T10:00:00.000Z',
		});
	});
});
