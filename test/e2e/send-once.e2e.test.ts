/**
 * Send Once in the real n8n 2.41.1, with its keys in n8n's own processed-data store (SQLite):
 * the reminders example run again sends nothing new and says why, also after a restart; a key
 * the user changes sends again. Concurrency is measured by scripts/n8n/sendOnceRace.ts (see
 * docs/send-once.md), not asserted here.
 */
import { readExample } from '../../scripts/n8n/n8n';
import {
	createWorkflow,
	nodeOutput,
	startE2e,
	type E2eEnv,
	type N8nExecution,
	type N8nWorkflow,
} from './helpers/harness';

const TRIGGER = 'Send reminders now';
const SEND = 'Send reminder';

let env: E2eEnv;
let workflow: N8nWorkflow & { id: string };

beforeAll(async () => {
	env = await startE2e({ name: 'send-once' });
	workflow = await createWorkflow(env, readExample('appointment-reminders.json', env.credential));
});
afterAll(async () => {
	await env?.stop();
});

/** Runs the workflow as the editor's "Execute workflow" does, and returns the finished execution. */
async function runReminders(): Promise<N8nExecution> {
	const before = (await env.n8n.api.listExecutions({ workflowId: workflow.id })).length;
	await env.n8n.api.rest('POST', `/workflows/${workflow.id}/run`, {
		triggerToStartFrom: { name: TRIGGER },
	});
	const executions = await env.n8n.api.waitForExecutions(workflow.id, before + 1, {
		timeoutMs: 120_000,
	});
	const latest = executions[executions.length - 1];
	expect(latest.status).toBe('success');
	return latest;
}

/** The reminders the sandbox accepted, by appointment. */
async function remindersSent(): Promise<string[]> {
	return (await env.sandbox.messages())
		.filter((m) => m.metadata?.kind === 'reminder')
		.map((m) => String(m.metadata?.appointmentId))
		.sort();
}

const APPOINTMENTS = ['APT-1001', 'APT-1002', 'APT-1003'];

describe('Send Once in the reminders example', () => {
	it('sends each reminder once when the workflow runs twice; the second run says why', async () => {
		const first = await runReminders();
		expect(nodeOutput(first, SEND).map((j) => j.messageId)).toEqual([
			expect.any(String),
			expect.any(String),
			expect.any(String),
		]);
		expect(await remindersSent()).toEqual(APPOINTMENTS);

		const second = await runReminders();
		expect(await remindersSent()).toEqual(APPOINTMENTS);
		const skipped = nodeOutput(second, SEND);
		expect(skipped).toHaveLength(3);
		skipped.forEach((item, i) => {
			expect(item).toMatchObject({
				skipped: true,
				sendOnceKey: `${APPOINTMENTS[i]}-reminder`,
				firstSentAfter: expect.any(String),
				firstSentBefore: expect.any(String),
			});
			expect(String(item.reason)).toMatch(/^Not sent again: Send Once key/);
		});
	});

	it('still sends none after n8n restarts: the keys are in its database', async () => {
		await env.n8n.restart();
		const third = await runReminders();
		expect(await remindersSent()).toEqual(APPOINTMENTS);
		expect(nodeOutput(third, SEND).every((j) => j.skipped === true)).toBe(true);
	});

	it('sends again once the user changes the key', async () => {
		const send = workflow.nodes.find((n) => n.name === SEND)!;
		const options = send.parameters.options as Record<string, unknown>;
		options.sendOnce = {
			settings: {
				key: '={{ $json.appointmentId }}-reminder-corrected',
				rememberFor: 3,
				unit: 'days',
			},
		};
		await env.n8n.api.updateWorkflow(workflow.id, workflow);
		const run = await runReminders();
		expect(nodeOutput(run, SEND).map((j) => j.sendOnceKey)).toEqual(
			APPOINTMENTS.map((a) => `${a}-reminder-corrected`),
		);
		expect(await remindersSent()).toEqual([...APPOINTMENTS, ...APPOINTMENTS].sort());
	});
});
