/**
 * Benchmarks that call our code directly inside n8n-core's real contexts (test/helpers/n8n.ts),
 * with the sandbox in a child process: send (batched / per-item / floor), paging, 429 retries and
 * the trigger's webhook() handler.
 */
import * as http from 'http';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { executeActionNode, webhookContext } from '../../test/helpers/n8n';
import { handleInboundRequest } from '../../nodes/MessageMedia/trigger/handleInboundRequest';
import { VERIFICATION_HEADER as SECRET_HEADER } from '../../nodes/MessageMedia/trigger/webhookHeaders';
import { WEBHOOK_TEMPLATE } from '../../nodes/MessageMedia/trigger/webhookTemplate';
import { BASIC_AUTH, BASIC_KEY, BASIC_SECRET, measure, SandboxProcess } from './env';

export function credentialsFor(sandbox: SandboxProcess) {
	return {
		authType: 'basic',
		apiKey: BASIC_KEY,
		apiSecret: BASIC_SECRET,
		region: 'custom',
		baseUrl: sandbox.url,
		subAccount: '',
	};
}

/** The Send parameters a realistic workflow uses: per-item expressions. */
export const SEND_PARAMETERS: IDataObject = {
	resource: 'message',
	operation: 'send',
	destination: '={{ $json.phone }}',
	format: 'SMS',
	content: '=Hi {{ $json.name }}, reply YES to confirm appointment {{ $json.appointmentId }}.',
	from: { __rl: true, mode: 'id', value: '' },
	options: {},
};

/** The same node with literal parameters: no expression evaluation, only our code and n8n-core. */
export const SEND_PARAMETERS_LITERAL: IDataObject = {
	...SEND_PARAMETERS,
	destination: '+61491571000',
	content: 'Hi, reply YES to confirm your appointment.',
};

export function appointmentItems(n: number, offset = 0): IDataObject[] {
	return Array.from({ length: n }, (_, k) => {
		const i = k + offset;
		return {
			appointmentId: `APT-${String(i).padStart(5, '0')}`,
			name: `Customer ${i}`,
			phone: `+614915${String(70000 + (i % 30000)).padStart(5, '0')}`,
		};
	});
}

/** Registers a webhook at the sandbox's MessageMedia API, as a customer's own client would. */
async function registerWebhook(sandbox: SandboxProcess, webhook: Record<string, unknown>) {
	const res = await fetch(`${sandbox.url}/v1/webhooks/messages`, {
		method: 'POST',
		headers: { authorization: BASIC_AUTH, 'content-type': 'application/json' },
		body: JSON.stringify({
			method: 'POST',
			encoding: 'JSON',
			events: ['RECEIVED_SMS'],
			...webhook,
		}),
	});
	const text = await res.text();
	if (res.status !== 201) throw new Error(`registering a webhook: HTTP ${res.status} ${text}`);
}

function countErrors(output: INodeExecutionData[][]): number {
	return output[0].filter((item) => item.json.error !== undefined).length;
}

export interface SendRun {
	wallMs: number;
	cpuUs: number;
	requests: number;
	accepted: number;
	errors: number;
	memory: { rssMB: number; heapMB: number };
	/** Items actually run when the run is a sample of a larger N (per-item at 50 ms). */
	measuredItems: number;
}

async function postCount(sandbox: SandboxProcess) {
	const c = await sandbox.counters();
	return {
		requests: Object.entries(c.requests as Record<string, number>)
			.filter(([k]) => k.startsWith('POST /v1/messages'))
			.reduce((a, [, v]) => a + v, 0),
		accepted: c.messagesAccepted as number,
		uniqueContents: c.uniqueContents as number,
		responses: c.responses as Record<string, number>,
	};
}

/**
 * One measured send against a sandbox reset to `latencyMs`: whatever `send` builds must be built
 * before, so that only the sending is measured. `errorsOf` reads the errors off its result.
 */
async function sendRun<T>(
	sandbox: SandboxProcess,
	latencyMs: number,
	measuredItems: number,
	send: () => Promise<T>,
	errorsOf: (result: T) => number,
): Promise<SendRun> {
	await sandbox.prepare(latencyMs ? { latencyMs } : undefined);
	const m = await measure(send);
	const c = await postCount(sandbox);
	return {
		wallMs: m.wallMs,
		cpuUs: m.cpuUs,
		requests: c.requests,
		accepted: c.accepted,
		errors: errorsOf(m.result),
		memory: m.memory,
		measuredItems,
	};
}

/** batched: the node as shipped, one execute over all N items. */
export async function runBatched(
	sandbox: SandboxProcess,
	n: number,
	latencyMs: number,
	parameters = SEND_PARAMETERS,
): Promise<SendRun> {
	const items = appointmentItems(n);
	return sendRun(
		sandbox,
		latencyMs,
		n,
		() => executeActionNode({ parameters, credentials: credentialsFor(sandbox) }, items),
		(result) => countErrors(result.output),
	);
}

/**
 * per-item: one request per message, as per-item nodes send. A mode of the benchmark only: our
 * node's execute is called once per item, each time with a 1-item input. Runs `sample` items of
 * N (sequential requests are linear in N; the caller extrapolates).
 */
export async function runPerItem(
	sandbox: SandboxProcess,
	n: number,
	latencyMs: number,
	sample = n,
): Promise<SendRun> {
	const items = appointmentItems(Math.min(n, sample));
	const credentials = credentialsFor(sandbox);
	let errors = 0;
	return sendRun(
		sandbox,
		latencyMs,
		items.length,
		async () => {
			for (const item of items) {
				const { output } = await executeActionNode({ parameters: SEND_PARAMETERS, credentials }, [
					item,
				]);
				errors += countErrors(output);
			}
		},
		() => errors,
	);
}

function postRaw(agent: http.Agent, target: URL, body: Buffer): Promise<number> {
	return new Promise<number>((resolve, reject) => {
		const req = http.request(
			{
				agent,
				host: target.hostname,
				port: target.port,
				path: target.pathname,
				method: 'POST',
				headers: {
					authorization: BASIC_AUTH,
					'content-type': 'application/json',
					accept: 'application/json',
					'content-length': body.length,
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** floor: ⌈N/100⌉ raw sequential HTTP POSTs of pre-built bodies, keep-alive, no n8n. */
export async function runFloor(
	sandbox: SandboxProcess,
	n: number,
	latencyMs: number,
): Promise<SendRun> {
	const items = appointmentItems(n);
	const bodies: Buffer[] = [];
	for (let i = 0; i < n; i += 100) {
		const messages = items.slice(i, i + 100).map((it) => ({
			content: `Hi ${it.name}, reply YES to confirm appointment ${it.appointmentId}.`,
			destination_number: it.phone,
			format: 'SMS',
		}));
		bodies.push(Buffer.from(JSON.stringify({ messages })));
	}
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	const target = new URL(`${sandbox.url}/v1/messages`);
	let errors = 0;
	const run = await sendRun(
		sandbox,
		latencyMs,
		n,
		async () => {
			for (const body of bodies) {
				if ((await postRaw(agent, target, body)) !== 202) errors += 1;
			}
		},
		() => errors,
	);
	agent.destroy();
	return run;
}

// ------------------------------------------------------------------------------------ 429 retry

export async function runRetry429(sandbox: SandboxProcess, n: number) {
	await sandbox.prepare({
		rate429: 0.2,
		retryAfterSeconds: 1,
		paths: ['/v1/messages'],
		methods: ['POST'],
	});
	const items = appointmentItems(n);
	let failure: string | undefined;
	const m = await measure(async () => {
		try {
			return await executeActionNode(
				{ parameters: SEND_PARAMETERS, credentials: credentialsFor(sandbox) },
				items,
			);
		} catch (error) {
			failure = (error as Error).message;
			return undefined;
		}
	});
	const c = await postCount(sandbox);
	const messages = (await sandbox.control('GET', '/_sandbox/messages')) as {
		count: number;
		messages: Array<{ content: string }>;
	};
	const distinct = new Set(messages.messages.map((msg) => msg.content)).size;
	return {
		n,
		wallMs: m.wallMs,
		requests: c.requests,
		responses429: c.responses['POST /v1/messages 429'] ?? 0,
		responses202: c.responses['POST /v1/messages 202'] ?? 0,
		accepted: c.accepted,
		distinctContents: distinct,
		errors: m.result ? countErrors(m.result.output) : n,
		failure,
	};
}

// ------------------------------------------------------------------------------------ paging

export async function runPaging(sandbox: SandboxProcess, count: number) {
	await sandbox.prepare();
	// Seed: `count` unconfirmed replies and `count` webhooks.
	for (let i = 0; i < count; i++) {
		await sandbox.control('POST', '/_sandbox/replies', {
			source_number: `+614915${String(70000 + i).padStart(5, '0')}`,
			content: `reply ${i}`,
		});
	}
	for (let i = 0; i < count; i++) {
		await registerWebhook(sandbox, {
			url: `https://example.invalid/hook/${i}`,
			template: '{"id":"$moId"}',
		});
	}
	const credentials = credentialsFor(sandbox);
	const getCount = async (key: string) =>
		((await sandbox.counters()).requests as Record<string, number>)[key] ?? 0;

	const r0 = await getCount('GET /v1/replies');
	const replies = await measure(() =>
		executeActionNode(
			{ parameters: { resource: 'reply', operation: 'getAll', returnAll: true }, credentials },
			[{}],
		),
	);
	const replyRequests = (await getCount('GET /v1/replies')) - r0;

	const w0 = await getCount('GET /v1/webhooks/messages');
	const webhooks = await measure(() =>
		executeActionNode(
			{ parameters: { resource: 'webhook', operation: 'getAll', returnAll: true }, credentials },
			[{}],
		),
	);
	const webhookRequests = (await getCount('GET /v1/webhooks/messages')) - w0;
	return {
		count,
		replies: {
			returned: replies.result.output[0].length,
			requests: replyRequests,
			wallMs: replies.wallMs,
			/** GET /v1/replies is not paged: 100 oldest unconfirmed; 100 more only after confirming. */
			minimumToReadAll: { gets: Math.ceil(count / 100), confirms: Math.ceil(count / 100) - 1 },
		},
		webhooks: {
			returned: webhooks.result.output[0].length,
			requests: webhookRequests,
			wallMs: webhooks.wallMs,
			/** page_size ≤ 100 and no total in the response: a full last page needs one more GET. */
			minimum: Math.ceil(count / 100),
			minimumWithoutTotal: Math.floor(count / 100) + 1,
		},
	};
}

// ------------------------------------------------------------------------------------ trigger

/** A delivery exactly as the sandbox sends it to our trigger: captured on a local receiver. */
export interface CapturedDelivery {
	body: string;
	headers: Record<string, string>;
	secret: string;
	replyId: string;
}

export async function captureTriggerDelivery(sandbox: SandboxProcess): Promise<CapturedDelivery> {
	await sandbox.prepare();
	const secret = 'a'.repeat(64);
	let resolveBody!: (v: { body: string; headers: Record<string, string> }) => void;
	const got = new Promise<{ body: string; headers: Record<string, string> }>(
		(r) => (resolveBody = r),
	);
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			res.end('ok');
			resolveBody({
				body: Buffer.concat(chunks).toString('utf8'),
				headers: req.headers as Record<string, string>,
			});
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const port = (server.address() as { port: number }).port;
	await registerWebhook(sandbox, {
		url: `http://127.0.0.1:${port}/webhook/hook-uuid/webhook`,
		template: WEBHOOK_TEMPLATE,
		headers: { [SECRET_HEADER]: secret },
	});
	const reply = await sandbox.control<{ reply_id: string }>('POST', '/_sandbox/replies', {
		source_number: '+61491570156',
		content: 'Yes please, see you then',
	});
	const captured = await got;
	server.close();
	await sandbox.reset();
	return { ...captured, secret, replyId: reply.reply_id };
}

export function withReplyId(delivery: CapturedDelivery, replyId: string): string {
	return delivery.body.split(delivery.replyId).join(replyId);
}

/**
 * Our webhook() handler in-process, `iterations` times, each with a fresh reply id (so dedup
 * claims every one). Context construction is outside the timed part. Returns µs per call.
 */
export async function runWebhookHandler(delivery: CapturedDelivery, iterations: number) {
	const url = 'https://n8n.example.com/webhook/hook-uuid/webhook';
	const staticData: IDataObject = {
		webhookId: 'wh-1',
		webhookUrl: url,
		webhookSecret: delivery.secret,
		webhookEvents: ['OPT_OUT_SMS', 'RECEIVED_MMS', 'RECEIVED_SMS'],
	};
	const parameters = {
		events: ['RECEIVED_SMS', 'RECEIVED_MMS', 'OPT_OUT_SMS'],
		verifySignature: false,
		options: {},
	};
	const headers = {
		'content-type': 'application/json',
		[SECRET_HEADER.toLowerCase()]: delivery.secret,
	};
	const times: number[] = [];
	let emitted = 0;
	const cpu0 = process.cpuUsage();
	for (let i = 0; i < iterations; i++) {
		const body = withReplyId(delivery, `bench-${process.pid}-${Date.now()}-${i}`);
		const { context } = webhookContext({
			parameters,
			staticData,
			webhookUrl: url,
			request: { body, headers },
		});
		const t0 = performance.now();
		const result = await handleInboundRequest.call(context);
		times.push((performance.now() - t0) * 1000);
		if (result.workflowData) emitted += 1;
	}
	const cpu = process.cpuUsage(cpu0);
	return { times, emitted, iterations, cpuUsTotal: cpu.user + cpu.system };
}
