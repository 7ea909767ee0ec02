/**
 * Helpers for the Send and Wait for Reply end-to-end test (test/e2e/send-and-wait.e2e.test.ts):
 * a private build of the package, small HTTP/sandbox clients, the booking workflow derived from
 * examples/appointment-send-and-wait.json, n8n's resume-URL signing, and run-data accessors.
 */
import { createHmac } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import type { N8nExecution, N8nNodeRun, N8nWorkflow } from '../../../scripts/n8n/n8n';
import { readExample } from '../../../scripts/n8n/n8n';
import { http, pollUntil, sleep } from './harness';
import type { SandboxMessage, SandboxReply } from './harness';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'e2e-send-and-wait');
export const EXAMPLE_FILE = 'appointment-send-and-wait.json';

export const WAIT_NODE = 'Text and wait for the answer';
export const SWITCH_NODE = 'Route the answer';
export const WEBHOOK_NODE = 'New booking';
/** The Switch's outputs, in order, and the No Op each one leads to (as in the example). */
export const BRANCHES = [
	{ key: 'confirm', node: 'Confirm booking' },
	{ key: 'cancel', node: 'Cancel booking' },
	{ key: 'stop', node: 'Opt the customer out' },
	{ key: 'other', node: 'Ask a person to follow up' },
	{ key: 'undelivered', node: 'Call instead (undelivered)' },
	{ key: 'timeout', node: 'Escalate (no answer)' },
] as const;
export type BranchKey = (typeof BRANCHES)[number]['key'];

// ---------------------------------------------------------------------------------- artifacts

export function saveArtifact(name: string, content: unknown): void {
	try {
		fs.mkdirSync(ARTIFACTS, { recursive: true });
		fs.writeFileSync(
			path.join(ARTIFACTS, name),
			typeof content === 'string' ? content : JSON.stringify(content, null, 2),
		);
	} catch {
		// best effort
	}
}

/** The current sources compiled into a private folder (shared with the other e2e suites). */
export { builtPackageDir as buildPackage } from './package';

// ----------------------------------------------------------------------------------------- http

export { http };

/** Polls `fn` until `done(value)`; throws with the last value after the timeout. */
export { pollUntil, sleep };

// -------------------------------------------------------------------------------------- sandbox

export interface CallbackDelivery {
	kind: 'callback';
	url: string;
	method: string;
	event: string;
	status: number | string;
	error?: string;
	attempt: number;
	retry_count: number;
	body: string;
	at: string;
}

export class SandboxControl {
	constructor(readonly url: string) {}

	async control<T = unknown>(method: string, controlPath: string, body?: unknown): Promise<T> {
		const res = await http<T>(method, `${this.url}/_sandbox${controlPath}`, body);
		if (res.status >= 300) {
			throw new Error(`sandbox ${method} /_sandbox${controlPath} -> ${res.status}: ${res.text}`);
		}
		return res.json;
	}

	async messages(): Promise<SandboxMessage[]> {
		return (await this.control<{ messages: SandboxMessage[] }>('GET', '/messages')).messages;
	}

	/** Callback-URL pushes (oldest first) whose URL contains `urlPart`. */
	async callbacks(urlPart = ''): Promise<CallbackDelivery[]> {
		const { deliveries } = await this.control<{ deliveries: CallbackDelivery[] }>(
			'GET',
			'/webhook-deliveries?limit=10000&kind=callback',
		);
		return deliveries.filter((d) => d.url.includes(urlPart));
	}

	injectReply(messageId: string, content: string) {
		return this.control<SandboxReply>('POST', '/replies', {
			message_id: messageId,
			content,
		});
	}
}

// ------------------------------------------------------------------------------------ workflows

export interface BookingOptions {
	/** Webhook path (and workflow name suffix); unique per workflow. */
	path: string;
	webhookId: string;
	resumeAmount: number;
	resumeUnit: 'seconds' | 'minutes' | 'hours' | 'days';
	credential: { id: string; name: string };
}

/** The example workflow, with its own webhook path and wait limit. */
export function bookingWorkflow(opts: BookingOptions): N8nWorkflow {
	const wf = readExample(EXAMPLE_FILE, opts.credential);
	wf.name = `${wf.name} [${opts.path}]`;
	for (const node of wf.nodes) {
		if (node.name === WEBHOOK_NODE) {
			node.webhookId = opts.webhookId;
			node.parameters = { ...node.parameters, path: opts.path };
		}
		if (node.name === WAIT_NODE) {
			node.parameters = {
				...node.parameters,
				resumeAmount: opts.resumeAmount,
				resumeUnit: opts.resumeUnit,
			};
		}
	}
	return wf;
}

/** Books an appointment through the booking workflow's webhook, as a booking system would. */
export async function book(url: string, appointmentId: string, phone: string): Promise<void> {
	const res = await http('POST', url, {
		phone,
		name: 'Ann',
		when: 'Tuesday 10:00',
		appointmentId,
	});
	expect(res.status).toBe(200);
}

/**
 * A reply saying "yes" to `message` from `customer`: a body that would resume the wait it belongs
 * to, for the tests that post it with a forged token and expect it refused.
 */
export function yesReplyTo(
	message: SandboxMessage,
	customer: string,
	appointmentId: string,
): Record<string, unknown> {
	return {
		reply_id: '00000000-0000-4000-8000-00000000f00d',
		message_id: message.message_id,
		content: 'yes',
		source_number: customer,
		destination_number: message.source_number ?? '+61491570200',
		date_received: new Date().toISOString(),
		metadata: { appointmentId },
	};
}

export const LOOP_CHECK_NODE = 'Answer unclear?';
export const LOOP_DONE_NODE = 'Done';

/**
 * The booking workflow as a loop: Send and Wait → If `decision` is `other` → back to the same
 * Send and Wait, else Done. Each round is a new wait of the same node in the same execution.
 */
export function loopWorkflow(opts: BookingOptions): N8nWorkflow {
	const wf = bookingWorkflow(opts);
	wf.name = `Send and Wait loop [${opts.path}]`;
	const [webhook, wait] = [WEBHOOK_NODE, WAIT_NODE].map((n) => wf.nodes.find((x) => x.name === n)!);
	const [x, y] = wait.position as [number, number];
	// Every round reads the booking from the webhook: after a round, $json is the reply.
	wait.parameters = JSON.parse(
		JSON.stringify(wait.parameters)
			.split('{{ $json.body.')
			.join(`{{ $('${WEBHOOK_NODE}').item.json.body.`),
	);
	wf.nodes = [
		webhook,
		wait,
		{
			name: LOOP_CHECK_NODE,
			type: 'n8n-nodes-base.if',
			typeVersion: 2.2,
			position: [x + 260, y],
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [
						{
							id: 'decision-other',
							leftValue: '={{ $json.decision }}',
							rightValue: 'other',
							operator: { type: 'string', operation: 'equals' },
						},
					],
					combinator: 'and',
				},
				options: {},
			},
		},
		{
			name: LOOP_DONE_NODE,
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [x + 520, y + 100],
			parameters: {},
		},
	];
	wf.connections = {
		[WEBHOOK_NODE]: { main: [[{ node: WAIT_NODE, type: 'main', index: 0 }]] },
		[WAIT_NODE]: { main: [[{ node: LOOP_CHECK_NODE, type: 'main', index: 0 }]] },
		[LOOP_CHECK_NODE]: {
			main: [
				[{ node: WAIT_NODE, type: 'main', index: 0 }],
				[{ node: LOOP_DONE_NODE, type: 'main', index: 0 }],
			],
		},
	};
	return wf;
}

/** What a journey needs from the suite that runs it (2.x and 1.x drive n8n differently). */
export interface WaitJourney {
	/** The messages sent for the booking so far, oldest first. */
	messages(): Promise<SandboxMessage[]>;
	reply(messageId: string, text: string): Promise<unknown>;
	executionStatus(): Promise<string | undefined>;
	/** Callback pushes whose URL contains `urlPart`, oldest first. */
	callbacks(urlPart: string): Promise<CallbackDelivery[]>;
}

const waitIdOf = (message: SandboxMessage) =>
	new URL(message.callback_url).searchParams.get('mm_wait');

/**
 * Answers each message of a loop in turn, once the execution waits for it. During the last
 * round the customer also answers the FIRST message again; that must be acknowledged (200) and
 * leave the execution waiting with no new message. Returns the messages sent.
 */
export async function answerEachRound(
	journey: WaitJourney,
	answers: string[],
): Promise<SandboxMessage[]> {
	let messages: SandboxMessage[] = [];
	for (const [round, answer] of answers.entries()) {
		messages = await pollUntil(
			`message ${round + 1}`,
			() => journey.messages(),
			(all) => all.length >= round + 1,
		);
		if (messages.length !== round + 1) {
			throw new Error(`round ${round + 1}: ${messages.length} messages sent`);
		}
		await pollUntil(`round ${round + 1} waiting`, journey.executionStatus, (s) => s === 'waiting');
		if (round > 0 && waitIdOf(messages[round]) === waitIdOf(messages[0])) {
			throw new Error(`round ${round + 1} waits with the first round's id`);
		}
		if (round === answers.length - 1 && round > 0) await lateReplyToFirst(journey, messages);
		await journey.reply(messages[round].message_id, answer);
	}
	return messages;
}

async function lateReplyToFirst(journey: WaitJourney, messages: SandboxMessage[]) {
	const firstUrl = `mm_wait=${waitIdOf(messages[0])}`;
	const before = (await journey.callbacks(firstUrl)).length;
	await journey.reply(messages[0].message_id, 'yes');
	const late = await pollUntil(
		'the late reply to the first message answered',
		async () =>
			(await journey.callbacks(firstUrl)).slice(before).filter((d) => d.event === 'RECEIVED_SMS'),
		(all) => all.some((d) => d.status === 200),
	);
	saveArtifact('loop-late-reply.json', late);
	await sleep(1500);
	const status = await journey.executionStatus();
	const sent = (await journey.messages()).length;
	if (status !== 'waiting' || sent !== messages.length) {
		throw new Error(`the late reply changed the execution: ${status}, ${sent} messages`);
	}
}

/** The Send and Wait runs of a loop that ended on a reply: [text, decision] per round. */
export function repliesOf(execution: N8nExecution): Array<[unknown, unknown]> {
	return runsOf(execution, WAIT_NODE)
		.map((r) => r.data?.main?.[0]?.[0]?.json)
		.filter((json) => json?.outcome === 'reply')
		.map((json) => [json!.text, json!.decision]);
}

/** The booking workflow answered by link, with a third button. */
export function linkWorkflow(opts: BookingOptions): N8nWorkflow {
	const wf = bookingWorkflow(opts);
	const wait = wf.nodes.find((n) => n.name === WAIT_NODE)!;
	wait.parameters = {
		...wait.parameters,
		content:
			'=Hi {{ $json.body.name }}, your appointment is {{ $json.body.when }}. Please confirm:',
		answerWith: 'link',
		thirdButtonLabel: 'Reschedule',
	};
	return wf;
}

/** The link in an SMS the node sent: its last line. */
export function linkIn(content: string): string {
	const link = content.split('\n').pop() ?? '';
	if (!/^https?:\/\//.test(link)) throw new Error(`no link at the end of "${content}"`);
	return link;
}

// ------------------------------------------------------------------------------ n8n signatures

/**
 * Signs a resume URL the way n8n 2.41.1 does (n8n-core signature-helpers): HMAC-SHA256 with the
 * instance's hmacSignatureSecret over `<pathname>?<query without signature>`, appended as
 * `signature`. Used to build a callback that passes n8n's own check but carries a wrong mm_token.
 */
export function signResumeUrl(url: string, secret: string): string {
	const u = new URL(url);
	u.searchParams.delete('signature');
	const signature = createHmac('sha256', secret).update(`${u.pathname}${u.search}`).digest('hex');
	u.searchParams.set('signature', signature);
	return u.toString();
}

// ------------------------------------------------------------------------------------ run data

export function runsOf(execution: N8nExecution, node: string): N8nNodeRun[] {
	return execution.data?.resultData?.runData?.[node] ?? [];
}

export function nodesThatRan(execution: N8nExecution): string[] {
	return Object.keys(execution.data?.resultData?.runData ?? {});
}

/** Items per Switch output of the Switch's last run. */
export function switchOutputs(
	execution: N8nExecution,
): Record<BranchKey, Array<Record<string, unknown>>> {
	const runs = runsOf(execution, SWITCH_NODE);
	const main = runs[runs.length - 1]?.data?.main ?? [];
	const out = {} as Record<BranchKey, Array<Record<string, unknown>>>;
	BRANCHES.forEach((b, i) => {
		out[b.key] = (main[i] ?? []).map((item) => item.json);
	});
	return out;
}

/** The branch keys whose No Op ran. */
export function branchesThatRan(execution: N8nExecution): BranchKey[] {
	const ran = new Set(nodesThatRan(execution));
	return BRANCHES.filter((b) => ran.has(b.node)).map((b) => b.key);
}
