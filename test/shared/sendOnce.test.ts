import http from 'http';
import type { AddressInfo } from 'net';
import nock from 'nock';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { bucketPlan, MAX_ENTRIES } from '../../nodes/MessageMedia/shared/sendOnce';
import { BASE_URL, executeActionNode, TEST_CREDENTIALS, type ExecuteResult } from '../helpers/n8n';
import { memoryProcessedData, type MemoryProcessedData } from '../helpers/processedData';
import { useRetryPolicy } from '../helpers/retry';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const params = (sendOnce: IDataObject = { key: '={{ $json.id }}-reminder' }) => ({
	resource: 'message',
	operation: 'send',
	destination: '={{ $json.phone }}',
	content: '={{ $json.text }}',
	options: { sendOnce: { settings: sendOnce } },
});

const appointments = (n: number, from = 0) =>
	Array.from({ length: n }, (_, i) => ({
		id: `A${from + i}`,
		phone: `+61491570${String(100 + from + i)}`,
		text: `Hello ${from + i}`,
	}));

type Sent = { messages: Array<Record<string, unknown>> };

/** Accepts every POST /v1/messages; records each request's destinations. */
function acceptSends(times = 1): string[][] {
	const requests: string[][] = [];
	nock(BASE_URL)
		.post('/v1/messages')
		.times(times)
		.reply((_u, body) => {
			const sent = body as Sent;
			requests.push(sent.messages.map((m) => String(m.destination_number)));
			return [
				202,
				{
					messages: sent.messages.map((m, i) => ({
						...m,
						message_id: `id-${i}`,
						status: 'queued',
					})),
				},
			];
		});
	return requests;
}

/** Accepts the first batch, then answers 401: the node stops with one batch sent. */
function acceptOneBatchThenRefuse(): void {
	nock(BASE_URL)
		.post('/v1/messages')
		.reply(202, (_u: string, body: Sent) => ({ messages: body.messages }))
		.post('/v1/messages')
		.reply(401, { message: 'Unauthorized' });
}

const send = (
	items: IDataObject[],
	options: { sendOnce?: IDataObject; continueOnFail?: boolean } = {},
) =>
	executeActionNode(
		{ parameters: params(options.sendOnce), continueOnFail: options.continueOnFail },
		items,
	);

const json = (result: ExecuteResult): IDataObject[] => result.output[0].map((i) => i.json);

let store: MemoryProcessedData;
let now: number;

beforeAll(() => nock.disableNetConnect());
beforeEach(async () => {
	store = await memoryProcessedData();
	now = Date.UTC(2026, 11, 4, 9, 30);
	jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => {
	nock.cleanAll();
	jest.restoreAllMocks();
});
afterAll(() => nock.enableNetConnect());

describe('Send Once: skip what was already sent', () => {
	it('sends every key once; a second run sends nothing and each item says why', async () => {
		const first = acceptSends();
		const run1 = await send(appointments(3));
		expect(first).toHaveLength(1);
		expect(json(run1).map((j) => j.sendOnceKey)).toEqual([
			'A0-reminder',
			'A1-reminder',
			'A2-reminder',
		]);
		expect(json(run1).every((j) => j.messageId !== undefined)).toBe(true);

		now += HOUR;
		const second = acceptSends();
		const run2 = await send(appointments(3));
		expect(second).toHaveLength(0);
		expect(run2.output[0]).toHaveLength(3);
		run2.output[0].forEach((item: INodeExecutionData, i: number) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject({
				skipped: true,
				sendOnceKey: `A${i}-reminder`,
				destination: `+61491570${100 + i}`,
				// Remember For 3 days: buckets of one UTC day.
				firstSentAfter: '2026-12-04T00:00:00.000Z',
				firstSentBefore: new Date(now).toISOString(),
			});
			expect(item.json.reason).toContain(`Send Once key "A${i}-reminder" was sent`);
			expect(item.json.error).toBeUndefined();
		});
		expect(run2.context.hints).toEqual([
			expect.objectContaining({ message: expect.stringMatching(/^3 item\(s\) not sent/) }),
		]);
	});

	it('sends only the new keys, in ⌈N/100⌉ requests', async () => {
		acceptSends();
		await send(appointments(1));
		const requests = acceptSends(3);
		const run = await send(appointments(201));
		expect(requests.map((r) => r.length)).toEqual([100, 100]);
		expect(json(run).filter((j) => j.skipped)).toHaveLength(1);
		expect(json(run).filter((j) => j.messageId !== undefined)).toHaveLength(200);
	});

	it('sends items without a key as without Send Once, every time', async () => {
		const requests = acceptSends(2);
		const items = appointments(2).map((a) => ({ ...a, id: '' }));
		await send(items, { sendOnce: { key: '={{ $json.id }}' } });
		await send(items, { sendOnce: { key: '={{ $json.id }}' } });
		expect(requests).toHaveLength(2);
		expect(store.calls).toEqual([]);
	});

	it('sends a key again once the user changes it', async () => {
		const requests = acceptSends(2);
		await send(appointments(2));
		await send(appointments(2), { sendOnce: { key: '={{ $json.id }}-reminder-v2' } });
		expect(requests).toEqual([
			['+61491570100', '+61491570101'],
			['+61491570100', '+61491570101'],
		]);
	});
});

describe('Send Once: a key from item fields', () => {
	const byFields = { keyFields: 'id', key: 'reminder' };

	it('builds the key the expression form builds, so the two forms share keys', async () => {
		const requests = acceptSends(1);
		const run1 = await send(appointments(2), { sendOnce: byFields });
		expect(json(run1).map((j) => j.sendOnceKey)).toEqual(['A0-reminder', 'A1-reminder']);
		const run2 = await send(appointments(2));
		expect(requests).toHaveLength(1);
		expect(json(run2).map((j) => j.skipped)).toEqual([true, true]);
	});

	it('reads several fields and dotted paths, and needs no expression, so Options is read once', async () => {
		acceptSends(1);
		let spy: jest.SpyInstance | undefined;
		const items = appointments(3).map((a, i) => ({
			...a,
			visit: { kind: i ? 'check-up' : 'x-ray' },
		}));
		const result = await executeActionNode(
			{
				parameters: params({ keyFields: 'id, visit.kind', key: 'reminder' }),
				beforeExecute: (context) => (spy = jest.spyOn(context, 'getNodeParameter')),
			},
			items,
		);
		expect(json(result).map((j) => j.sendOnceKey)).toEqual([
			'A0-x-ray-reminder',
			'A1-check-up-reminder',
			'A2-check-up-reminder',
		]);
		expect(spy!.mock.calls.filter(([name]) => name === 'options')).toHaveLength(1);
	});

	it('sends an item whose key field is empty as without Send Once', async () => {
		const requests = acceptSends(2);
		const items = appointments(2).map((a, i) => (i === 0 ? { ...a, id: null } : a));
		await send(items, { sendOnce: byFields });
		const run2 = await send(items, { sendOnce: byFields });
		expect(requests.map((r) => r.length)).toEqual([2, 1]);
		expect(json(run2)[0]).toMatchObject({ messageId: expect.any(String) });
		expect(json(run2)[0].sendOnceKey).toBeUndefined();
	});

	it('fails naming the item and the field when an item lacks a key field, before sending', async () => {
		const requests = acceptSends(1);
		const items: IDataObject[] = appointments(3);
		delete items[1].id;
		await expect(send(items, { sendOnce: byFields })).rejects.toMatchObject({
			message: 'Send Once key field "id" is not in the item [item 1]',
			description: expect.stringContaining('the item has phone, text'),
		});
		expect(requests).toHaveLength(0);
		const partial = await send(items, { sendOnce: byFields, continueOnFail: true });
		expect(json(partial).map((j) => j.error ?? j.sendOnceKey)).toEqual([
			'A0-reminder',
			'Send Once key field "id" is not in the item [item 1]',
			'A2-reminder',
		]);
	});
});

describe('Send Once: claim, then send, then settle', () => {
	it('claims every key in one call before the request, and writes the kept keys once after', async () => {
		let storedDuringRequest = 0;
		nock(BASE_URL)
			.post('/v1/messages')
			.reply((_u, body) => {
				storedDuringRequest = store.entries('wf-1', 'node-1').length;
				return [202, { messages: (body as Sent).messages }];
			});
		await send(appointments(3));
		// Remember For 3 days: each key in its bucket and the three before.
		expect(storedDuringRequest).toBe(3 * 4);
		expect(store.calls).toEqual(['checkProcessedAndRecord', 'checkProcessedAndRecord']);
	});

	it.each([500, 503])(
		'keeps the keys when MessageMedia answers %i: a re-run does not resend',
		async (status) => {
			nock(BASE_URL).post('/v1/messages').reply(status, { message: 'Server error' });
			const run1 = await send(appointments(2), { continueOnFail: true });
			for (const item of json(run1)) {
				expect(item).toMatchObject({ outcomeUnknown: true, sendOnceKept: true });
			}
			const requests = acceptSends();
			const run2 = await send(appointments(2));
			expect(requests).toHaveLength(0);
			expect(json(run2).every((j) => j.skipped === true)).toBe(true);
		},
	);

	it('keeps the keys after a timeout, and the error says so', async () => {
		useRetryPolicy({ timeoutMs: 200 });
		nock(BASE_URL).post('/v1/messages').delay(1000).reply(202, { messages: [] });
		await expect(send(appointments(2))).rejects.toMatchObject({
			description: expect.stringContaining('Send Once kept the keys of these messages'),
		});
		nock.cleanAll();
		const requests = acceptSends();
		await send(appointments(2));
		expect(requests).toHaveLength(0);
	});

	it('releases the key of an item MessageMedia rejected (400): fixed, it is sent on a re-run', async () => {
		nock(BASE_URL)
			.post('/v1/messages')
			.reply(400, { message: 'Invalid', details: ['/messages/1/source_number: not allowed'] })
			.post('/v1/messages')
			.reply(202, (_u: string, body: Sent) => ({ messages: body.messages }));
		const run1 = await send(appointments(3), { continueOnFail: true });
		expect(json(run1)[1]).toMatchObject({ sendOnceKey: 'A1-reminder', sendOnceKept: false });
		expect(json(run1)[1].error).toContain('MessageMedia rejected the message');

		const requests = acceptSends();
		const run2 = await send(appointments(3));
		expect(requests).toEqual([['+61491570101']]);
		expect(json(run2).map((j) => j.skipped === true)).toEqual([true, false, true]);
	});

	it('releases every key when a batch is rejected and the node stops, so the re-run sends all', async () => {
		nock(BASE_URL).post('/v1/messages').reply(400, { message: 'Invalid', details: [] });
		await expect(send(appointments(3))).rejects.toThrow('MessageMedia rejected the message');
		const requests = acceptSends();
		await send(appointments(3));
		expect(requests).toHaveLength(1);
		expect(requests[0]).toHaveLength(3);
	});

	it('releases the keys when the connection is refused', async () => {
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		nock.enableNetConnect('127.0.0.1');
		const run1 = await executeActionNode(
			{
				parameters: params(),
				continueOnFail: true,
				credentials: { ...TEST_CREDENTIALS, baseUrl: `http://127.0.0.1:${port}` },
			},
			appointments(2),
		);
		nock.disableNetConnect();
		expect(json(run1).map((j) => j.sendOnceKept)).toEqual([false, false]);
		const requests = acceptSends();
		await send(appointments(2));
		expect(requests).toHaveLength(1);
	});

	it('releases the keys of later batches that never went out when one batch stops the node', async () => {
		acceptOneBatchThenRefuse();
		await expect(send(appointments(201))).rejects.toMatchObject({
			description: expect.stringContaining(
				'100 message(s) from earlier batches were already accepted; Send Once kept their keys, so re-running the node skips them.',
			),
		});
		const requests = acceptSends(2);
		const run2 = await send(appointments(201));
		// The first 100 went out; the second batch was refused and the third never sent.
		expect(requests.map((r) => r.length)).toEqual([100, 1]);
		expect(json(run2).filter((j) => j.skipped)).toHaveLength(100);
	});

	it('warns against a re-run when a message went out without a key, as without Send Once', async () => {
		acceptOneBatchThenRefuse();
		const items = appointments(101).map((a, i) => (i === 0 ? { ...a, id: '' } : a));
		await expect(send(items, { sendOnce: { key: '={{ $json.id }}' } })).rejects.toMatchObject({
			description: expect.stringContaining('do not rerun the whole node'),
		});
	});

	it('fails before sending anything when the store cannot be read', async () => {
		store.failWith = new Error('SQLITE_BUSY: database is locked');
		const requests = acceptSends();
		await expect(send(appointments(2))).rejects.toMatchObject({
			message: expect.stringContaining('nothing was sent'),
		});
		expect(requests).toHaveLength(0);
	});
});

describe('Send Once: the same key twice in one run', () => {
	it('sends the first item with a key and skips the later ones, naming the first', async () => {
		const requests = acceptSends();
		const items = appointments(3);
		items[2].id = 'A0';
		const run = await send(items);
		expect(requests).toEqual([['+61491570100', '+61491570101']]);
		expect(run.output[0][2]).toEqual({
			json: expect.objectContaining({
				skipped: true,
				sendOnceKey: 'A0-reminder',
				sameKeyAsItem: 0,
			}),
			pairedItem: { item: 2 },
		});
	});
});

describe('Send Once: how long a key is remembered', () => {
	it('remembers a key at least Remember For and sends it again after', async () => {
		const requests = acceptSends(3);
		const sentAt = now;
		await send(appointments(1));
		now = sentAt + 3 * DAY - 1;
		await send(appointments(1));
		expect(requests).toHaveLength(1);
		now = sentAt + 3 * DAY + bucketPlan(3 * DAY).sizeMs;
		await send(appointments(1));
		expect(requests).toHaveLength(2);
	});

	it('counts from the send, not from a later skip', async () => {
		const requests = acceptSends(2);
		const sentAt = now;
		await send(appointments(1));
		// A skip two days later checks newer buckets, which must not extend the key's life.
		now = sentAt + 2 * DAY;
		const skipped = await send(appointments(1));
		expect(json(skipped)[0]).toMatchObject({
			skipped: true,
			firstSentAfter: '2026-12-04T00:00:00.000Z',
		});
		now = sentAt + 4 * DAY;
		await send(appointments(1));
		expect(requests).toHaveLength(2);
	});

	it.each([1, 10, 61, 3 * 60, 24 * 60, 3 * 24 * 60, 365 * 24 * 60])(
		'a window of %i minutes is kept at least that long and at most twice as long',
		(minutes) => {
			const window = minutes * 60_000;
			const { sizeMs, before } = bucketPlan(window);
			expect(before * sizeMs).toBeGreaterThanOrEqual(window);
			expect((before + 1) * sizeMs).toBeLessThanOrEqual(2 * window);
			// Each key costs one entry per bucket; the store keeps MAX_ENTRIES.
			expect(before + 1).toBeLessThanOrEqual(14);
			expect(MAX_ENTRIES / (before + 1)).toBeGreaterThan(5_000);
		},
	);
});

describe("Send Once under n8n's store: two executions at the same moment", () => {
	/** Makes the next two calls (the two executions' claims) both read before either writes. */
	function interleave() {
		const waiting: Array<() => void> = [];
		store.between = () =>
			new Promise<void>((resolve) => {
				waiting.push(resolve);
				if (waiting.length === 2) {
					store.between = undefined;
					waiting.forEach((r) => r());
				}
			});
	}

	it('both send when both claims read the row before either writes (the store has no lock)', async () => {
		acceptSends();
		await send(appointments(1, 9)); // the node's row exists
		interleave();
		const requests = acceptSends(2);
		await Promise.all([send(appointments(2)), send(appointments(2))]);
		expect(requests).toHaveLength(2);
	});

	it('the kept keys are written again when settling, so a later run skips them', async () => {
		acceptSends();
		await send(appointments(1, 9));
		interleave();
		acceptSends(2);
		await Promise.all([send(appointments(2)), send(appointments(2, 2))]);
		const requests = acceptSends();
		const run = await send(appointments(4));
		expect(requests).toHaveLength(0);
		expect(json(run).every((j) => j.skipped)).toBe(true);
	});

	it("on a node's first run, the second claim fails on the insert and, asked again, skips", async () => {
		interleave();
		const requests = acceptSends(2);
		await Promise.all([send(appointments(2)), send(appointments(2))]);
		expect(requests).toHaveLength(1);
	});
});

describe('Send Once on Send and Wait for Reply', () => {
	const waitParams = {
		resource: 'message',
		operation: SEND_AND_WAIT_OPERATION,
		destination: '+61491570156',
		content: 'Reply YES to confirm, NO to cancel',
		options: { sendOnce: { settings: { key: 'APT-7-confirm' } } },
	};
	const waitsUntil = (result: ExecuteResult) =>
		(result.context as unknown as { runExecutionData: { waitTill?: Date } }).runExecutionData
			.waitTill;

	it('sends and waits once; a second execution is skipped at once, without waiting', async () => {
		const requests = acceptSends(2);
		const first = await executeActionNode({ parameters: waitParams }, [{}]);
		expect(requests).toHaveLength(1);
		expect(waitsUntil(first)).toBeDefined();

		const second = await executeActionNode({ parameters: waitParams, executionId: 'exec-2' }, [{}]);
		expect(requests).toHaveLength(1);
		expect(waitsUntil(second)).toBeUndefined();
		expect(second.output[0]).toEqual([
			{
				json: expect.objectContaining({
					outcome: 'skipped',
					decision: 'skipped',
					skipped: true,
					sendOnceKey: 'APT-7-confirm',
				}),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('warns in the output pane, and still waits, when the store cannot be updated after sending', async () => {
		nock(BASE_URL)
			.post('/v1/messages')
			.reply((_u, body) => {
				store.failWith = new Error('SQLITE_BUSY: database is locked');
				const sent = body as Sent;
				return [202, { messages: sent.messages.map((m) => ({ ...m, message_id: 'm-1' })) }];
			});
		const result = await executeActionNode({ parameters: waitParams }, [{}]);
		expect(waitsUntil(result)).toBeDefined();
		expect(result.context.hints).toEqual([
			expect.objectContaining({
				type: 'warning',
				message: expect.stringMatching(/^Send Once could not update its keys after sending/),
			}),
		]);
	});

	it('reads Key Fields from the one item it waits for', async () => {
		const requests = acceptSends(2);
		const byField = {
			...waitParams,
			options: { sendOnce: { settings: { keyFields: 'appointmentId', key: 'confirm' } } },
		};
		const item = { appointmentId: 'APT-7' };
		await executeActionNode({ parameters: byField }, [item]);
		// The key the literal form above spells out: the two forms meet in the store.
		const second = await executeActionNode({ parameters: waitParams, executionId: 'exec-2' }, [{}]);
		expect(requests).toHaveLength(1);
		expect(second.output[0][0].json).toMatchObject({ skipped: true, sendOnceKey: 'APT-7-confirm' });
	});

	it('releases the key when MessageMedia rejects the message, and keeps it on a 5xx', async () => {
		nock(BASE_URL).post('/v1/messages').reply(400, { message: 'Invalid', details: [] });
		await expect(executeActionNode({ parameters: waitParams }, [{}])).rejects.toThrow();
		nock(BASE_URL).post('/v1/messages').reply(503, { message: 'Down' });
		await expect(executeActionNode({ parameters: waitParams }, [{}])).rejects.toThrow(
			'The outcome is unknown',
		);
		const requests = acceptSends();
		const third = await executeActionNode({ parameters: waitParams }, [{}]);
		expect(requests).toHaveLength(0);
		expect(third.output[0][0].json.skipped).toBe(true);
	});
});

describe('Send Once on Send and Wait for Reply: remembered from the send', () => {
	it('a skip days later does not extend the key', async () => {
		const params = {
			resource: 'message',
			operation: SEND_AND_WAIT_OPERATION,
			destination: '+61491570156',
			content: 'Reply YES to confirm, NO to cancel',
			options: { sendOnce: { settings: { key: 'APT-8-confirm' } } },
		};
		const requests = acceptSends(2);
		const sentAt = now;
		await executeActionNode({ parameters: params }, [{}]);
		now = sentAt + 2 * DAY;
		const skipped = await executeActionNode({ parameters: params }, [{}]);
		expect(skipped.output[0][0].json.skipped).toBe(true);
		now = sentAt + 4 * DAY;
		await executeActionNode({ parameters: params }, [{}]);
		expect(requests).toHaveLength(2);
	});
});
