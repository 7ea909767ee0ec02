/**
 * The trigger against the sandbox: real webhook registration and listing, real Velocity
 * rendering of our template, real custom headers and RSA signatures, fed back into webhook().
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEMO_CREDENTIALS, startSandbox } from '../../sandbox';
import type { SandboxHandle } from '../../sandbox';
import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import { resetDedupStores } from '../../nodes/MessageMedia/inbound/dedupStore';
import { hookContext, webhookContext } from '../helpers/n8n';
import type { MessagesBody, Received, Receiver, SignatureKeyBody } from '../sandbox/helpers';
import { call, startReceiver } from '../sandbox/helpers';
import { HOSTILE, PNG_BASE64 } from './fixtures';

const trigger = new MessageMediaTrigger();
const EVENTS = ['RECEIVED_SMS', 'RECEIVED_MMS', 'OPT_OUT_SMS', 'DELIVERED_DR'];

let sb: SandboxHandle;
let rx: Receiver;
let credentials: IDataObject;
let url: string;

beforeAll(async () => {
	sb = await startSandbox({ port: 0, quiet: true, drIntervalMs: 20 });
	rx = await startReceiver();
	credentials = {
		authType: 'basic',
		apiKey: DEMO_CREDENTIALS.basic.apiKey,
		apiSecret: DEMO_CREDENTIALS.basic.apiSecret,
		region: 'custom',
		baseUrl: sb.url,
		subAccount: '',
	};
	url = `${rx.url}/webhook/hook-uuid/webhook`;
});
afterAll(async () => {
	await sb.close();
	await rx.close();
});
beforeEach(async () => {
	await call(sb.url, 'POST', '/_sandbox/reset');
	await call(sb.url, 'POST', '/_sandbox/config', { drIntervalMs: 20, retryDelayScale: 0.01 });
	rx.received.length = 0;
	resetDedupStores();
});

const hook = (staticData?: IDataObject) =>
	hookContext({
		parameters: { events: EVENTS, options: {} },
		credentials: credentials as never,
		webhookUrl: url,
		staticData,
	});

async function remoteHooks(): Promise<IDataObject[]> {
	return (
		await call<{ pageData: IDataObject[] }>(
			sb.url,
			'GET',
			'/v1/webhooks/messages?page=0&page_size=100',
		)
	).json.pageData;
}

async function deliver(received: Received, staticData: IDataObject, parameters: IDataObject = {}) {
	const built = webhookContext({
		parameters: { events: EVENTS, options: {}, ...parameters },
		credentials: credentials as never,
		webhookUrl: url,
		staticData: { ...staticData },
		request: {
			body: received.body,
			headers: received.headers as Record<string, string>,
			url: received.url,
		},
	});
	const result = await trigger.webhook.call(built.context);
	return {
		result,
		items: (result.workflowData?.[0] ?? []) as INodeExecutionData[],
		res: built.res,
	};
}

async function sendMessage(metadata: Record<string, string>) {
	const sent = await call<MessagesBody>(sb.url, 'POST', '/v1/messages', {
		messages: [
			{
				content: 'Reply YES to confirm',
				destination_number: '+61491570156',
				source_number: '+61491570999',
				delivery_report: true,
				metadata,
			},
		],
	});
	return sent.json.messages[0].message_id as string;
}

it('registers once, recognises its webhook, and survives lost static data without duplicates', async () => {
	const first = hook();
	await trigger.webhookMethods.default.create.call(first.context);
	const data = { ...first.staticData() };
	expect(await remoteHooks()).toHaveLength(1);

	expect(await trigger.webhookMethods.default.checkExists.call(hook(data).context)).toBe(true);

	// Static data lost: checkExists adopts by URL.
	const adopted = hook();
	expect(await trigger.webhookMethods.default.checkExists.call(adopted.context)).toBe(true);
	expect(adopted.staticData().webhookSecret).toBe(data.webhookSecret);

	// Static data lost and create called anyway: 409 → PATCH, still one webhook, new secret.
	const again = hook();
	await trigger.webhookMethods.default.create.call(again.context);
	const hooks = await remoteHooks();
	expect(hooks).toHaveLength(1);
	expect(again.staticData().webhookId).toBe(data.webhookId);
	expect(again.staticData().webhookSecret).not.toBe(data.webhookSecret);

	expect(await trigger.webhookMethods.default.delete.call(hook(again.staticData()).context)).toBe(
		true,
	);
	expect(await remoteHooks()).toHaveLength(0);
});

it('turns real, signed deliveries of every family into items, once each', async () => {
	const key = await call<SignatureKeyBody>(sb.url, 'POST', '/v1/iam/signature_keys', {
		digest: 'SHA224',
		cipher: 'RSA',
	});
	expect(key.status).toBe(201);
	await call(sb.url, 'PATCH', '/v1/iam/signature_keys/enabled', { key_id: key.json.key_id });
	const rsa = {
		verifySignature: true,
		publicKey: key.json.public_key,
		signatureKeyId: key.json.key_id,
		signatureMaxAge: 300,
	};

	const registration = hook();
	await trigger.webhookMethods.default.create.call(registration.context);
	const data = { ...registration.staticData() };

	const messageId = await sendMessage({ appointmentId: 'A-17', note: HOSTILE.slice(0, 200) });
	await call(sb.url, 'POST', '/_sandbox/replies', {
		message_id: messageId,
		content: HOSTILE,
		deliveries: 2,
	});
	await call(sb.url, 'POST', '/_sandbox/replies', {
		message_id: messageId,
		content: 'pic',
		attachments: [{ contentType: 'image/png', base64: PNG_BASE64, originalName: 'p.png' }],
	});
	await call(sb.url, 'POST', '/_sandbox/opt-outs', { source_number: '+61491570156' });

	const parsed = (r: Received) => JSON.parse(r.body) as IDataObject;
	// The sandbox delivers the first reply twice, as a retry would.
	const [reply, copy] = await rx.waitFor(2, (r) => parsed(r).content === HOSTILE);
	const [mms] = await rx.waitFor(1, (r) => (parsed(r).attachments as unknown[]).length > 0);
	const [optOut] = await rx.waitFor(1, (r) => parsed(r).notification_id !== '');

	const first = await deliver(reply, data, rsa);
	expect(first.res.statusCode).toBeUndefined();
	expect(first.items[0].json).toMatchObject({
		event: 'reply',
		messageId,
		text: HOSTILE,
		metadata_appointmentId: 'A-17',
		from: '+61491570156',
	});
	const second = await deliver(copy, data, rsa);
	expect(second.result).toEqual({});

	const mmsItem = (await deliver(mms, data, rsa)).items[0];
	expect(mmsItem.json.eventName).toBe('RECEIVED_MMS');
	expect(mmsItem.binary?.attachment_0.data).toBe(PNG_BASE64);

	expect((await deliver(optOut, data, rsa)).items[0].json).toMatchObject({
		event: 'opt_out',
		intent: 'stop',
	});

	const dr = (await rx.waitFor(1, (r) => parsed(r).status === 'delivered'))[0];
	expect((await deliver(dr, data, rsa)).items[0].json).toMatchObject({
		event: 'delivery_report',
		eventName: 'DELIVERED_DR',
		messageId,
		statusCode: expect.any(Number),
	});

	// A forged copy: right secret, body altered after signing.
	const forged = { ...reply, body: reply.body.replace('A-17', 'A-18') };
	resetDedupStores();
	expect((await deliver(forged, data, rsa)).res.statusCode).toBe(401);
});
