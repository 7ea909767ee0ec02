import { generateKeyPairSync } from 'crypto';
import { NodeOperationError, resolveWebhookDescriptionField } from 'n8n-workflow';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import { resetDedupStores } from '../../nodes/MessageMedia/inbound/dedupStore';
import { MESSAGE_EVENTS } from '../../nodes/MessageMedia/shared/events';
import { VERIFICATION_HEADER } from '../../nodes/MessageMedia/trigger/webhookHeaders';
import { WEBHOOK_TEMPLATE } from '../../nodes/MessageMedia/trigger/webhookTemplate';
import { triggerWebhookDescriptionValue, webhookContext } from '../helpers/n8n';
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
const ALL_EVENTS = MESSAGE_EVENTS.map((event) => event.value);

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
			headers: options.headers ?? { [VERIFICATION_HEADER]: SECRET },
			url: options.requestUrl,
		},
	});
	const result = await trigger.webhook.call(built.context);
	const items = (result.workflowData?.[0] ?? []) as INodeExecutionData[];
	return { result, items, res: built.res };
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
		['a wrong secret', { [VERIFICATION_HEADER]: 'f'.repeat(64) }],
		['a secret of another length', { [VERIFICATION_HEADER]: 'short' }],
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

	it.each([
		['a partly rendered template', render(MO_VARS).replace('"mt-1"', '"$!{messageId}"')],
		[
			'an escape call left in the text',
			render(MO_VARS).replace('"Yes!"', '"$!esc.json($!moContent)"'),
		],
		['a template not rendered at all', WEBHOOK_TEMPLATE],
	])('answers 400 naming the cause for %s, and starts nothing', async (_name, body) => {
		const { result, res } = await call({ body });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(400);
		expect(String(res.sent)).toMatch(
			/^Bad request: MessageMedia did not render the webhook template: .+ still holds the template text "\$!/,
		);
		// The refusal claims nothing, so a rendered delivery of the same event still fires.
		expect((await call()).items).toHaveLength(1);
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

	it('fails as a node error when an attachment cannot be stored, and lets the retry through', async () => {
		const built = webhookContext({
			parameters: { events: ALL_EVENTS, options: {} },
			staticData: { webhookSecret: SECRET, webhookUrl: WEBHOOK_URL },
			request: { body: render(MMS_VARS), headers: { [VERIFICATION_HEADER]: SECRET } },
		});
		jest
			.spyOn(built.context.helpers, 'prepareBinaryData')
			.mockRejectedValueOnce(new Error('disk full'));
		const failure = trigger.webhook.call(built.context);
		await expect(failure).rejects.toThrow(NodeOperationError);
		await expect(failure).rejects.toThrow('The MMS attachments could not be stored as binary data');
		expect((await call({ body: render(MMS_VARS) })).items).toHaveLength(1);
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
		await call({ headers: { [VERIFICATION_HEADER]: 'f'.repeat(64) } });
		expect((await call()).items).toHaveLength(1);
	});

	it('can be turned off', async () => {
		const parameters = { options: { dedupWindowHours: 0 } };
		await call({ parameters });
		expect((await call({ parameters })).items).toHaveLength(1);
	});
});

describe('acknowledgement (webhook response mode)', () => {
	const base = { events: ['RECEIVED_SMS'] };
	it.each([
		[{}, 'onReceived'],
		[{ acknowledge: 'onReceived' }, 'onReceived'],
		[{ acknowledge: 'lastNode' }, 'lastNode'],
	])('options %j answer MessageMedia %s', (options, mode) => {
		const value = triggerWebhookDescriptionValue('responseMode', { ...base, options }, 'x');
		expect(value).toBe(mode);
	});

	it.each([
		[{}, 'onReceived'],
		[{ acknowledge: 'lastNode' }, 'lastNode'],
	])(
		'n8n resolves options %j natively, to what its expression engine gives (%s)',
		(options, mode) => {
			const [description] = trigger.description.webhooks!;
			const node = { parameters: { ...base, options } } as unknown as INode;
			expect(resolveWebhookDescriptionField(node, description, 'responseMode')).toEqual({
				resolved: true,
				value: mode,
			});
			expect(triggerWebhookDescriptionValue('responseMode', node.parameters, 'x')).toBe(mode);
		},
	);

	it('leaves a trigger whose parameters hold an expression to the expression engine', () => {
		const [description] = trigger.description.webhooks!;
		const parameters = { ...base, options: { acknowledge: 'lastNode', onlyFromNumbers: '={{1}}' } };
		const node = { parameters } as unknown as INode;
		expect(resolveWebhookDescriptionField(node, description, 'responseMode')).toEqual({
			resolved: false,
		});
		expect(triggerWebhookDescriptionValue('responseMode', parameters, 'x')).toBe('lastNode');
	});

	it("answers with no body, so a last node without items is not n8n's 500", () => {
		const parameters = { ...base, options: { acknowledge: 'lastNode' } };
		expect(triggerWebhookDescriptionValue('responseData', parameters, 'firstEntryJson')).toBe(
			'noData',
		);
	});

	it('offers exactly the modes the expression passes through', () => {
		const options = trigger.description.properties.find((p) => p.name === 'options')!;
		const acknowledge = (options.options as INodeProperties[]).find(
			(o) => o.name === 'acknowledge',
		)!;
		expect((acknowledge.options as INodePropertyOptions[]).map((o) => o.value)).toEqual([
			'onReceived',
			'lastNode',
		]);
		expect(acknowledge.default).toBe('onReceived');
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
		[VERIFICATION_HEADER]: SECRET,
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
		expect(await expect401({ [VERIFICATION_HEADER]: SECRET }, render(MO_VARS))).toMatch(
			/not signed/,
		);
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
		const headers: Record<string, string> = signed(body);
		delete headers[VERIFICATION_HEADER];
		await expect401(headers, body);
	});
});
