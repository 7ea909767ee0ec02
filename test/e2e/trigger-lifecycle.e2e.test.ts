/**
 * Webhook lifecycle: the MessageMedia Trigger in a real n8n registers exactly one
 * webhook at the sandbox when its workflow is activated (through n8n's public API), removes it on
 * deactivation, keeps exactly one across restarts, and adopts a pre-existing webhook for its URL.
 */
import {
	VERIFICATION_HEADER as SECRET_HEADER,
	WORKFLOW_HEADER,
} from '../../nodes/MessageMedia/trigger/webhookHeaders';
import { WEBHOOK_TEMPLATE } from '../../nodes/MessageMedia/trigger/webhookTemplate';
import {
	activateTrigger,
	createTriggerExample,
	createWorkflow,
	deactivateTrigger,
	E2eEnv,
	expectExecutionCountStays,
	headerOf as header,
	nodeOutput,
	SandboxWebhook,
	startE2e,
	triggerUrl,
	triggerWorkflow,
	waitForSandboxHooks,
} from './helpers/harness';

const APPOINTMENT_EVENTS = ['OPT_OUT_SMS', 'RECEIVED_MMS', 'RECEIVED_SMS'];
const WEBHOOK_WRITES = [
	'POST /v1/webhooks/messages',
	'PATCH /v1/webhooks/messages/:id',
	'DELETE /v1/webhooks/messages/:id',
];

describe('MessageMedia Trigger webhook lifecycle in real n8n', () => {
	let env: E2eEnv;

	beforeAll(async () => {
		env = await startE2e({ name: 'trigger-lifecycle' });
	});

	afterAll(async () => {
		await env?.stop();
	});

	/**
	 * After a restart n8n 2.41.1 re-registers the active workflow's webhook in its own table; the
	 * row is already there, so it does not even call checkExists. Watch the sandbox for a few
	 * seconds: the one webhook must stay exactly as it was.
	 */
	async function expectUnchangedAfterRestart(url: string, hook: SandboxWebhook) {
		await env.n8n.api.waitForWebhook(url, { timeoutMs: 60_000 });
		await waitForSandboxHooks(
			env,
			url,
			(list) =>
				list.length === 1 &&
				list[0].id === hook.id &&
				header(list[0], SECRET_HEADER) === header(hook, SECRET_HEADER),
			{ settleMs: 3_000, what: 'the webhook after the restart' },
		);
		expect(await env.sandbox.webhooks()).toHaveLength(1);
	}

	describe('the appointment-confirmation example', () => {
		let workflowId: string;
		let webhookId: string;
		let url: string;
		let firstHook: SandboxWebhook;

		beforeAll(async () => {
			await env.sandbox.reset();
			({ workflowId, webhookId, url } = await createTriggerExample(
				env,
				'appointment-confirmation.json',
			));
			expect(await env.sandbox.webhooks()).toEqual([]);
		});

		it('activating creates exactly one webhook with our URL, events, template and secret header', async () => {
			await activateTrigger(env, workflowId, webhookId);
			const hooks = await env.sandbox.webhooks();
			expect(hooks).toHaveLength(1);
			const [hook] = hooks;
			expect(hook.url).toBe(url);
			expect(hook.url).toBe(`${env.n8n.webhookUrl}webhook/${webhookId}/webhook`);
			expect(hook.method).toBe('POST');
			expect(hook.encoding).toBe('JSON');
			expect([...hook.events].sort()).toEqual(APPOINTMENT_EVENTS);
			expect(hook.template).toBe(WEBHOOK_TEMPLATE);
			expect(header(hook, SECRET_HEADER)).toMatch(/^[0-9a-f]{64}$/);
			expect(header(hook, WORKFLOW_HEADER)).toBe(workflowId);
			expect(hook.retries).toBe(3);
			expect(hook.retry_delay).toBe(30);
			const counters = await env.sandbox.counters();
			expect(counters.requests['POST /v1/webhooks/messages']).toBe(1);
			expect(counters.requests['PATCH /v1/webhooks/messages/:id'] ?? 0).toBe(0);
			firstHook = hook;
		});

		it('the registered webhook delivers into n8n: one reply, one execution', async () => {
			await env.sandbox.injectReply({ source_number: '+61491570156', content: 'Yes' });
			const [execution] = await env.n8n.api.waitForExecutions(workflowId, 1, { timeoutMs: 30_000 });
			const [event] = nodeOutput(execution, 'Customer replied');
			expect(event).toMatchObject({ event: 'reply', intent: 'confirm', from: '+61491570156' });
			await expectExecutionCountStays(env, workflowId, 1, 1_000);
		});

		it('deactivating removes it', async () => {
			await deactivateTrigger(env, workflowId, webhookId);
			expect(await env.sandbox.webhooks()).toEqual([]);
			const counters = await env.sandbox.counters();
			expect(counters.responses['DELETE /v1/webhooks/messages/:id 204']).toBe(1);
		});

		it('reactivating creates exactly one again, with a new secret', async () => {
			await activateTrigger(env, workflowId, webhookId);
			const hooks = await env.sandbox.webhooks();
			expect(hooks).toHaveLength(1);
			expect(hooks[0].url).toBe(url);
			expect(hooks[0].template).toBe(WEBHOOK_TEMPLATE);
			expect(header(hooks[0], SECRET_HEADER)).toMatch(/^[0-9a-f]{64}$/);
			expect(header(hooks[0], SECRET_HEADER)).not.toBe(header(firstHook, SECRET_HEADER));
			firstHook = hooks[0];
		});

		it('an active workflow keeps exactly one webhook across a graceful and a hard n8n restart', async () => {
			const before = await env.sandbox.counters();
			await env.n8n.restart();
			await expectUnchangedAfterRestart(url, firstHook);
			await env.n8n.restart({ hard: true });
			await expectUnchangedAfterRestart(url, firstHook);
			// Start-up created, patched and deleted nothing.
			const after = await env.sandbox.counters();
			for (const key of WEBHOOK_WRITES) {
				expect(`${key}: ${after.requests[key] ?? 0}`).toBe(`${key}: ${before.requests[key] ?? 0}`);
			}

			// The stored secret survived the restarts: a delivery still starts exactly one execution.
			const executionsBefore = (await env.n8n.api.listExecutions({ workflowId })).length;
			await env.sandbox.injectReply({ source_number: '+61491570157', content: 'no' });
			const all = await env.n8n.api.waitForExecutions(workflowId, executionsBefore + 1, {
				timeoutMs: 30_000,
			});
			const [event] = nodeOutput(all[all.length - 1], 'Customer replied');
			expect(event).toMatchObject({ event: 'reply', intent: 'cancel', from: '+61491570157' });
			await expectExecutionCountStays(env, workflowId, executionsBefore + 1, 1_000);
		});

		it('deactivate, restart, reactivate: exactly one webhook', async () => {
			await deactivateTrigger(env, workflowId, webhookId);
			expect(await env.sandbox.webhooks()).toEqual([]);
			await env.n8n.restart();
			expect(await env.sandbox.webhooks()).toEqual([]);
			await activateTrigger(env, workflowId, webhookId);
			const hooks = await env.sandbox.webhooks();
			expect(hooks).toHaveLength(1);
			expect(hooks[0].url).toBe(url);
			expect(hooks[0].template).toBe(WEBHOOK_TEMPLATE);
			expect(header(hooks[0], SECRET_HEADER)).not.toBe(header(firstHook, SECRET_HEADER));
			await deactivateTrigger(env, workflowId, webhookId);
			expect(await env.sandbox.webhooks()).toEqual([]);
		});
	});

	describe('a pre-existing webhook for the same URL', () => {
		beforeEach(async () => {
			await env.sandbox.reset();
		});

		async function preCreate(url: string, extra: Record<string, unknown>) {
			return env.sandbox.api<SandboxWebhook>('POST', '/v1/webhooks/messages', {
				url,
				method: 'POST',
				encoding: 'JSON',
				events: ['RECEIVED_SMS'],
				headers: { 'X-Made-By': 'hand' },
				template: '{"hand":"$!moContent"}',
				...extra,
			});
		}

		it('is adopted (409 at create, then PATCH): still exactly one, now ours, and it delivers', async () => {
			const wf = triggerWorkflow(env, {
				name: 'lifecycle: adopt',
				events: ['RECEIVED_SMS', 'OPT_OUT_SMS'],
			});
			const url = triggerUrl(env.n8n, wf.webhookId);
			const existing = await preCreate(url, { retries: 3, retry_delay: 30 });
			const created = await createWorkflow(env, wf);
			const hook = await activateTrigger(env, created.id, wf.webhookId);

			const counters = await env.sandbox.counters();
			expect(counters.responses['POST /v1/webhooks/messages 409']).toBe(1);
			expect(counters.responses['PATCH /v1/webhooks/messages/:id 200']).toBe(1);
			expect(await env.sandbox.webhooks()).toHaveLength(1);
			expect(hook.id).toBe(existing.id);
			expect(hook.url).toBe(url);
			expect([...hook.events].sort()).toEqual(['OPT_OUT_SMS', 'RECEIVED_SMS']);
			expect(hook.template).toBe(WEBHOOK_TEMPLATE);
			expect(header(hook, SECRET_HEADER)).toMatch(/^[0-9a-f]{64}$/);
			expect(header(hook, WORKFLOW_HEADER)).toBe(created.id);
			expect(header(hook, 'X-Made-By')).toBeUndefined();

			await env.sandbox.injectReply({ source_number: '+61491570158', content: 'hello' });
			const [execution] = await env.n8n.api.waitForExecutions(created.id, 1, { timeoutMs: 30_000 });
			expect(nodeOutput(execution, 'MessageMedia Trigger')[0]).toMatchObject({
				event: 'reply',
				text: 'hello',
				from: '+61491570158',
			});

			await deactivateTrigger(env, created.id, wf.webhookId);
			expect(await env.sandbox.webhooks()).toEqual([]);
		});

		it('with other retry settings (which PATCH cannot change) is replaced: still exactly one', async () => {
			const wf = triggerWorkflow(env, { name: 'lifecycle: replace', events: ['RECEIVED_SMS'] });
			const url = triggerUrl(env.n8n, wf.webhookId);
			const existing = await preCreate(url, { retries: 0 });
			const created = await createWorkflow(env, wf);
			const hook = await activateTrigger(env, created.id, wf.webhookId);

			const counters = await env.sandbox.counters();
			expect(counters.responses['POST /v1/webhooks/messages 409']).toBe(1);
			expect(await env.sandbox.webhooks()).toHaveLength(1);
			expect(hook.id).not.toBe(existing.id);
			expect(hook.url).toBe(url);
			expect(hook.retries).toBe(3);
			expect(hook.retry_delay).toBe(30);
			expect(hook.template).toBe(WEBHOOK_TEMPLATE);

			await deactivateTrigger(env, created.id, wf.webhookId);
			expect(await env.sandbox.webhooks()).toEqual([]);
		});
	});
});
