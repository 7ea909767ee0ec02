/**
 * Events: the MessageMedia Trigger in a real n8n, fed by the sandbox over real HTTP.
 * Replies (with intent and the original message's metadata, de-duplicated across retries),
 * delivery reports, forged requests (no secret: 401, no execution) and RSA-signed deliveries
 * (signed: pass; tampered: 401).
 */
import { RESERVED_NUMBERS } from '../../sandbox';
import { VERIFICATION_HEADER as SECRET_HEADER } from '../../nodes/MessageMedia/trigger/webhookHeaders';
import {
	activateTrigger,
	createTriggerExample,
	createWorkflow,
	deactivateTrigger,
	E2eEnv,
	expectExecutionCountStays,
	headerOf,
	http,
	nodeOutput,
	nodesRun,
	pollUntil,
	SandboxWebhook,
	startE2e,
	triggerUrl,
	triggerWorkflow,
	WebhookDelivery,
} from './helpers/harness';
import type { SandboxMessage } from './helpers/harness';

const CUSTOMER = '+61491570156';

describe('MessageMedia Trigger events in real n8n', () => {
	let env: E2eEnv;

	beforeAll(async () => {
		env = await startE2e({ name: 'trigger-events' });
	});

	afterAll(async () => {
		await env?.stop();
	});

	describe('the appointment-confirmation example: replies and forgery', () => {
		let workflowId: string;
		let webhookId: string;
		let url: string;
		let hook: SandboxWebhook;
		let appointmentMessage: SandboxMessage;

		beforeAll(async () => {
			await env.sandbox.reset();
			({ workflowId, webhookId, url } = await createTriggerExample(
				env,
				'appointment-confirmation.json',
			));
			hook = await activateTrigger(env, workflowId, webhookId);
			appointmentMessage = await env.sandbox.sendMessage(CUSTOMER, 'Reply YES to confirm', {
				appointmentId: 'APT-1001',
			});
		});

		afterAll(async () => {
			if (workflowId) await deactivateTrigger(env, workflowId, webhookId);
		});

		it('an injected "yes" reply produces exactly one execution with event, intent, number and metadata', async () => {
			const reply = await env.sandbox.injectReply({
				message_id: appointmentMessage.message_id,
				content: 'yes',
			});
			const [execution] = await env.n8n.api.waitForExecutions(workflowId, 1, { timeoutMs: 30_000 });
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('webhook');
			const out = nodeOutput(execution, 'Customer replied');
			expect(out).toHaveLength(1);
			expect(out[0]).toMatchObject({
				event: 'reply',
				eventName: 'RECEIVED_SMS',
				id: reply.reply_id,
				messageId: appointmentMessage.message_id,
				intent: 'confirm',
				text: 'yes',
				from: CUSTOMER,
				phoneNumber: CUSTOMER,
				metadata: { appointmentId: 'APT-1001' },
				metadata_appointmentId: 'APT-1001',
			});
			// The Switch sent it down the confirm branch, which texted the customer back.
			expect(nodesRun(execution)).toEqual(
				['Confirm booking', 'Customer replied', 'Send confirmation', 'What did they say?'].sort(),
			);
			const [confirmation] = nodeOutput(execution, 'Send confirmation');
			expect(confirmation).toMatchObject({
				destination: CUSTOMER,
				content: 'Thanks! Appointment APT-1001 is confirmed.',
			});
			expect(typeof confirmation.messageId).toBe('string');
			await expectExecutionCountStays(env, workflowId, 1, 1_500);
		});

		it('the same reply delivered three times (retries) still gives exactly one execution', async () => {
			const before = (await env.n8n.api.listExecutions({ workflowId })).length;
			const reply = await env.sandbox.injectReply({
				message_id: appointmentMessage.message_id,
				content: 'Yes please',
				deliveries: 3,
			});
			// All three copies reached n8n and were answered 200 (so MessageMedia stops retrying).
			const copies = await pollUntil(
				'three deliveries of the reply',
				async () =>
					(await env.sandbox.deliveries()).filter(
						(d) => d.webhook_id === hook.id && d.body.includes(reply.reply_id),
					),
				(list) => list.length === 3,
			);
			expect(copies.map((d) => d.status)).toEqual([200, 200, 200]);
			expect(copies.map((d) => d.retry_count).sort()).toEqual([0, 1, 2]);
			const all = await env.n8n.api.waitForExecutions(workflowId, before + 1, {
				timeoutMs: 30_000,
			});
			await expectExecutionCountStays(env, workflowId, before + 1, 2_000);
			const [event] = nodeOutput(all[all.length - 1], 'Customer replied');
			expect(event).toMatchObject({ id: reply.reply_id, intent: 'confirm', text: 'Yes please' });
		});

		it('a POST to the production URL without the secret gets 401 and starts nothing', async () => {
			const before = (await env.n8n.api.listExecutions({ workflowId })).length;
			const secret = headerOf(hook, SECRET_HEADER)!;
			const body = JSON.stringify({
				reply_id: 'forged-reply-1',
				message_id: appointmentMessage.message_id,
				source_number: CUSTOMER,
				content: 'CANCEL',
				metadata: { appointmentId: 'APT-1001' },
			});
			const json = { 'content-type': 'application/json' };

			const missing = await http('POST', url, body, json);
			expect(missing.status).toBe(401);
			expect(missing.text).toContain(`The ${SECRET_HEADER} header is missing`);

			const wrong = await http('POST', url, body, {
				...json,
				[SECRET_HEADER]: secret.replace(/^./, (c) => (c === '0' ? '1' : '0')),
			});
			expect(wrong.status).toBe(401);
			expect(wrong.text).toContain('does not match');

			const short = await http('POST', url, body, { ...json, [SECRET_HEADER]: 'x' });
			expect(short.status).toBe(401);

			await expectExecutionCountStays(env, workflowId, before, 2_000);

			// The same request with the registered secret does start one: only the secret was missing.
			const genuine = await http('POST', url, body, { ...json, [SECRET_HEADER]: secret });
			expect(genuine.status).toBe(200);
			const all = await env.n8n.api.waitForExecutions(workflowId, before + 1, {
				timeoutMs: 30_000,
			});
			expect(nodeOutput(all[all.length - 1], 'Customer replied')[0]).toMatchObject({
				id: 'forged-reply-1',
				intent: 'cancel',
			});
		});
	});

	describe('delivery reports', () => {
		let workflowId: string;
		let webhookId: string;

		beforeAll(async () => {
			await env.sandbox.reset({ drIntervalMs: 50 });
			const wf = triggerWorkflow(env, { name: 'events: failed DRs', events: ['FAILED_DR'] });
			webhookId = wf.webhookId;
			const created = await createWorkflow(env, wf);
			workflowId = created.id;
			await activateTrigger(env, workflowId, webhookId);
		});

		afterAll(async () => {
			if (workflowId) await deactivateTrigger(env, workflowId, webhookId);
		});

		it('a failed delivery produces one execution with status failed and its code', async () => {
			const failed = await env.sandbox.sendMessage(RESERVED_NUMBERS.failed, 'Your code is 1234', {
				appointmentId: 'APT-2001',
			});
			const delivered = await env.sandbox.sendMessage('+61491570160', 'This one arrives');
			// Wait until both messages finished their walk (the delivered one must start nothing).
			await pollUntil(
				'both delivery-report walks',
				async () => (await env.sandbox.messages()).map((m) => m.status).sort(),
				(statuses) => statuses.join(',') === 'delivered,failed',
			);
			const [execution] = await env.n8n.api.waitForExecutions(workflowId, 1, { timeoutMs: 30_000 });
			const out = nodeOutput(execution, 'MessageMedia Trigger');
			expect(out).toHaveLength(1);
			expect(out[0]).toMatchObject({
				event: 'delivery_report',
				eventName: 'FAILED_DR',
				status: 'failed',
				statusCode: 400,
				statusDescription: 'Undeliverable',
				messageId: failed.message_id,
				phoneNumber: RESERVED_NUMBERS.failed,
				// For a delivery report `from` is our sender (none was set) and `to` the handset.
				from: '',
				to: RESERVED_NUMBERS.failed,
				text: 'Your code is 1234',
				metadata_appointmentId: 'APT-2001',
			});
			expect(out[0].messageId).not.toBe(delivered.message_id);
			await expectExecutionCountStays(env, workflowId, 1, 1_500);
		});
	});

	describe('RSA signatures', () => {
		let workflowId: string;
		let webhookId: string;
		let url: string;
		let hook: SandboxWebhook;
		let signed: WebhookDelivery;

		beforeAll(async () => {
			await env.sandbox.reset();
			const key = await env.sandbox.api<{ key_id: string; public_key: string }>(
				'POST',
				'/v1/iam/signature_keys',
				{ digest: 'SHA256', cipher: 'RSA' },
			);
			await env.sandbox.api('PATCH', '/v1/iam/signature_keys/enabled', { key_id: key.key_id });
			const wf = triggerWorkflow(env, {
				name: 'events: signed',
				events: ['RECEIVED_SMS'],
				parameters: {
					verifySignature: true,
					publicKey: key.public_key,
					signatureKeyId: key.key_id,
					signatureMaxAge: 300,
				},
			});
			webhookId = wf.webhookId;
			url = triggerUrl(env.n8n, webhookId);
			const created = await createWorkflow(env, wf);
			workflowId = created.id;
			hook = await activateTrigger(env, workflowId, webhookId);
		});

		afterAll(async () => {
			if (workflowId) await deactivateTrigger(env, workflowId, webhookId);
			if (workflowId) await env.sandbox.api('DELETE', '/v1/iam/signature_keys/enabled');
		});

		it('a signed delivery passes and starts one execution', async () => {
			const reply = await env.sandbox.injectReply({ source_number: CUSTOMER, content: 'yes' });
			const [execution] = await env.n8n.api.waitForExecutions(workflowId, 1, { timeoutMs: 30_000 });
			expect(nodeOutput(execution, 'MessageMedia Trigger')[0]).toMatchObject({
				event: 'reply',
				id: reply.reply_id,
				intent: 'confirm',
			});
			const [delivery] = (await env.sandbox.deliveries()).filter((d) => d.webhook_id === hook.id);
			expect(delivery.status).toBe(200);
			expect(delivery.headers['X-MessageMedia-Signature']).toEqual(expect.any(String));
			signed = delivery;
		});

		/** Re-sends the captured signed delivery, changed by `tamper`. */
		async function replay(tamper: (headers: Record<string, string>, body: string) => string) {
			const headers: Record<string, string> = { ...signed.headers };
			delete headers['Content-Length'];
			const body = tamper(headers, signed.body);
			return http('POST', url, body, headers);
		}

		it('tampered deliveries get 401 and start nothing', async () => {
			expect(signed).toBeDefined();
			const body = await replay((_, b) => b.replace('"content":"yes"', '"content":"no"'));
			expect(body.status).toBe(401);
			expect(body.text).toContain('The signature does not match');

			const date = await replay((h, b) => {
				h['Date'] = new Date(Date.parse(h['Date']) + 1000).toUTCString();
				return b;
			});
			expect(date.status).toBe(401);
			expect(date.text).toContain('The signature does not match');

			const signature = await replay((h, b) => {
				const bytes = Buffer.from(h['X-MessageMedia-Signature'], 'base64');
				bytes[10] ^= 0xff;
				h['X-MessageMedia-Signature'] = bytes.toString('base64');
				return b;
			});
			expect(signature.status).toBe(401);

			const unsigned = await replay((h, b) => {
				for (const k of Object.keys(h)) if (/^x-messagemedia-/i.test(k)) delete h[k];
				return b;
			});
			expect(unsigned.status).toBe(401);
			expect(unsigned.text).toContain('The request is not signed');

			const otherKey = await replay((h, b) => {
				h['X-MessageMedia-Key-Id'] = '00000000-0000-4000-8000-000000000000';
				return b;
			});
			expect(otherKey.status).toBe(401);

			// Unchanged, the captured request still verifies; as a duplicate it starts nothing.
			const untouched = await replay((_, b) => b);
			expect(untouched.status).toBe(200);

			await expectExecutionCountStays(env, workflowId, 1, 2_000);
		});
	});
});
