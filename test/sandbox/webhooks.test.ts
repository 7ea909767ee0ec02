import { verify } from 'crypto';
import type { Webhook } from '../../sandbox/store';
import {
	BASIC,
	call,
	CountersBody,
	DeliveriesBody,
	ErrorBody,
	MessagesBody,
	ReplyBody,
	SignatureKeyBody,
	sandboxWithReceiver,
	waitUntil,
} from './helpers';

/** A webhook as the Webhooks Management API answers it, or its error. */
type WebhookBody = Webhook & Partial<ErrorBody>;

/** GET /v1/webhooks/messages. */
interface WebhookPage {
	page: number;
	pageSize: number;
	pageData: Webhook[];
}

const REPLY_TEMPLATE =
	'{"event":"reply","reply_id":"$!replyId","message_id":"$!messageId","source":"$!sourceAddress",' +
	'"content":"$esc.json($!moContent)","retry":"$retryCount","metadata":{#foreach($k in $metadata.keySet())' +
	'"$esc.json($k)":"$esc.json($metadata.get($k))"#if($foreach.hasNext),#end#end}}';

const DR_TEMPLATE = '{"dr":"$drId","status":"$status","code":"$statusCode","reply":"$replyId"}';

describe('sandbox webhooks', () => {
	const live = sandboxWithReceiver();

	const create = (over: Record<string, unknown> = {}) =>
		call<WebhookBody>(live.sb.url, 'POST', '/v1/webhooks/messages', {
			url: `${live.rx.url}/hook`,
			method: 'POST',
			encoding: 'JSON',
			events: ['RECEIVED_SMS'],
			template: REPLY_TEMPLATE,
			...over,
		});

	it('creates, reads, updates, lists and deletes webhooks', async () => {
		const c = await create({ headers: { 'X-Token': 'abc' } });
		expect(c.status).toBe(201);
		expect(c.json).toEqual({
			id: expect.any(String),
			url: `${live.rx.url}/hook`,
			method: 'POST',
			encoding: 'JSON',
			events: ['RECEIVED_SMS'],
			headers: { 'X-Token': 'abc' },
			template: REPLY_TEMPLATE,
			retries: 0,
		});
		const id = c.json.id;
		expect(
			(await call<WebhookBody>(live.sb.url, 'GET', `/v1/webhooks/messages/${id}`)).json.id,
		).toBe(id);
		const p = await call<WebhookBody>(live.sb.url, 'PATCH', `/v1/webhooks/messages/${id}`, {
			events: ['DELIVERED_DR'],
		});
		expect(p.status).toBe(200);
		expect(p.json.events).toEqual(['DELIVERED_DR']);
		expect(
			(await call(live.sb.url, 'PATCH', `/v1/webhooks/messages/${id}`, { retries: 2 })).status,
		).toBe(400);
		expect(
			(await call(live.sb.url, 'PATCH', `/v1/webhooks/messages/${id}`, { events: [] })).status,
		).toBe(400);
		expect((await call(live.sb.url, 'DELETE', `/v1/webhooks/messages/${id}`)).status).toBe(204);
		expect((await call(live.sb.url, 'DELETE', `/v1/webhooks/messages/${id}`)).status).toBe(404);
		expect(
			(await call(live.sb.url, 'PATCH', `/v1/webhooks/messages/${id}`, { url: 'http://x.test' }))
				.status,
		).toBe(404);
	});

	it('validates webhook bodies', async () => {
		const bad = [
			{ url: 'not a url' },
			{ method: 'OPTIONS' },
			{ encoding: 'YAML' },
			{ events: [] },
			{ events: ['SOMETHING_DR'] },
			{ headers: { 'content-type': 'text/plain' } },
			{ retries: 6 },
			{ retry_delay: 4 },
			{ read_timeout: 60001 },
			{ url: undefined },
		];
		for (const over of bad) {
			const r = await create(over);
			expect({ over, status: r.status }).toEqual({ over, status: 400 });
			expect(typeof r.json.message).toBe('string');
		}
	});

	it('returns 409 for a duplicate url+method, also on PATCH', async () => {
		await create();
		const dup = await create({ events: ['OPT_OUT_SMS'] });
		expect(dup.status).toBe(409);
		expect(dup.json).toEqual({
			message: 'A webhook with the given url and method already exists.',
		});
		expect((await create({ method: 'PUT' })).status).toBe(201);
		const other = await create({ url: `${live.rx.url}/other` });
		const p = await call(live.sb.url, 'PATCH', `/v1/webhooks/messages/${other.json.id}`, {
			url: `${live.rx.url}/hook`,
		});
		expect(p.status).toBe(409);
	});

	it('pages with page and page_size or pageSize', async () => {
		for (let i = 0; i < 12; i++) await create({ url: `${live.rx.url}/h${i}` });
		const p0 = await call<WebhookPage>(live.sb.url, 'GET', '/v1/webhooks/messages');
		expect(p0.json.page).toBe(0);
		expect(p0.json.pageSize).toBe(10);
		expect(p0.json.pageData).toHaveLength(10);
		const p1 = await call<WebhookPage>(
			live.sb.url,
			'GET',
			'/v1/webhooks/messages?page=1&pageSize=10',
		);
		expect(p1.json.pageData).toHaveLength(2);
		const p2 = await call<WebhookPage>(
			live.sb.url,
			'GET',
			'/v1/webhooks/messages?page=2&page_size=5',
		);
		expect(p2.json.pageData.map((w) => w.url)).toEqual([
			`${live.rx.url}/h10`,
			`${live.rx.url}/h11`,
		]);
		expect((await call(live.sb.url, 'GET', '/v1/webhooks/messages?page_size=101')).status).toBe(
			400,
		);
	});

	it('delivers an injected reply with the rendered template, headers and metadata', async () => {
		await create({ headers: { 'X-Token': 'abc' } });
		const send = await call<MessagesBody>(live.sb.url, 'POST', '/v1/messages', {
			messages: [
				{
					content: 'Ping',
					destination_number: '+61491570156',
					metadata: { order: 'A"1', note: 'line1\nline2' },
					callback_url: `${live.rx.url}/cb`,
				},
			],
		});
		const id = send.json.messages[0].message_id;
		const content = 'He said "yes" \\ ok\nnew line 😀 café';
		const inj = await call<ReplyBody>(live.sb.url, 'POST', '/_sandbox/replies', {
			message_id: id,
			content,
		});
		expect(inj.status).toBe(201);
		const [hook] = await live.rx.waitFor(1, (r) => r.url === '/hook');
		expect(hook.headers['content-type']).toBe('application/json');
		expect(hook.headers['x-token']).toBe('abc');
		expect(hook.body).toContain('\\uD83D\\uDE00');
		expect(JSON.parse(hook.body)).toEqual({
			event: 'reply',
			reply_id: inj.json.reply_id,
			message_id: id,
			source: '+61491570156',
			content,
			retry: '0',
			metadata: { order: 'A"1', note: 'line1\nline2' },
		});
		// The callback_url receives the Reply-object shape.
		const [cb] = await live.rx.waitFor(1, (r) => r.url === '/cb' && r.body.includes('reply_id'));
		expect(JSON.parse(cb.body)).toMatchObject({
			reply_id: inj.json.reply_id,
			message_id: id,
			content,
			callback_url: `${live.rx.url}/cb`,
			metadata: { order: 'A"1', note: 'line1\nline2' },
		});
	});

	it('delivers MMS replies with $attachments to RECEIVED_MMS webhooks only', async () => {
		await create({ url: `${live.rx.url}/sms` });
		await create({
			url: `${live.rx.url}/mms`,
			events: ['RECEIVED_MMS'],
			template:
				'{"format":"$format","files":[#foreach($a in $attachments){"type":"$a.contentType","data":"$a.base64","name":"$esc.json($a.originalName)"}#if($foreach.hasNext),#end#end]}',
		});
		const attachments = [
			{ contentType: 'image/png', base64: 'iVBORw0KGgo=', originalName: 'a/b.png' },
		];
		await call(live.sb.url, 'POST', '/_sandbox/replies', {
			source_number: '+61491570999',
			content: 'pic',
			attachments,
		});
		const [hit] = await live.rx.waitFor(1, (r) => r.url === '/mms');
		expect(JSON.parse(hit.body)).toEqual({
			format: 'MMS',
			files: [{ type: 'image/png', data: 'iVBORw0KGgo=', name: 'a/b.png' }],
		});
		await new Promise((r) => setTimeout(r, 100));
		expect(live.rx.received.filter((r) => r.url === '/sms')).toHaveLength(0);
	});

	it('delivers the same reply N times with deliveries, retryCount 0..N-1', async () => {
		await create();
		const inj = await call<ReplyBody>(live.sb.url, 'POST', '/_sandbox/replies', {
			source_number: '+61491570999',
			content: 'unsolicited',
			deliveries: 3,
		});
		const hits = await live.rx.waitFor(3, (r) => r.url === '/hook');
		const bodies = hits.map((h) => JSON.parse(h.body));
		expect(new Set(bodies.map((b) => b.reply_id))).toEqual(new Set([inj.json.reply_id]));
		expect(bodies.map((b) => b.retry).sort()).toEqual(['0', '1', '2']);
		expect(bodies[0].message_id).toBe('');
		expect(bodies[0].metadata).toEqual({});
	});

	it('sends DR events to subscribed webhooks; unset variables render literally', async () => {
		await create({ events: ['ENROUTE_DR', 'DELIVERED_DR'], template: DR_TEMPLATE });
		await call(live.sb.url, 'POST', '/v1/messages', {
			messages: [{ content: 'x', destination_number: '+61491570156' }],
		});
		const hits = await live.rx.waitFor(2, (r) => r.url === '/hook');
		const bodies = hits.map((h) => JSON.parse(h.body));
		expect(bodies.map((b) => [b.status, b.code])).toEqual([
			['enroute', '101'],
			['delivered', '220'],
		]);
		expect(bodies[0].reply).toBe('$replyId');
		await new Promise((r) => setTimeout(r, 100));
		expect(live.rx.received.filter((r) => r.url === '/hook')).toHaveLength(2);
	});

	it('retries a failing webhook with an incremented $retryCount', async () => {
		await create({ retries: 2, retry_delay: 5 });
		live.rx.respondWith.push(500, 503);
		await call(live.sb.url, 'POST', '/_sandbox/replies', {
			source_number: '+61491570999',
			content: 'r',
		});
		const hits = await live.rx.waitFor(3, (r) => r.url === '/hook');
		expect(hits.map((h) => JSON.parse(h.body).retry)).toEqual(['0', '1', '2']);
		const counters = (await call<CountersBody>(live.sb.url, 'GET', '/_sandbox/counters')).json;
		expect(counters.webhookDeliveries).toMatchObject({ attempts: 3, succeeded: 1, failed: 2 });
		expect(counters.webhookDeliveries.byStatus).toEqual({ '200': 1, '500': 1, '503': 1 });
		const log = (
			await call<DeliveriesBody>(live.sb.url, 'GET', '/_sandbox/webhook-deliveries?limit=10')
		).json.deliveries;
		expect(log.map((e) => [e.status, e.attempt])).toEqual([
			[500, 0],
			[503, 1],
			[200, 2],
		]);
	});

	it('delivers opt-outs with $notificationId and blacklists the number', async () => {
		await create({
			events: ['OPT_OUT_SMS'],
			template: '{"n":"$notificationId","r":"$replyId","c":"$esc.json($moContent)"}',
		});
		const o = await call<{ notification_id: string }>(live.sb.url, 'POST', '/_sandbox/opt-outs', {
			source_number: '+61491570333',
		});
		expect(o.status).toBe(201);
		const [hit] = await live.rx.waitFor(1, (r) => r.url === '/hook');
		expect(JSON.parse(hit.body)).toEqual({ n: o.json.notification_id, r: '$replyId', c: 'STOP' });
		const bl = await call<{ numbers: string[] }>(
			live.sb.url,
			'GET',
			'/v1/number_authorisation/mt/blacklist',
		);
		expect(bl.json.numbers).toContain('61491570333');
	});

	it('signs deliveries with the enabled key, verifiable with the public key from creation', async () => {
		expect((await call(live.sb.url, 'GET', '/v1/iam/signature_keys/enabled')).status).toBe(404);
		const key = await call<SignatureKeyBody>(live.sb.url, 'POST', '/v1/iam/signature_keys', {
			digest: 'SHA224',
			cipher: 'RSA',
		});
		expect(key.status).toBe(201);
		expect(key.json).toMatchObject({ cipher: 'RSA', digest: 'SHA224', enabled: false });
		const get = await call<Partial<SignatureKeyBody>>(
			live.sb.url,
			'GET',
			`/v1/iam/signature_keys/${key.json.key_id}`,
		);
		expect(get.json.public_key).toBeUndefined();
		expect((await call(live.sb.url, 'PATCH', '/v1/iam/signature_keys/enabled', {})).status).toBe(
			400,
		);
		const en = await call<{ enabled: boolean }>(
			live.sb.url,
			'PATCH',
			'/v1/iam/signature_keys/enabled',
			{
				key_id: key.json.key_id,
			},
		);
		expect(en.json.enabled).toBe(true);
		expect(
			(await call(live.sb.url, 'GET', '/v1/iam/signature_keys?page=1&page_size=20')).json,
		).toHaveLength(1);
		expect((await call(live.sb.url, 'GET', '/v1/iam/signature_keys')).status).toBe(400);

		await create({ url: `${live.rx.url}/signed?x=1&y=two` });
		await call(live.sb.url, 'POST', '/_sandbox/replies', {
			source_number: '+61491570999',
			content: 'sig',
		});
		const [hit] = await live.rx.waitFor(1, (r) => r.url.startsWith('/signed'));
		expect(hit.headers['x-messagemedia-digest-type']).toBe('SHA224');
		expect(hit.headers['x-messagemedia-cipher-type']).toBe('RSA');
		expect(hit.headers['x-messagemedia-key-id']).toBe(key.json.key_id);
		const pem = `-----BEGIN PUBLIC KEY-----\n${key.json.public_key}\n-----END PUBLIC KEY-----`;
		const data = `POST ${hit.url} HTTP/1.1` + hit.headers['date'] + hit.body;
		const sig = Buffer.from(hit.headers['x-messagemedia-signature'] as string, 'base64');
		expect(verify('sha224', Buffer.from(data), pem, sig)).toBe(true);
		expect(verify('sha224', Buffer.from(data + ' '), pem, sig)).toBe(false);

		expect((await call(live.sb.url, 'DELETE', '/v1/iam/signature_keys/enabled')).status).toBe(204);
		expect((await call(live.sb.url, 'GET', '/v1/iam/signature_keys/enabled')).status).toBe(404);
		expect(
			(await call(live.sb.url, 'DELETE', `/v1/iam/signature_keys/${key.json.key_id}`)).status,
		).toBe(200);
		expect(
			(await call(live.sb.url, 'DELETE', `/v1/iam/signature_keys/${key.json.key_id}`)).json,
		).toEqual({
			message: 'Entity not found',
		});
	});

	it('keeps webhooks per sub-account', async () => {
		const c = await call<WebhookBody>(
			live.sb.url,
			'POST',
			'/v1/webhooks/messages',
			{
				url: `${live.rx.url}/sub`,
				method: 'POST',
				encoding: 'JSON',
				events: ['RECEIVED_SMS'],
				template: '{"r":"$replyId"}',
			},
			{ Authorization: BASIC, Account: 'Sub1' },
		);
		expect(c.status).toBe(201);
		expect(
			(await call<WebhookPage>(live.sb.url, 'GET', '/v1/webhooks/messages')).json.pageData,
		).toEqual([]);
		const all = (await call<{ webhooks: Webhook[] }>(live.sb.url, 'GET', '/_sandbox/webhooks')).json
			.webhooks;
		expect(all).toEqual([expect.objectContaining({ id: c.json.id, account_id: 'Sub1' })]);
		await call(live.sb.url, 'POST', '/_sandbox/replies', {
			source_number: '+61491570999',
			content: 'a',
		});
		const r = await call<ReplyBody>(live.sb.url, 'POST', '/_sandbox/replies', {
			account: 'Sub1',
			source_number: '+61491570999',
			content: 'b',
		});
		const hits = await waitUntil(async () => {
			const h = live.rx.received.filter((x) => x.url === '/sub');
			return h.length > 0 && h;
		});
		expect(hits.map((h) => JSON.parse(h.body).r)).toEqual([r.json.reply_id]);

		// A reply to a sub-account's message finds its account even without `account`.
		const sent = await call<MessagesBody>(
			live.sb.url,
			'POST',
			'/v1/messages',
			{ messages: [{ content: 'hi', destination_number: '+61491570156' }] },
			{ Authorization: BASIC, Account: 'Sub1' },
		);
		const r2 = await call<ReplyBody>(live.sb.url, 'POST', '/_sandbox/replies', {
			message_id: sent.json.messages[0].message_id,
			content: 'c',
		});
		expect(r2.status).toBe(201);
		const hits2 = await live.rx.waitFor(2, (x) => x.url === '/sub');
		expect(JSON.parse(hits2[1].body).r).toBe(r2.json.reply_id);
		const wrong = await call(live.sb.url, 'POST', '/_sandbox/replies', {
			account: 'Other',
			message_id: sent.json.messages[0].message_id,
			content: 'd',
		});
		expect(wrong.status).toBe(404);
	});
});
