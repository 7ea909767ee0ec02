import { generateKeyPairSync } from 'crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import {
	claimPersisted,
	DedupStore,
	PERSISTED_MAX,
	releasePersisted,
	resetDedupStores,
} from '../../nodes/MessageMedia/trigger/dedup';
import { SECRET_HEADER } from '../../nodes/MessageMedia/trigger/template';
import { webhookContext } from '../helpers/n8n';
import {
	DR_VARS,
	KEY_ID,
	MMS_VARS,
	MO_VARS,
	OPT_OUT_VARS,
	PNG_BASE64,
	PUBLIC_KEY_BASE64,
	PUBLIC_KEY_PEM,
	render,
	SECRET,
	signedHeaders,
	TEST_URL,
	WEBHOOK_URL,
} from './fixtures';

const trigger = new MessageMediaTrigger();
const ALL_EVENTS = [
	'RECEIVED_SMS',
	'RECEIVED_MMS',
	'OPT_OUT_SMS',
	'ENROUTE_DR',
	'SUBMITTED_DR',
	'DELIVERED_DR',
	'EXPIRED_DR',
	'REJECTED_DR',
	'FAILED_DR',
];

interface Call {
	body?: string | Buffer;
	headers?: Record<string, string>;
	parameters?: IDataObject;
	staticData?: IDataObject;
	requestUrl?: string;
	webhookUrl?: string;
}

async function call(options: Call = {}) {
	const body = options.body ?? render(MO_VARS);
	const built = webhookContext({
		parameters: { events: ALL_EVENTS, options: {}, ...(options.parameters ?? {}) },
		staticData: options.staticData ?? { webhookSecret: SECRET, webhookUrl: WEBHOOK_URL },
		webhookUrl: options.webhookUrl,
		request: {
			body,
			headers: options.headers ?? { [SECRET_HEADER]: SECRET },
			url: options.requestUrl,
		},
	});
	const result = await trigger.webhook.call(built.context);
	const items = (result.workflowData?.[0] ?? []) as INodeExecutionData[];
	return { result, items, res: built.res, workflow: built.workflow, staticData: built.staticData };
}

/** The node's static data as n8n would store it and load it for the next request. */
function saved(staticData: () => IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(staticData())) as IDataObject;
}

beforeEach(() => resetDedupStores());

describe('webhook() authentication', () => {
	it('starts one execution for a request with the right secret', async () => {
		const { items, res } = await call();
		expect(res.ended).toBe(false);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ event: 'reply', id: 'reply-1', intent: 'confirm' });
	});

	it.each([
		['a wrong secret', { [SECRET_HEADER]: 'f'.repeat(64) }],
		['a secret of another length', { [SECRET_HEADER]: 'short' }],
		['no secret header', {}],
	])('answers 401 without an execution for %s', async (_name, headers) => {
		const { result, res } = await call({ headers });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(401);
		expect(String(res.sent)).toMatch(/Unauthorized/);
	});

	it('answers 401 when no secret is stored (fails closed)', async () => {
		const { result, res } = await call({ staticData: {} });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(401);
	});
});

describe('webhook() malformed requests', () => {
	it('answers 400 for a body that is not JSON', async () => {
		const { result, res } = await call({ body: '{"reply_id":"x", oops' });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(400);
	});

	it('answers 400 for JSON without any event id', async () => {
		const { res } = await call({
			body: JSON.stringify({ content: 'hi', source_number: '+61491570156' }),
		});
		expect(res.statusCode).toBe(400);
		expect(String(res.sent)).toMatch(/reply_id/);
	});

	it('answers 400 for a JSON array', async () => {
		const { res } = await call({ body: '[1,2]' });
		expect(res.statusCode).toBe(400);
	});
});

describe('webhook() events and filters', () => {
	it('emits an opt-out and a delivery report', async () => {
		const optOut = await call({ body: render(OPT_OUT_VARS) });
		expect(optOut.items[0].json).toMatchObject({ event: 'opt_out', eventName: 'OPT_OUT_SMS' });
		const dr = await call({ body: render(DR_VARS) });
		expect(dr.items[0].json).toMatchObject({
			event: 'delivery_report',
			eventName: 'DELIVERED_DR',
			statusCode: 220,
			statusDescription: 'Delivered',
			metadata_appointmentId: 'A-17',
		});
	});

	it('drops an event the node is not subscribed to, with n8n’s 200 and no execution', async () => {
		const { result, res } = await call({
			body: render(DR_VARS),
			parameters: { events: ['RECEIVED_SMS'] },
		});
		expect(result).toEqual({});
		expect(res.ended).toBe(false);
	});

	it('filters by customer number, normalising the list', async () => {
		const parameters = { options: { onlyFromNumbers: '0061 491 570 156, +61 491 570 157' } };
		expect((await call({ parameters })).items).toHaveLength(1);
		resetDedupStores();
		const other = await call({
			parameters,
			body: render({ ...MO_VARS, sourceAddress: '+61491570158' }),
		});
		expect(other.result).toEqual({});
	});

	it('keeps only events whose metadata has the configured key', async () => {
		const parameters = { options: { requireMetadataKey: 'appointmentId' } };
		expect((await call({ parameters })).items).toHaveLength(1);
		const optOut = await call({ parameters, body: render(OPT_OUT_VARS) });
		expect(optOut.result).toEqual({});
	});

	it('classifies intent with the configured keywords', async () => {
		const { items } = await call({
			parameters: { keywords: { confirm: 'JA, OUI' } },
			body: render({ ...MO_VARS, moContent: ' oui. ' }),
		});
		expect(items[0].json.intent).toBe('confirm');
	});

	it('turns MMS attachments into binary data and keeps base64 out of the JSON', async () => {
		const { items } = await call({ body: render(MMS_VARS) });
		const item = items[0];
		expect(Object.keys(item.binary ?? {})).toEqual(['attachment_0', 'attachment_1']);
		expect(item.binary!.attachment_0).toMatchObject({
			mimeType: 'image/png',
			fileName: 'pic "1".png',
			data: PNG_BASE64,
		});
		expect(item.json.attachments).toEqual([
			{ binaryProperty: 'attachment_0', contentType: 'image/png', fileName: 'pic "1".png' },
			{ binaryProperty: 'attachment_1', contentType: 'text/plain', fileName: 'a.txt' },
		]);
		expect(JSON.stringify(item.json)).not.toContain(PNG_BASE64);
	});
});

describe('webhook() de-duplication', () => {
	it('fires once when MessageMedia retries the same event', async () => {
		const first = await call({ body: render({ ...MO_VARS, retryCount: 0 }) });
		const retry = await call({ body: render({ ...MO_VARS, retryCount: 1 }) });
		expect(first.items).toHaveLength(1);
		expect(retry.result).toEqual({});
		expect(retry.res.ended).toBe(false);
	});

	it('fires for different events with the same message id', async () => {
		await call({ body: render(DR_VARS) });
		const next = await call({ body: render({ ...DR_VARS, drId: 'dr-2', status: 'submitted' }) });
		expect(next.items).toHaveLength(1);
	});

	it('keeps test and production registrations apart', async () => {
		await call();
		const test = await call({ staticData: { webhookSecret: SECRET, webhookUrl: TEST_URL } });
		expect(test.items).toHaveLength(1);
	});

	it('does not remember forged requests', async () => {
		await call({ headers: { [SECRET_HEADER]: 'f'.repeat(64) } });
		expect((await call()).items).toHaveLength(1);
	});

	it('can be turned off', async () => {
		const parameters = { options: { dedupWindowHours: 0 } };
		const first = await call({ parameters });
		expect(first.staticData().recentEvents).toBeUndefined();
		expect((await call({ parameters })).items).toHaveLength(1);
	});
});

describe('webhook() de-duplication across restarts and webhook processes', () => {
	const body = (replyId: string) => render({ ...MO_VARS, replyId });

	it('marks the static data changed, so n8n saves the claim before it answers', async () => {
		const first = await call();
		expect(first.items).toHaveLength(1);
		expect(first.workflow.staticData.__dataChanged).toBe(true);
		expect(first.staticData().recentEvents).toMatch(/^[\w-]{12}[0-9a-z]{7}$/);
	});

	it('drops a retry that reaches a fresh process (a restart, or another webhook process)', async () => {
		const first = await call({ body: body('reply-a') });
		resetDedupStores();
		const retry = await call({ body: body('reply-a'), staticData: saved(first.staticData) });
		expect(retry.result).toEqual({});
		expect(retry.workflow.staticData.__dataChanged).toBe(false);
		const other = await call({ body: body('reply-b'), staticData: saved(first.staticData) });
		expect(other.items).toHaveLength(1);
	});

	it('puts back a claim that a concurrent request’s save overwrote', async () => {
		// Two requests load the same stored record; the one saved last knows nothing of the other.
		const loaded = saved((await call({ body: body('reply-0') })).staticData);
		const a = await call({ body: body('reply-a'), staticData: structuredClone(loaded) });
		const b = await call({ body: body('reply-b'), staticData: structuredClone(loaded) });
		expect([a.items.length, b.items.length]).toEqual([1, 1]);
		resetDedupStores();
		const retryA = await call({ body: body('reply-a'), staticData: saved(b.staticData) });
		expect(retryA.result).toEqual({});
	});

	it('lets a retry through once the claim has expired', async () => {
		const parameters = { options: { dedupWindowHours: 1 } };
		const first = await call({ parameters });
		const stored = saved(first.staticData);
		const past = (Math.floor(Date.now() / 1000) - 1).toString(36).padStart(7, '0');
		stored.recentEvents = (stored.recentEvents as string).slice(0, 12) + past;
		resetDedupStores();
		expect((await call({ parameters, staticData: stored })).items).toHaveLength(1);
	});

	const HOUR = 3_600_000;
	const T0 = 1_800_000_000_000;
	/** Claims e0…e(n-1), one a second from T0, each time reading the record back as n8n would. */
	function claimAll(n: number, store = new DedupStore(), start = '') {
		let record = start;
		for (let i = 0; i < n; i++) {
			const next = claimPersisted(store, `${record}`, `e${i}`, HOUR, T0 + i * 1000);
			expect(next).toBeDefined();
			record = next!;
		}
		return record;
	}

	it(`keeps the newest ${PERSISTED_MAX} ids and drops expired ones`, () => {
		const expired = 'x'.repeat(12) + (T0 / 1000 - 5).toString(36).padStart(7, '0');
		const record = claimAll(PERSISTED_MAX + 200, new DedupStore(), expired);
		expect(record).toHaveLength(PERSISTED_MAX * 19);
		expect(record).not.toContain('x'.repeat(12));
		const at = T0 + (PERSISTED_MAX + 200) * 1000;
		const fresh = () => new DedupStore();
		expect(claimPersisted(fresh(), record, `e${PERSISTED_MAX + 199}`, HOUR, at)).toBeUndefined();
		expect(claimPersisted(fresh(), record, 'e200', HOUR, at)).toBeUndefined();
		// The 200 oldest were dropped to stay within the bound.
		expect(claimPersisted(fresh(), record, 'e199', HOUR, at)).toBeDefined();
		expect(claimPersisted(fresh(), record, `e${PERSISTED_MAX + 200}`, HOUR, at)).toBeDefined();
	});

	it('writes the same record whether or not it could reuse its own last write', () => {
		const reused = claimAll(PERSISTED_MAX + 50);
		// A fresh store per claim never finds its last write and always rebuilds.
		let rebuilt = '';
		for (let i = 0; i < PERSISTED_MAX + 50; i++) {
			rebuilt = claimPersisted(new DedupStore(), rebuilt, `e${i}`, HOUR, T0 + i * 1000)!;
		}
		expect(reused).toBe(rebuilt);
	});

	it('merges a record written by another process with its own claims, oldest first', () => {
		const a = new DedupStore();
		const b = new DedupStore();
		const fromA = claimPersisted(a, '', 'a1', HOUR, T0)!;
		// b read the record before a saved it, so b's save lost a1 ...
		const fromB = claimPersisted(b, '', 'b1', HOUR, T0 + 1000)!;
		expect(claimPersisted(new DedupStore(), fromB, 'a1', HOUR, T0 + 2000)).toBeDefined();
		// ... and a's next save puts it back, after which every claim is in the record.
		const merged = claimPersisted(a, fromB, 'a2', HOUR, T0 + 3000)!;
		expect(merged).toHaveLength(3 * 19);
		for (const id of ['a1', 'b1', 'a2']) {
			expect(claimPersisted(new DedupStore(), merged, id, HOUR, T0 + 4000)).toBeUndefined();
		}
		expect(fromA).toBe(merged.slice(0, 19));
	});

	it('starts a new record when the stored one is unreadable', () => {
		const clean = claimPersisted(new DedupStore(), '', 'e1', HOUR, T0);
		for (const junk of [null, 'x', 42, ['a'], { a: 1 }]) {
			expect(claimPersisted(new DedupStore(), junk, 'e1', HOUR, T0)).toBe(clean);
		}
	});

	it('forgets a released claim', () => {
		const store = new DedupStore();
		const record = claimPersisted(
			store,
			claimPersisted(store, '', 'e1', HOUR, T0),
			'e2',
			HOUR,
			T0,
		)!;
		const released = releasePersisted(record, 'e1')!;
		expect(released).toHaveLength(19);
		expect(claimPersisted(new DedupStore(), released, 'e1', HOUR, T0)).toBeDefined();
		expect(claimPersisted(new DedupStore(), released, 'e2', HOUR, T0)).toBeUndefined();
	});
});

describe('webhook() RSA signature', () => {
	const rsaParams = (overrides: IDataObject = {}) => ({
		verifySignature: true,
		publicKey: PUBLIC_KEY_BASE64,
		signatureKeyId: KEY_ID,
		signatureMaxAge: 300,
		...overrides,
	});
	const signed = (
		body: string,
		options: Parameters<typeof signedHeaders>[2] = {},
		url?: string,
	) => ({
		[SECRET_HEADER]: SECRET,
		...signedHeaders(body, url, options),
	});

	it('accepts a correctly signed request (base64 DER key)', async () => {
		const body = render(MO_VARS);
		const { items } = await call({ body, headers: signed(body), parameters: rsaParams() });
		expect(items).toHaveLength(1);
	});

	it('accepts a PEM key, also with its line breaks flattened', async () => {
		const body = render(MO_VARS);
		for (const publicKey of [PUBLIC_KEY_PEM, PUBLIC_KEY_PEM.replace(/\n/g, ' ')]) {
			resetDedupStores();
			const { items } = await call({
				body,
				headers: signed(body),
				parameters: rsaParams({ publicKey }),
			});
			expect(items).toHaveLength(1);
		}
	});

	it.each(['SHA224', 'SHA-512', 'sha256'])('accepts the %s digest spelling', async (digest) => {
		const body = render(MO_VARS);
		const { items } = await call({
			body,
			headers: signed(body, { digest }),
			parameters: rsaParams(),
		});
		expect(items).toHaveLength(1);
	});

	it('verifies against the registered URL when a proxy rewrote the path n8n sees', async () => {
		const body = render(MO_VARS);
		const { items } = await call({
			body,
			headers: signed(body),
			parameters: rsaParams(),
			requestUrl: '/internal/n8n/webhook/hook-uuid/webhook',
		});
		expect(items).toHaveLength(1);
	});

	async function expect401(
		headers: Record<string, string>,
		body: string,
		parameters = rsaParams(),
	) {
		const { result, res } = await call({ body, headers, parameters });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(401);
		return String(res.sent);
	}

	it('rejects an unsigned request', async () => {
		expect(await expect401({ [SECRET_HEADER]: SECRET }, render(MO_VARS))).toMatch(/not signed/);
	});

	it('rejects a body changed after signing, even by one byte', async () => {
		const body = render(MO_VARS);
		const tampered = body.replace('Yes!', 'Yes?');
		expect(await expect401(signed(body), tampered)).toMatch(/does not match/);
	});

	it('rejects a signature over another URL', async () => {
		const body = render(MO_VARS);
		const headers = signed(body, {}, 'https://n8n.example.com/webhook/other/webhook');
		expect(await expect401(headers, body)).toMatch(/does not match/);
	});

	it('rejects another key id', async () => {
		const body = render(MO_VARS);
		expect(await expect401(signed(body, { keyId: 'other-key' }), body)).toMatch(/different key/);
	});

	it('rejects a signature by another private key', async () => {
		const body = render(MO_VARS);
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
		expect(await expect401(signed(body, { privateKey }), body)).toMatch(/does not match/);
	});

	it('rejects a stale Date, and accepts it when the age check is off', async () => {
		const body = render(MO_VARS);
		const headers = signed(body, { date: new Date(Date.now() - 3_600_000).toUTCString() });
		expect(await expect401(headers, body)).toMatch(/too old/);
		const { items } = await call({ body, headers, parameters: rsaParams({ signatureMaxAge: 0 }) });
		expect(items).toHaveLength(1);
	});

	it('still requires the secret header on a correctly signed request', async () => {
		const body = render(MO_VARS);
		const { [SECRET_HEADER]: _secret, ...headers } = signed(body);
		await expect401(headers, body);
	});
});
