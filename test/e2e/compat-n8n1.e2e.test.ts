/**
 * The smoke subset on the last n8n 1.x line (the pinned 1.123.x, scripts/n8n/runtime-1.x): the
 * package, unchanged, against a real n8n 1.x and the sandbox. `npm run test:e2e:n8n1` runs it
 * (test/e2e/jest.n8n1.config.js); the full suite runs on the pinned 2.x.
 *
 *  1. Trigger activation registers exactly one webhook at MessageMedia.
 *  2. One reply runs exactly one execution.
 *  3. 250 sends go out as exactly 3 POST /v1/messages.
 *  4. Send and Wait resumes on a reply, and refuses a callback with a wrong mm_token. n8n 1.x does
 *     not check the signature on resume URLs, so the node's own token is the only guard there.
 *  5. Send and Wait in a loop: three rounds end on `confirm` after three messages; a late reply to
 *     the first message during the third wait resumes nothing.
 *  6. Confirm by link: link previews decide nothing, the button's POST resumes once.
 */
import {
	activateTrigger,
	createWorkflow,
	publishWebhookWorkflow,
	deactivateTrigger,
	E2eEnv,
	expectExecutionCountStays,
	http,
	nodeOutput,
	pollUntil,
	startE2e,
	triggerWorkflow,
	uniqueWebhookId,
} from './helpers/harness';
import {
	answerEachRound,
	book,
	bookingWorkflow,
	yesReplyTo,
	branchesThatRan,
	CallbackDelivery,
	linkIn,
	linkWorkflow,
	LOOP_DONE_NODE,
	loopWorkflow,
	repliesOf,
	WAIT_NODE,
} from './helpers/sendAndWait';
import { appointmentSendWorkflow } from '../../scripts/n8n/workflows';
import type { N8nExecution } from '../../scripts/n8n/n8n';

const CUSTOMER = '+61491570156';

describe('n8n 1.x compatibility (smoke)', () => {
	let env: E2eEnv;

	beforeAll(async () => {
		env = await startE2e({ name: 'compat-n8n1', line: '1.x' });
	});

	afterAll(async () => {
		await env?.stop();
	});

	it('runs on the pinned n8n 1.x', () => {
		expect(env.n8n.runtime.line).toBe('1.x');
		expect(env.n8n.runtime.n8nVersion).toMatch(/^1\.123\./);
	});

	it('trigger activation registers exactly one webhook; one reply runs exactly one execution', async () => {
		await env.sandbox.reset();
		const wf = triggerWorkflow(env, { name: 'compat: replies', events: ['RECEIVED_SMS'] });
		const created = await createWorkflow(env, wf);
		// activateTrigger waits for exactly one webhook of ours for the URL, and checks it stays one.
		const hook = await activateTrigger(env, created.id, wf.webhookId);
		expect(hook.events).toEqual(['RECEIVED_SMS']);
		expect(await env.sandbox.webhooks()).toHaveLength(1);

		const sent = await env.sandbox.sendMessage(CUSTOMER, 'Reply YES to confirm', {
			appointmentId: 'APT-1',
		});
		const reply = await env.sandbox.injectReply({ message_id: sent.message_id, content: 'yes' });
		const [execution] = await env.n8n.api.waitForExecutions(created.id, 1, { timeoutMs: 60_000 });
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'MessageMedia Trigger')).toEqual([
			expect.objectContaining({
				event: 'reply',
				id: reply.reply_id,
				messageId: sent.message_id,
				intent: 'confirm',
				from: CUSTOMER,
				metadata_appointmentId: 'APT-1',
			}),
		]);
		await expectExecutionCountStays(env, created.id, 1, 2_000);

		await deactivateTrigger(env, created.id, wf.webhookId);
		expect(await env.sandbox.webhooks()).toHaveLength(0);
	});

	it('250 sends go out as exactly 3 requests', async () => {
		await env.sandbox.reset();
		const webhookId = uniqueWebhookId();
		const hookPath = `compat-send-${webhookId.slice(-12)}`;
		const { id: workflowId, url } = await publishWebhookWorkflow(
			env,
			appointmentSendWorkflow({
				name: 'compat: send 250',
				webhookId,
				path: hookPath,
				credential: env.credentialRef.messageMediaMessagingApi,
			}),
			hookPath,
		);
		const appointments = Array.from({ length: 250 }, (_, i) => ({
			appointmentId: `APT-${i}`,
			name: `Customer ${i}`,
			phone: `+6149157${String(1000 + i)}`,
			from: '',
		}));
		expect((await http('POST', url, { appointments })).status).toBe(200);
		const [execution] = await env.n8n.api.waitForExecutions(workflowId, 1, { timeoutMs: 120_000 });
		expect(execution.status).toBe('success');
		const out = nodeOutput(execution, 'Send reminder');
		expect(out).toHaveLength(250);
		expect(out.every((item) => typeof item.messageId === 'string')).toBe(true);
		const counters = await env.sandbox.counters();
		expect(counters.requests['POST /v1/messages']).toBe(3);
		expect(counters.messagesAccepted).toBe(250);
		await env.n8n.api.deactivate(workflowId);
	});

	it('Send and Wait resumes on a reply and refuses a wrong mm_token', async () => {
		const { workflowId, waiting } = await bookAndWait(bookingWorkflow, 'A-1');
		const [message] = await pollUntil(
			'the message Send and Wait sent',
			() => env.sandbox.messages(),
			(all) => all.length === 1,
		);
		const callback = new URL(message.callback_url);
		expect(callback.pathname).toContain(`/webhook-waiting/${waiting.id}/`);
		const token = callback.searchParams.get('mm_token');
		expect(token).toMatch(/^[0-9a-f]{40}$/);

		// A reply that would resume it, on the real URL (with whatever signature n8n put there) but
		// with another token: the node refuses it and the execution keeps waiting.
		const forged = new URL(callback);
		forged.searchParams.set('mm_token', 'f'.repeat(40));
		const forgedReply = yesReplyTo(message, CUSTOMER, 'A-1');
		const refused = await http('POST', forged.toString(), forgedReply);
		expect(refused.status).toBe(401);
		const forgedNoToken = new URL(callback);
		forgedNoToken.searchParams.delete('mm_token');
		expect((await http('POST', forgedNoToken.toString(), forgedReply)).status).toBe(401);
		const still = await env.n8n.api.getExecution(waiting.id, false);
		expect(still.status).toBe('waiting');

		await env.sandbox.injectReply({ message_id: message.message_id, content: 'Yes please' });
		const done = await pollUntil<N8nExecution>(
			`execution ${waiting.id} to resume`,
			() => env.n8n.api.getExecution(waiting.id, true),
			(e) => e.status !== 'waiting' && e.status !== 'running' && e.status !== 'new',
			{ timeoutMs: 60_000, intervalMs: 500 },
		);
		expect(done.status).toBe('success');
		expect(branchesThatRan(done)).toEqual(['confirm']);
		const waitRuns = done.data?.resultData?.runData?.[WAIT_NODE] ?? [];
		expect(waitRuns[waitRuns.length - 1].data!.main![0]![0].json).toMatchObject({
			outcome: 'reply',
			decision: 'confirm',
			messageId: message.message_id,
			from: CUSTOMER,
		});
		expect(await env.n8n.api.listExecutions({ workflowId: workflowId })).toHaveLength(1);
		await env.n8n.api.deactivate(workflowId);
	});

	/** Publishes a booking workflow variant, books `appointmentId`, and answers its waiting execution. */
	async function bookAndWait(build: typeof bookingWorkflow, appointmentId: string) {
		await env.sandbox.reset({ retryDelayScale: 0.2 });
		const webhookId = uniqueWebhookId();
		const hookPath = `compat-${appointmentId}-${webhookId.slice(-12)}`;
		const { id: workflowId, url } = await publishWebhookWorkflow(
			env,
			build({
				path: hookPath,
				webhookId,
				resumeAmount: 1,
				resumeUnit: 'hours',
				credential: env.credentialRef.messageMediaMessagingApi,
			}),
			hookPath,
		);
		await book(url, appointmentId, CUSTOMER);
		// 1.x's public API does not list waiting executions; the harness asks /rest for them.
		const [waiting] = await env.n8n.api.waitForExecutions(workflowId, 1, {
			status: 'waiting',
			timeoutMs: 60_000,
		});
		const executionStatus = async () => (await env.n8n.api.getExecution(waiting.id, false)).status;
		const finished = () =>
			pollUntil<N8nExecution>(
				`execution ${waiting.id} to finish`,
				() => env.n8n.api.getExecution(waiting.id, true),
				(e) => e.status !== 'waiting' && e.status !== 'running' && e.status !== 'new',
				{ timeoutMs: 60_000, intervalMs: 500 },
			);
		return { workflowId, waiting, executionStatus, finished };
	}

	it('Send and Wait in a loop resumes each wait on its own reply, and not on a late one', async () => {
		const { workflowId, executionStatus, finished } = await bookAndWait(loopWorkflow, 'A-5');
		const messages = await answerEachRound(
			{
				messages: () => env.sandbox.messages(),
				reply: (messageId, content) => env.sandbox.injectReply({ message_id: messageId, content }),
				executionStatus,
				callbacks: async (urlPart) =>
					(
						await env.sandbox.control<{ deliveries: CallbackDelivery[] }>(
							'GET',
							'/webhook-deliveries?limit=10000&kind=callback',
						)
					).deliveries.filter((d) => d.url.includes(urlPart)),
			},
			['maybe', 'what time?', 'YES'],
		);
		const done = await finished();
		expect(done.status).toBe('success');
		expect(repliesOf(done)).toEqual([
			['maybe', 'other'],
			['what time?', 'other'],
			['YES', 'confirm'],
		]);
		expect(done.data?.resultData?.runData?.[LOOP_DONE_NODE]).toHaveLength(1);
		expect(messages).toHaveLength(3);
		expect(await env.sandbox.messages()).toHaveLength(3);
		expect(await env.n8n.api.listExecutions({ workflowId })).toHaveLength(1);
		await env.n8n.api.deactivate(workflowId);
	});

	it('Confirm by link: previews decide nothing; the button resumes once', async () => {
		const { workflowId, waiting, executionStatus, finished } = await bookAndWait(
			linkWorkflow,
			'A-6',
		);
		const [message] = await pollUntil(
			'the message with the link',
			() => env.sandbox.messages(),
			(all) => all.length === 1,
		);
		const link = linkIn(message.content);
		expect(link).toContain(`/webhook-waiting/${waiting.id}/`);
		const form = { 'content-type': 'application/x-www-form-urlencoded' };
		const preview = { 'user-agent': 'facebookexternalhit/1.1' };
		expect((await http('GET', link, undefined, preview)).status).toBe(200);
		expect((await http('POST', link, 'decision=confirm', { ...form, ...preview })).status).toBe(
			200,
		);
		const page = await http('GET', link);
		expect(page.text).toContain('Please confirm:');
		expect(page.text).toContain('value="reschedule"');
		expect(await executionStatus()).toBe('waiting');

		const tapped = await http('POST', link, 'decision=reschedule', form);
		expect(tapped.text).toContain('Your answer was recorded: Reschedule');
		const done = await finished();
		expect(done.status).toBe('success');
		const runs = done.data?.resultData?.runData?.[WAIT_NODE] ?? [];
		expect(runs[runs.length - 1].data!.main![0]![0].json).toMatchObject({
			outcome: 'link',
			decision: 'reschedule',
			approved: false,
		});
		expect((await http('POST', link, 'decision=confirm', form)).status).toBeLessThan(500);
		expect(await env.n8n.api.listExecutions({ workflowId })).toHaveLength(1);
		await env.n8n.api.deactivate(workflowId);
	});
});
