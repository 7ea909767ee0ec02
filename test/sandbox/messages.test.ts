import { RESERVED_NUMBERS, startSandbox, SandboxHandle } from '../../sandbox';
import type { DeliveryReport, Reply, SenderAddress } from '../../sandbox/store';
import {
	BASIC,
	call,
	CountersBody,
	ErrorBody,
	MessageBody,
	MessagesBody,
	Pagination,
	Receiver,
	ReplyBody,
	startReceiver,
	waitUntil,
} from './helpers';

const msg = (over: Record<string, unknown> = {}) => ({
	content: 'Hello',
	destination_number: '+61491570156',
	...over,
});

describe('sandbox messages and delivery reports', () => {
	let sb: SandboxHandle;
	let rx: Receiver;
	beforeAll(async () => {
		sb = await startSandbox({ port: 0, quiet: true, drIntervalMs: 40 });
		rx = await startReceiver();
	});
	afterAll(async () => {
		await sb.close();
		await rx.close();
	});
	beforeEach(async () => {
		await call(sb.url, 'POST', '/_sandbox/reset');
		await call(sb.url, 'POST', '/_sandbox/config', { drIntervalMs: 40 });
	});

	it('accepts 1 to 100 messages and rejects 0 and 101', async () => {
		expect((await call(sb.url, 'POST', '/v1/messages', { messages: [] })).status).toBe(400);
		const many = Array.from({ length: 101 }, (_, i) => msg({ content: `m${i}` }));
		const over = await call<ErrorBody>(sb.url, 'POST', '/v1/messages', { messages: many });
		expect(over.status).toBe(400);
		expect(over.json.details).toEqual(['/messages: must contain at most 100 messages']);
		const ok = await call<MessagesBody>(sb.url, 'POST', '/v1/messages', {
			messages: many.slice(0, 100),
		});
		expect(ok.status).toBe(202);
		expect(ok.json.messages).toHaveLength(100);
		for (const m of ok.json.messages) {
			expect(m.message_id).toMatch(
				/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
			);
			expect(m.status).toBe('queued');
		}
		const counters = (await call<CountersBody>(sb.url, 'GET', '/_sandbox/counters')).json;
		expect(counters.messagesAccepted).toBe(100);
		expect(counters.uniqueContents).toBe(100);
	});

	it('validates all-or-nothing with JSON-pointer details per problem', async () => {
		const r = await call<MessagesBody & ErrorBody>(sb.url, 'POST', '/v1/messages', {
			messages: [
				msg(),
				msg({ destination_number: '0491570156' }),
				msg({ content: '', format: 'FAX' }),
				msg({ media: ['https://x.test/a.png'], subject: 'x'.repeat(65) }),
				msg({ format: 'MMS' }),
				msg({ source_number_type: 'ALPHANUMERIC', callback_url: 'ftp://x', scheduled: 'tomorrow' }),
				msg({ metadata: { a: 1, ['k'.repeat(101)]: 'v' }, colour: 'red' }),
			],
		});
		expect(r.status).toBe(400);
		expect(r.json.message).toBe('Invalid request');
		const pointers = (r.json.details as string[]).map((d) => d.split(':')[0]);
		expect(pointers).toEqual(
			expect.arrayContaining([
				'/messages/1/destination_number',
				'/messages/2/content',
				'/messages/2/format',
				'/messages/3/media',
				'/messages/3/subject',
				'/messages/4/media',
				'/messages/5/source_number_type',
				'/messages/5/callback_url',
				'/messages/5/scheduled',
				'/messages/6/colour',
				'/messages/6/metadata/a',
				`/messages/6/metadata/${'k'.repeat(101)}`,
			]),
		);
		expect(pointers.some((p) => p.startsWith('/messages/0/'))).toBe(false);
		const all = (await call<MessagesBody>(sb.url, 'GET', '/_sandbox/messages')).json;
		expect(all.count).toBe(0);
	});

	it('cancels a scheduled message but not a queued one', async () => {
		const future = new Date(Date.now() + 3_600_000).toISOString();
		const r = await call<MessagesBody & ErrorBody>(sb.url, 'POST', '/v1/messages', {
			messages: [msg({ scheduled: future }), msg({ content: 'now' })],
		});
		const [scheduled, queued] = r.json.messages;
		// MessageMedia answers every accepted message `queued`; a status read shows `scheduled`.
		expect(scheduled.status).toBe('queued');
		expect(queued.status).toBe('queued');
		expect(
			(await call<MessageBody>(sb.url, 'GET', `/v1/messages/${scheduled.message_id}`)).json.status,
		).toBe('scheduled');
		const cancel = await call(sb.url, 'PUT', `/v1/messages/${scheduled.message_id}`, {
			status: 'cancelled',
		});
		expect(cancel.status).toBe(200);
		expect(cancel.text).toBe('');
		expect(
			(await call<MessageBody>(sb.url, 'GET', `/v1/messages/${scheduled.message_id}`)).json.status,
		).toBe('cancelled');
		const refused = await call<ErrorBody>(sb.url, 'PUT', `/v1/messages/${queued.message_id}`, {
			status: 'cancelled',
		});
		expect(refused.status).toBe(400);
		expect(refused.json.message).toBe('Only scheduled messages can be cancelled');
		expect(Array.isArray(refused.json.details)).toBe(true);
		const missing = await call(sb.url, 'PUT', '/v1/messages/00000000-0000-4000-8000-000000000000', {
			status: 'cancelled',
		});
		expect(missing.status).toBe(404);
	});

	it('sends a scheduled message when due, and pushes DRs only with delivery_report', async () => {
		const due = Date.now() + 150;
		const r = await call<MessagesBody & ErrorBody>(sb.url, 'POST', '/v1/messages', {
			messages: [
				msg({ scheduled: new Date(due).toISOString() }),
				msg({ callback_url: `${rx.url}/no-dr` }),
				// Read back while scheduled: due in an hour, so no load on the machine makes it due first.
				msg({ scheduled: new Date(Date.now() + 3_600_000).toISOString() }),
			],
		});
		const [scheduled, plain, later] = r.json.messages;
		expect(scheduled.status).toBe('queued');
		expect(
			(await call<MessageBody>(sb.url, 'GET', `/v1/messages/${later.message_id}`)).json.status,
		).toBe('scheduled');
		await waitUntil(async () => {
			const s = (await call<MessageBody>(sb.url, 'GET', `/v1/messages/${scheduled.message_id}`))
				.json.status;
			return s === 'delivered';
		});
		expect(Date.now()).toBeGreaterThanOrEqual(due);
		expect(
			(await call<MessageBody>(sb.url, 'GET', `/v1/messages/${plain.message_id}`)).json.status,
		).toBe('delivered');
		expect(rx.received.filter((x) => x.url === '/no-dr')).toHaveLength(0);
	});

	it('walks DRs to delivered, and to failed/expired/rejected/undeliverable for reserved numbers', async () => {
		const r = await call<MessagesBody & ErrorBody>(sb.url, 'POST', '/v1/messages', {
			messages: [
				msg({ delivery_report: true, callback_url: `${rx.url}/cb`, metadata: { order: '42' } }),
				msg({ destination_number: RESERVED_NUMBERS.failed }),
				msg({ destination_number: RESERVED_NUMBERS.expired }),
				msg({ destination_number: RESERVED_NUMBERS.rejected }),
				msg({ destination_number: RESERVED_NUMBERS.undeliverable }),
			],
		});
		const ids: string[] = r.json.messages.map((m) => m.message_id);
		const finals = await waitUntil(async () => {
			const s = await Promise.all(
				ids.map((id) => call<MessageBody>(sb.url, 'GET', `/v1/messages/${id}`)),
			);
			const statuses = s.map((x) => x.json.status);
			return statuses.every((st) => !['queued', 'enroute', 'submitted'].includes(st)) && statuses;
		});
		expect(finals).toEqual(['delivered', 'failed', 'expired', 'rejected', 'undeliverable']);

		const pushes = await rx.waitFor(3, (x) => x.url === '/cb');
		const bodies = pushes.map((p) => JSON.parse(p.body));
		expect(bodies.map((b) => [b.status, b.error_code])).toEqual([
			['enroute', '101'],
			['submitted', '200'],
			['delivered', '220'],
		]);
		expect(bodies[2]).toMatchObject({
			message_id: ids[0],
			source_number: '+61491570156',
			original_text: 'Hello',
			callback_url: `${rx.url}/cb`,
			metadata: { order: '42' },
			delay: 0,
		});

		const drs = (
			await call<{ delivery_reports: DeliveryReport[] }>(sb.url, 'GET', '/v1/delivery_reports')
		).json.delivery_reports;
		const byMessage = (id: string) => drs.filter((d) => d.message_id === id).map((d) => d.status);
		expect(byMessage(ids[1])).toEqual(['enroute', 'submitted', 'failed']);
		expect(byMessage(ids[3])).toEqual(['enroute', 'rejected']);
		const confirm = await call(sb.url, 'POST', '/v1/delivery_reports/confirmed', {
			delivery_report_ids: drs.map((d) => d.delivery_report_id),
		});
		expect(confirm.status).toBe(202);
		expect(
			(await call<{ delivery_reports: DeliveryReport[] }>(sb.url, 'GET', '/v1/delivery_reports'))
				.json.delivery_reports,
		).toEqual([]);
		const tooMany = Array.from({ length: 101 }, () => '00000000-0000-4000-8000-000000000000');
		expect(
			(
				await call(sb.url, 'POST', '/v1/delivery_reports/confirmed', {
					delivery_report_ids: tooMany,
				})
			).status,
		).toBe(400);
	});

	it('rejects sends to blacklisted numbers with code 302', async () => {
		const add = await call<{ numbers: string[] }>(
			sb.url,
			'POST',
			'/v1/number_authorisation/mt/blacklist',
			{
				numbers: ['+61491570157'],
			},
		);
		expect(add.status).toBe(201);
		expect(add.json.numbers).toEqual(['61491570157']);
		const auth = await call<{ numbers: Array<{ number: string; authorised: boolean }> }>(
			sb.url,
			'GET',
			'/v1/number_authorisation/is_authorised/61491570157,+61491570158',
		);
		expect(auth.json.numbers.map((n) => n.authorised)).toEqual([false, true]);
		const r = await call<MessagesBody & ErrorBody>(sb.url, 'POST', '/v1/messages', {
			messages: [
				msg({
					destination_number: '+61491570157',
					delivery_report: true,
					callback_url: `${rx.url}/bl`,
				}),
			],
		});
		expect(r.status).toBe(202);
		const pushes = await rx.waitFor(2, (x) => x.url === '/bl');
		expect(JSON.parse(pushes[1].body)).toMatchObject({ status: 'rejected', error_code: '302' });
		expect(
			(await call(sb.url, 'DELETE', '/v1/number_authorisation/mt/blacklist/%2B61491570157')).status,
		).toBe(200);
		expect(
			(await call(sb.url, 'DELETE', '/v1/number_authorisation/mt/blacklist/61491570157')).status,
		).toBe(404);
	});

	it('pages the blacklist 100 at a time with a next_uri token', async () => {
		const numbers = Array.from({ length: 150 }, (_, i) => `614915${String(i).padStart(5, '0')}`);
		await call(sb.url, 'POST', '/v1/number_authorisation/mt/blacklist', {
			numbers: numbers.slice(0, 100),
		});
		await call(sb.url, 'POST', '/v1/number_authorisation/mt/blacklist', {
			numbers: numbers.slice(100),
		});
		const first = await call<{ numbers: string[]; pagination: Pagination }>(
			sb.url,
			'GET',
			'/v1/number_authorisation/mt/blacklist',
		);
		expect(first.json.numbers).toHaveLength(100);
		expect(first.json.pagination.next_uri).toMatch(
			/^\/v1\/number_authorisation\/mt\/blacklist\?token=/,
		);
		const second = await call<{ numbers: string[]; pagination: Pagination }>(
			sb.url,
			'GET',
			first.json.pagination.next_uri!,
		);
		expect(second.json.numbers).toEqual(numbers.slice(100));
		expect(second.json.pagination.next_uri).toBeUndefined();
	});

	it('returns replies oldest first until confirmed, carrying the message metadata', async () => {
		const r = await call<MessagesBody & ErrorBody>(sb.url, 'POST', '/v1/messages', {
			messages: [msg({ source_number: '+61491570200', metadata: { ticket: 'T-1' } })],
		});
		const id = r.json.messages[0].message_id;
		const inj = await call<ReplyBody>(sb.url, 'POST', '/_sandbox/replies', {
			message_id: id,
			content: 'Yes',
		});
		expect(inj.status).toBe(201);
		const replies = (await call<{ replies: Reply[] }>(sb.url, 'GET', '/v1/replies')).json.replies;
		expect(replies).toHaveLength(1);
		expect(replies[0]).toMatchObject({
			reply_id: inj.json.reply_id,
			message_id: id,
			content: 'Yes',
			source_number: '+61491570156',
			destination_number: '+61491570200',
			metadata: { ticket: 'T-1' },
		});
		expect(
			(await call(sb.url, 'POST', '/v1/replies/confirmed', { reply_ids: [inj.json.reply_id] }))
				.status,
		).toBe(202);
		expect((await call<{ replies: Reply[] }>(sb.url, 'GET', '/v1/replies')).json.replies).toEqual(
			[],
		);
	});

	it('serves lookups, sender addresses and credits', async () => {
		const l = await call<{ carrier: { name: string } }>(
			sb.url,
			'GET',
			'/v1/lookups/phone/+61491570156?options=carrier,type',
		);
		expect(l.json).toMatchObject({
			country_code: 'AU',
			phone_number: '+61491570156',
			type: 'mobile',
		});
		expect(l.json.carrier.name).toEqual(expect.any(String));
		const bad = await call(sb.url, 'GET', '/v1/lookups/phone/123');
		expect(bad.status).toBe(404);
		expect(bad.json).toEqual({ message: 'The number could not be found or is invalid.' });
		await call(sb.url, 'POST', '/_sandbox/config', { lookupsAvailable: false });
		const off = await call(sb.url, 'GET', '/v1/lookups/phone/+61491570156');
		expect(off.json).toEqual({ message: 'Resource not found.' });

		const page1 = await call<{ data: SenderAddress[]; pagination: Pagination }>(
			sb.url,
			'GET',
			'/v1/messaging/numbers/sender_address/addresses?page_size=2',
		);
		expect(page1.json.data).toHaveLength(2);
		const page2 = await call<{ data: SenderAddress[]; pagination: Pagination }>(
			sb.url,
			'GET',
			`/v1/messaging/numbers/sender_address/addresses?page_size=2&token=${page1.json.pagination.next_token}`,
		);
		expect(page2.json.data).toHaveLength(1);
		expect(page2.json.pagination.next_token).toBeNull();
		const alpha = await call<{ data: SenderAddress[] }>(
			sb.url,
			'GET',
			'/v1/messaging/numbers/sender_address/addresses?sender_address_type=ALPHANUMERIC',
		);
		expect(alpha.json.data.map((a) => a.sender_address)).toEqual(['ACME']);
		expect(
			(await call(sb.url, 'GET', '/v1/messaging/numbers/sender_address/addresses?page_size=101'))
				.status,
		).toBe(400);
		const credits = await call<{ credits: number }>(
			sb.url,
			'GET',
			'/v1/messaging/credits',
			undefined,
			{
				Authorization: BASIC,
			},
		);
		expect(credits.json.credits).toBe(1000);
	});
});
