/**
 * Sending: a real n8n runs MessageMedia Send for 250 appointments against the sandbox.
 * The public API cannot run a Manual Trigger, so the workflow starts with an n8n Webhook node that
 * receives the appointments; Split Out makes one item per appointment; Send has Continue On Fail
 * (onError: continueRegularOutput). Requests are counted with the sandbox's counters.
 */
import {
	E2eEnv,
	http,
	N8nExecution,
	N8nWorkflow,
	nodeOutput,
	saveArtifact,
	webhookWorkflowSuite,
} from './helpers/harness';
import { appointmentSendWorkflow } from '../../scripts/n8n/workflows';

const COUNT = 250;

interface Appointment {
	appointmentId: string;
	name: string;
	phone: string;
	from: string;
}

function appointments(): Appointment[] {
	return Array.from({ length: COUNT }, (_, i) => ({
		appointmentId: `APT-${String(i).padStart(4, '0')}`,
		name: `Customer ${i}`,
		phone: `+6149157${String(1000 + i).padStart(4, '0')}`,
		from: '',
	}));
}

function sendWorkflow(env: E2eEnv, webhookId: string, hookPath: string): N8nWorkflow {
	return appointmentSendWorkflow({
		name: `send: ${COUNT} appointments`,
		webhookId,
		path: hookPath,
		credential: env.credentialRef.messageMediaMessagingApi,
		continueOnFail: true,
	});
}

describe('MessageMedia Send in real n8n: 250 appointments', () => {
	const suite = webhookWorkflowSuite('send', 'appointments', sendWorkflow);
	let runs = 0;

	/** Posts the appointments to the workflow's Webhook and returns the finished execution. */
	async function run(list: Appointment[], artifact: string): Promise<N8nExecution> {
		const res = await http('POST', suite.hookUrl, { appointments: list });
		expect(res.status).toBe(200);
		runs += 1;
		const all = await suite.env.n8n.api.waitForExecutions(suite.workflowId, runs, {
			timeoutMs: 120_000,
		});
		const execution = all[all.length - 1];
		saveArtifact(`send-${artifact}.execution.json`, {
			status: execution.status,
			output: nodeOutput(execution, 'Send reminder'),
			error: execution.data?.resultData?.error,
		});
		return execution;
	}

	/** Every accepted item carries its sandbox message id, destination and metadata. */
	async function expectSent(
		items: Array<Record<string, unknown>>,
		list: Appointment[],
		failedIndex: number,
	) {
		const messages = await suite.env.sandbox.messages();
		expect(messages).toHaveLength(COUNT - 1);
		const byDestination = new Map(messages.map((m) => [m.destination_number, m]));
		expect(byDestination.size).toBe(COUNT - 1);
		list.forEach((appointment, i) => {
			if (i === failedIndex) return;
			const item = items[i];
			const message = byDestination.get(appointment.phone);
			expect(message).toBeDefined();
			expect({ i, messageId: item.messageId }).toEqual({ i, messageId: message!.message_id });
			expect({ i, metadata: item.metadata }).toEqual({
				i,
				metadata: { appointmentId: appointment.appointmentId },
			});
			expect(item.destination).toBe(appointment.phone);
			expect(item.error).toBeUndefined();
			expect(message!.metadata).toEqual({ appointmentId: appointment.appointmentId });
			expect(message!.content).toBe(
				`Hi ${appointment.name}, reply YES to confirm appointment ${appointment.appointmentId}.`,
			);
		});
		expect(messages.some((m) => m.destination_number === list[failedIndex].phone)).toBe(false);
	}

	it('makes exactly 3 POST /v1/messages; a number that fails local validation fails alone', async () => {
		const list = appointments();
		const bad = 137;
		list[bad].phone = 'not-a-number';
		const execution = await run(list, 'local-invalid');
		expect(execution.status).toBe('success');

		const items = nodeOutput(execution, 'Send reminder');
		expect(items).toHaveLength(COUNT);
		expect(items[bad]).toEqual(
			expect.objectContaining({
				error: '"To" is not a valid phone number: "not-a-number" [item 137]',
			}),
		);
		expect(items[bad].messageId).toBeUndefined();
		expect(items.filter((item) => item.error !== undefined)).toHaveLength(1);
		expect(items.filter((item) => typeof item.messageId === 'string')).toHaveLength(COUNT - 1);

		const counters = await suite.env.sandbox.counters();
		expect(counters.requests['POST /v1/messages']).toBe(3);
		expect(counters.responses['POST /v1/messages 202']).toBe(3);
		expect(counters.messagesAccepted).toBe(COUNT - 1);
		await expectSent(items, list, bad);
	});

	// No destination number passes the node's check but fails the sandbox's: both use the same
	// E.164 rule (/^\+[1-9]\d{7,14}$/), and the reserved numbers fail only later, in their delivery
	// reports. A sender ID is validated only by MessageMedia, so that is what fails remotely here.
	it('a message MessageMedia rejects (invalid sender ID) fails alone; the rest of its batch is re-sent once', async () => {
		const list = appointments();
		const bad = 142; // in the second batch of 100
		list[bad].from = 'BAD-SENDER!';
		const execution = await run(list, 'remote-invalid');
		expect(execution.status).toBe('success');

		const items = nodeOutput(execution, 'Send reminder');
		expect(items).toHaveLength(COUNT);
		expect(items[bad]).toEqual(
			expect.objectContaining({
				error:
					'MessageMedia rejected the message: "From": is not a valid sender address for its type [item 142]',
				destination: list[bad].phone,
			}),
		);
		expect(items.filter((item) => item.error !== undefined)).toHaveLength(1);
		expect(items.filter((item) => typeof item.messageId === 'string')).toHaveLength(COUNT - 1);

		// 3 batches, and the batch with the rejected message once more without it.
		const counters = await suite.env.sandbox.counters();
		expect(counters.requests['POST /v1/messages']).toBe(4);
		expect(counters.responses['POST /v1/messages 400']).toBe(1);
		expect(counters.responses['POST /v1/messages 202']).toBe(3);
		expect(counters.messagesAccepted).toBe(COUNT - 1);
		await expectSent(items, list, bad);
	});
});
