/**
 * Places where the sandbox once answered more kindly than MessageMedia does, so a test that
 * passed against it could hide a bug against the real service.
 */
import { verify } from 'crypto';
import {
	call,
	MessageBody,
	MessagesBody,
	ReplyBody,
	SignatureKeyBody,
	sandboxWithReceiver,
} from './helpers';

const DEFAULT_SENDER = '+61491570200';

describe('sandbox fidelity to MessageMedia', () => {
	const live = sandboxWithReceiver();

	const send = async (message: Record<string, unknown>) => {
		const r = await call<MessagesBody>(live.sb.url, 'POST', '/v1/messages', {
			messages: [{ content: 'Reply YES', destination_number: '+61491570156', ...message }],
		});
		expect(r.status).toBe(202);
		return r.json.messages[0];
	};

	const enableKey = async (digest = 'SHA256') => {
		const key = await call<SignatureKeyBody>(live.sb.url, 'POST', '/v1/iam/signature_keys', {
			digest,
			cipher: 'RSA',
		});
		await call(live.sb.url, 'PATCH', '/v1/iam/signature_keys/enabled', { key_id: key.json.key_id });
		return {
			id: key.json.key_id as string,
			pem: `-----BEGIN PUBLIC KEY-----\n${key.json.public_key}\n-----END PUBLIC KEY-----`,
		};
	};

	it('answers a scheduled message queued at submit, reads scheduled, and reports from its time', async () => {
		// Read back while scheduled: due in an hour, so no load on the machine can make it due first.
		const later = await send({ scheduled: new Date(Date.now() + 3_600_000).toISOString() });
		expect(later.status).toBe('queued');
		expect(
			(await call<MessageBody>(live.sb.url, 'GET', `/v1/messages/${later.message_id}`)).json.status,
		).toBe('scheduled');

		const at = Date.now() + 300;
		const m = await send({
			scheduled: new Date(at).toISOString(),
			delivery_report: true,
			callback_url: `${live.rx.url}/dr`,
		});
		expect(m.status).toBe('queued');
		const [first] = await live.rx.waitFor(1, (r) => r.url === '/dr');
		expect(JSON.parse(first.body).status).toBe('enroute');
		expect(Date.parse(JSON.parse(first.body).date_received)).toBeGreaterThanOrEqual(at);
	});

	it('signs callback_url pushes with the enabled key, as MessageMedia does', async () => {
		const key = await enableKey('SHA512');
		const m = await send({ delivery_report: true, callback_url: `${live.rx.url}/cb?order=42` });
		const [push] = await live.rx.waitFor(1, (r) => r.url.startsWith('/cb'));
		expect(JSON.parse(push.body).message_id).toBe(m.message_id);
		expect(push.headers['x-messagemedia-key-id']).toBe(key.id);
		expect(push.headers['x-messagemedia-digest-type']).toBe('SHA512');
		const data = `POST ${push.url} HTTP/1.1${push.headers['date']}${push.body}`;
		const sig = Buffer.from(push.headers['x-messagemedia-signature'] as string, 'base64');
		expect(verify('sha512', Buffer.from(data), key.pem, sig)).toBe(true);

		// A reply to the message is pushed to the same callback_url, signed the same way.
		await call(live.sb.url, 'POST', '/_sandbox/replies', {
			message_id: m.message_id,
			content: 'YES',
		});
		const [reply] = await live.rx.waitFor(
			1,
			(r) => r.url.startsWith('/cb') && r.body.includes('reply_id'),
		);
		const replyData = `POST ${reply.url} HTTP/1.1${reply.headers['date']}${reply.body}`;
		const replySig = Buffer.from(reply.headers['x-messagemedia-signature'] as string, 'base64');
		expect(verify('sha512', Buffer.from(replyData), key.pem, replySig)).toBe(true);
	});

	it('leaves callback pushes unsigned when no key is enabled, or when told to', async () => {
		await send({ delivery_report: true, callback_url: `${live.rx.url}/nokey` });
		const [unsigned] = await live.rx.waitFor(1, (r) => r.url === '/nokey');
		expect(unsigned.headers['x-messagemedia-signature']).toBeUndefined();

		await enableKey();
		await call(live.sb.url, 'POST', '/_sandbox/config', { signCallbacks: false });
		await send({ delivery_report: true, callback_url: `${live.rx.url}/off` });
		const [off] = await live.rx.waitFor(1, (r) => r.url === '/off');
		expect(off.headers['x-messagemedia-signature']).toBeUndefined();
	});

	it('gives a reply to an unsourced message the number it went out from as $destinationAddress', async () => {
		await call(live.sb.url, 'POST', '/v1/webhooks/messages', {
			url: `${live.rx.url}/hook`,
			method: 'POST',
			encoding: 'JSON',
			events: ['RECEIVED_SMS', 'OPT_OUT_SMS'],
			template: '{"id":"$!replyId$!notificationId","to":"$!destinationAddress"}',
		});
		const unsourced = await send({});
		const sourced = await send({ source_number: 'ACME', source_number_type: 'ALPHANUMERIC' });
		const listed = (await call<MessagesBody>(live.sb.url, 'GET', '/_sandbox/messages')).json
			.messages;
		const sentFrom = (id: string) => listed.find((x) => x.message_id === id)!.sent_from;
		expect(sentFrom(unsourced.message_id)).toBe(DEFAULT_SENDER);
		expect(sentFrom(sourced.message_id)).toBe('ACME');

		const reply = await call<ReplyBody>(live.sb.url, 'POST', '/_sandbox/replies', {
			message_id: unsourced.message_id,
			content: 'YES',
		});
		// The polled Reply object still has no destination_number, as the spec describes.
		expect(reply.json.destination_number).toBeUndefined();
		await call(live.sb.url, 'POST', '/_sandbox/replies', {
			message_id: sourced.message_id,
			content: 'no',
		});
		await call(live.sb.url, 'POST', '/_sandbox/opt-outs', { message_id: unsourced.message_id });
		const hits = await live.rx.waitFor(3, (r) => r.url === '/hook');
		const bodies = hits.map((h) => JSON.parse(h.body));
		expect(bodies).toEqual(
			expect.arrayContaining([
				{ id: reply.json.reply_id, to: DEFAULT_SENDER },
				{ id: expect.any(String), to: 'ACME' },
			]),
		);
		expect(bodies.filter((b) => b.to === DEFAULT_SENDER)).toHaveLength(2);
	});

	it('renders $velocityHasNext, as the spec sample and MessageMedia n8n template use', async () => {
		// The metadata loop of the spec's DR sample template, in the form MessageMedia publishes it.
		const template =
			'{"delivery_report_id":"$drId","status":"$status","metadata":{' +
			'#foreach($key in $metadata.keySet())"$key": "$esc.json($metadata.get($key))"' +
			'#if( $velocityHasNext ),#end#end}}';
		await call(live.sb.url, 'POST', '/v1/webhooks/messages', {
			url: `${live.rx.url}/dr-hook`,
			method: 'POST',
			encoding: 'JSON',
			events: ['DELIVERED_DR'],
			template,
		});
		await send({ metadata: { a: '1', b: 'two "quoted"', c: '3' } });
		const [hit] = await live.rx.waitFor(1, (r) => r.url === '/dr-hook');
		expect(JSON.parse(hit.body)).toMatchObject({
			status: 'delivered',
			metadata: { a: '1', b: 'two "quoted"', c: '3' },
		});
	});
});
