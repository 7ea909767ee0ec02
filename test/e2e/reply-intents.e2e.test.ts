/**
 * Reply intents in a real n8n: the replies customers write, classified by the trigger and by Send
 * and Wait for Reply alike. `Yep 👍` confirms, `Can we do Friday instead?` reschedules, and an
 * intent of the user's own (`late`) routes through a Switch node; the same replies resume Send
 * and Wait with the same `decision`.
 */
import {
	activateTrigger,
	createWorkflow,
	deactivateTrigger,
	E2eEnv,
	nodeOutput,
	nodesRun,
	pollUntil,
	publishWebhookWorkflow,
	startE2e,
	triggerUrl,
	uniqueWebhookId,
} from './helpers/harness';
import type { N8nExecution, N8nWorkflow } from './helpers/harness';
import { readExample } from '../../scripts/n8n/n8n';
import { book, bookingWorkflow, WAIT_NODE } from './helpers/sendAndWait';

const CUSTOMER = '+61491570156';
const OWN_INTENTS = { intents: [{ name: 'late', keywords: 'running late, 10 minutes late' }] };
const REPLIES = [
	{ text: 'Yep 👍', intent: 'confirm' },
	{ text: 'Can we do Friday instead?', intent: 'reschedule' },
	{ text: 'Sorry, running late!', intent: 'late' },
];

/** The appointment-confirmation example with the user's `late` intent and a Switch output for it. */
function withLateBranch(wf: N8nWorkflow): N8nWorkflow {
	const trigger = wf.nodes.find((node) => node.name === 'Customer replied')!;
	const keywords = trigger.parameters.keywords as Record<string, unknown>;
	trigger.parameters.keywords = { ...keywords, own: OWN_INTENTS };
	trigger.webhookId = uniqueWebhookId();
	const router = wf.nodes.find((node) => node.name === 'What did they say?')!;
	const rules = (router.parameters.rules as { values: Array<Record<string, unknown>> }).values;
	const late = JSON.parse(JSON.stringify(rules[0]).replace(/confirm/g, 'late')) as Record<
		string,
		unknown
	>;
	rules.push(late);
	wf.nodes.push({
		id: 'late-branch',
		name: 'Tell the front desk',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [520, 1000],
		parameters: {},
	});
	type Links = { main: Array<Array<{ node: string; type: string; index: number }>> };
	const outputs = (wf.connections['What did they say?'] as Links).main;
	outputs[rules.length - 1] = [{ node: 'Tell the front desk', type: 'main', index: 0 }];
	return wf;
}

describe('Reply intents in a real n8n', () => {
	let env: E2eEnv;

	beforeAll(async () => {
		env = await startE2e({ name: 'reply-intents' });
	});

	afterAll(async () => {
		await env?.stop();
	});

	async function executionWith(workflowId: string, count: number, text: string, node: string) {
		const all = await env.n8n.api.waitForExecutions(workflowId, count, { timeoutMs: 60_000 });
		const full = await Promise.all(all.map((e) => env.n8n.api.getExecution(e.id, true)));
		const mine = full.filter((e) => nodeOutput(e, node)[0]?.text === text);
		expect(mine).toHaveLength(1);
		return mine[0];
	}

	describe('the trigger (appointment-confirmation example)', () => {
		let workflowId: string;
		let webhookId: string;

		beforeAll(async () => {
			await env.sandbox.reset();
			const created = await createWorkflow(
				env,
				withLateBranch(readExample('appointment-confirmation.json', env.credential)),
			);
			workflowId = created.id;
			webhookId = created.nodes.find((node) => node.name === 'Customer replied')!.webhookId!;
			await activateTrigger(env, workflowId, webhookId);
			expect(triggerUrl(env.n8n, webhookId)).toContain(webhookId);
		});

		afterAll(async () => {
			if (workflowId) await deactivateTrigger(env, workflowId, webhookId);
		});

		it('classifies each reply once, and routes it down its own branch', async () => {
			const branches: Record<string, string> = {
				confirm: 'Send confirmation',
				reschedule: 'Offer another time',
				late: 'Tell the front desk',
			};
			for (const [index, reply] of REPLIES.entries()) {
				const message = await env.sandbox.sendMessage(CUSTOMER, 'Reply YES to confirm', {
					appointmentId: `APT-${index}`,
				});
				await env.sandbox.injectReply({ message_id: message.message_id, content: reply.text });
				const execution = await executionWith(
					workflowId,
					index + 1,
					reply.text,
					'Customer replied',
				);
				expect(execution.status).toBe('success');
				const [item] = nodeOutput(execution, 'Customer replied');
				expect(item).toMatchObject({
					intent: reply.intent,
					intentMatch: { intent: reply.intent },
					sessionId: expect.stringContaining(CUSTOMER) as string,
					metadata_appointmentId: `APT-${index}`,
				});
				expect(nodesRun(execution)).toContain(branches[reply.intent]);
			}
			// One execution per reply: none twice, none lost.
			expect(await env.n8n.api.listExecutions({ workflowId })).toHaveLength(REPLIES.length);
		});
	});

	describe('Send and Wait for Reply (appointment-send-and-wait example)', () => {
		it('resumes on the same replies with the same decision', async () => {
			await env.sandbox.reset();
			const hookPath = `reply-intents-${uniqueWebhookId().slice(0, 8)}`;
			const wf = bookingWorkflow({
				path: hookPath,
				webhookId: uniqueWebhookId(),
				resumeAmount: 10,
				resumeUnit: 'minutes',
				credential: env.credential,
			});
			const wait = wf.nodes.find((node) => node.name === WAIT_NODE)!;
			const keywords = wait.parameters.keywords as Record<string, unknown>;
			wait.parameters.keywords = { ...keywords, own: OWN_INTENTS };
			const { id, url } = await publishWebhookWorkflow(env, wf, hookPath);

			for (const [index, reply] of REPLIES.entries()) {
				const appointmentId = `B-${index}`;
				await book(url, appointmentId, CUSTOMER);
				const messages = await pollUntil(
					`the text for ${appointmentId}`,
					() => env.sandbox.messages(),
					(all) => all.some((m) => m.metadata?.appointmentId === appointmentId),
				);
				const message = messages.find((m) => m.metadata?.appointmentId === appointmentId)!;
				await pollUntil(
					`the wait for ${appointmentId}`,
					() => env.n8n.api.listExecutions({ workflowId: id }),
					(all) => all.filter((e) => e.status === 'waiting').length === 1,
				);
				await env.sandbox.injectReply({ message_id: message.message_id, content: reply.text });
				const done = await pollUntil(
					`the resumed execution for ${appointmentId}`,
					async () => {
						const all = await env.n8n.api.listExecutions({ workflowId: id });
						const full = await Promise.all(all.map((e) => env.n8n.api.getExecution(e.id, true)));
						return full.filter(
							(e: N8nExecution) => nodeOutput(e, WAIT_NODE)[0]?.text === reply.text,
						);
					},
					(found) => found.length === 1 && found[0].status === 'success',
					{ timeoutMs: 60_000 },
				);
				expect(nodeOutput(done[0], WAIT_NODE)[0]).toMatchObject({
					outcome: 'reply',
					decision: reply.intent,
					intent: reply.intent,
					intentMatch: { intent: reply.intent },
					sessionId: expect.stringContaining(CUSTOMER) as string,
				});
			}
		});
	});
});
