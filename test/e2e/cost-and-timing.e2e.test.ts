/**
 * Cost and timing in a real n8n against the sandbox: a reminder with smart quotes goes out as
 * GSM-7 in one segment when Replace Look-Alike Characters is on, and a reminder sent outside its
 * Send Window is stored by the sandbox as scheduled for the window's next opening, with its
 * delivery reports only from then. The window and its time zone come from each item by
 * expression, as a workflow with customers in several zones would set them.
 */
import {
	E2eEnv,
	http,
	N8nExecution,
	N8nWorkflow,
	nodeOutput,
	NODE_TYPES,
	pollUntil,
	saveArtifact,
	webhookWorkflowSuite,
} from './helpers/harness';

const ALL_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

interface Reminder {
	appointmentId: string;
	phone: string;
	text: string;
	timeZone: string;
	windowStart: string;
	windowEnd: string;
}

type SendOutput = Record<string, unknown> & { messageId: string };
type DeliveryReport = Record<string, unknown> & { status: string; date_received: string };

function reminderWorkflow(env: E2eEnv, webhookId: string, hookPath: string): N8nWorkflow {
	return {
		name: 'cost and timing: reminders',
		nodes: [
			{
				name: 'Reminders in',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} },
			},
			{
				name: 'One item per reminder',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.reminders', options: {} },
			},
			{
				name: 'Send reminder',
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [440, 0],
				onError: 'continueRegularOutput',
				parameters: {
					resource: 'message',
					operation: 'send',
					destination: '={{ $json.phone }}',
					format: 'SMS',
					content: '={{ $json.text }}',
					from: { __rl: true, mode: 'list', value: '' },
					options: {
						deliveryReport: true,
						maxSegments: 1,
						replaceLookAlikes: true,
						metadata: {
							entries: [{ key: 'appointmentId', value: '={{ $json.appointmentId }}' }],
						},
						sendWindow: {
							window: {
								start: '={{ $json.windowStart }}',
								end: '={{ $json.windowEnd }}',
								days: ALL_DAYS,
								timeZone: '={{ $json.timeZone }}',
							},
						},
					},
				},
				credentials: env.credentialRef,
			},
		],
		connections: {
			'Reminders in': { main: [[{ node: 'One item per reminder', type: 'main', index: 0 }]] },
			'One item per reminder': { main: [[{ node: 'Send reminder', type: 'main', index: 0 }]] },
		},
	};
}

/** HH:MM on the local clock of `timeZone` at `instant`. */
function localClock(instant: number, timeZone: string): string {
	return new Intl.DateTimeFormat('en-GB', {
		timeZone,
		hourCycle: 'h23',
		hour: '2-digit',
		minute: '2-digit',
	}).format(new Date(instant));
}

describe('Cost and timing in real n8n', () => {
	const suite = webhookWorkflowSuite('cost-and-timing', 'reminders', reminderWorkflow);
	let runs = 0;

	async function run(reminders: Reminder[], artifact: string): Promise<SendOutput[]> {
		const res = await http('POST', suite.hookUrl, { reminders });
		expect(res.status).toBe(200);
		runs += 1;
		const all = await suite.env.n8n.api.waitForExecutions(suite.workflowId, runs, {
			timeoutMs: 120_000,
		});
		const execution: N8nExecution = all[all.length - 1];
		const output = nodeOutput(execution, 'Send reminder') as SendOutput[];
		saveArtifact(`cost-and-timing-${artifact}.execution.json`, {
			status: execution.status,
			output,
			error: execution.data?.resultData?.error,
		});
		expect(execution.status).toBe('success');
		return output;
	}

	async function deliveryReportsFor(messageId: string): Promise<DeliveryReport[]> {
		const body = await suite.env.sandbox.api<{ delivery_reports: DeliveryReport[] }>(
			'GET',
			'/v1/delivery_reports',
		);
		return body.delivery_reports.filter((dr) => dr.message_id === messageId);
	}

	it('a smart-quote reminder reaches the sandbox as GSM-7 text and reports 1 segment', async () => {
		const timeZone = 'Australia/Sydney';
		const now = Date.now();
		// Open from an hour ago to an hour ahead, so the reminder goes out at once.
		const reminder: Reminder = {
			appointmentId: 'APT-QUOTES',
			phone: '+61491571001',
			text: 'Hi Sam, it’s tomorrow at 10 – reply “YES” to confirm…',
			timeZone,
			windowStart: localClock(now - 3_600_000, timeZone),
			windowEnd: localClock(now + 3_600_000, timeZone),
		};
		const [item] = await run([reminder], 'smart-quotes');
		const plain = 'Hi Sam, it\'s tomorrow at 10 - reply "YES" to confirm...';
		expect(item).toMatchObject({
			status: 'queued',
			content: plain,
			encoding: 'GSM-7',
			segments: 1,
			characters: plain.length,
			ucs2Characters: [],
			lookAlikesReplaced: 5,
		});
		expect(item.scheduledReason).toBeUndefined();

		const messages = await suite.env.sandbox.messages();
		expect(messages).toHaveLength(1);
		expect(messages[0]).toMatchObject({
			message_id: item.messageId,
			content: plain,
			metadata: { appointmentId: 'APT-QUOTES' },
		});
		expect(messages[0].scheduled).toBeUndefined();
		expect(/[^\x20-\x7e]/.test(messages[0].content)).toBe(false);
	});

	it('a reminder outside the window is scheduled for its next opening; delivery reports follow from then', async () => {
		const timeZone = 'America/New_York';
		// The window opens at the next whole minute that leaves time to look at the sandbox first.
		let opening = Math.ceil(Date.now() / 60_000) * 60_000;
		if (opening - Date.now() < 25_000) opening += 60_000;
		const reminder: Reminder = {
			appointmentId: 'APT-NIGHT',
			phone: '+61491571002',
			text: 'Reminder: your appointment is tomorrow at 10. Reply YES to confirm.',
			timeZone,
			windowStart: localClock(opening, timeZone),
			windowEnd: localClock(opening + 2 * 3_600_000, timeZone),
		};
		const [item] = await run([reminder], 'outside-window');
		const expected = new Date(opening).toISOString();
		// MessageMedia answers every accepted message `queued`, a scheduled one too; the stored
		// message below is what shows it waiting for its time.
		expect(item).toMatchObject({ status: 'queued', scheduled: expected, segments: 1 });
		expect(item.scheduledReason).toMatch(
			new RegExp(
				`^Outside the send window \\(${reminder.windowStart}–${reminder.windowEnd}, every day, America/New_York\\) at .+; scheduled for its next opening, .+ ${reminder.windowStart}$`,
			),
		);

		const [stored] = await suite.env.sandbox.messages();
		expect(stored).toMatchObject({
			message_id: item.messageId,
			status: 'scheduled',
			scheduled: expected,
		});
		expect(Date.now()).toBeLessThan(opening);
		expect(await deliveryReportsFor(item.messageId)).toEqual([]);

		const reports = await pollUntil(
			'the scheduled reminder to be delivered',
			() => deliveryReportsFor(item.messageId),
			(list) => list.some((dr) => dr.status === 'delivered'),
			{ timeoutMs: opening - Date.now() + 30_000, intervalMs: 500 },
		);
		saveArtifact('cost-and-timing-outside-window.delivery-reports.json', reports);
		expect(reports.map((dr) => dr.status)).toEqual(['enroute', 'submitted', 'delivered']);
		for (const dr of reports) {
			expect(Date.parse(dr.date_received)).toBeGreaterThanOrEqual(opening);
			expect(dr.metadata).toEqual({ appointmentId: 'APT-NIGHT' });
		}
	});
});
