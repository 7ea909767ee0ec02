/**
 * Benchmarks through a real n8n 2.41.1 (scripts/n8n/n8n.ts): the Send node inside a workflow
 * execution, and our trigger against n8n's bare Webhook node on the same instance.
 */
import { randomUUID } from 'crypto';

import {
	createMessageMediaCredential,
	N8nExecution,
	N8nInstance,
	N8nWorkflow,
	NODE_TYPES,
	startN8n,
} from '../../scripts/n8n/n8n';
import { VERIFICATION_HEADER as SECRET_HEADER } from '../../nodes/MessageMedia/trigger/webhookHeaders';
import { appointmentItems, CapturedDelivery, SEND_PARAMETERS, withReplyId } from './direct';
import { BASIC_KEY, BASIC_SECRET, SandboxProcess, sleep } from './env';

export interface RealEnv {
	n8n: N8nInstance;
	credential: { id: string; name: string };
	startupMs: number;
}

export async function startReal(
	sandbox: SandboxProcess,
	env: Record<string, string> = {},
): Promise<RealEnv> {
	const t0 = Date.now();
	const n8n = await startN8n({ log: 'file', env });
	const startupMs = Date.now() - t0;
	const cred = await createMessageMediaCredential(n8n, {
		baseUrl: sandbox.url,
		authType: 'basic',
		apiKey: BASIC_KEY,
		apiSecret: BASIC_SECRET,
		name: 'MessageMedia (bench)',
	});
	return { n8n, credential: { id: cred.id, name: cred.name }, startupMs };
}

async function post(url: string, body: string, headers: Record<string, string>) {
	const res = await fetch(url, { method: 'POST', headers, body });
	await res.arrayBuffer();
	return res.status;
}

/** Newest execution of the workflow that is not `previousId` and has finished. */
async function waitForNewExecution(
	env: RealEnv,
	workflowId: string,
	previousId: string | undefined,
	timeoutMs = 300_000,
): Promise<N8nExecution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		// A busy n8n (10,000 items) can drop a polling connection: that is not a failed run.
		const [newest] = await env.n8n.api
			.listExecutions({ workflowId, limit: 1 })
			.catch(() => [] as N8nExecution[]);
		if (
			newest &&
			newest.id !== previousId &&
			newest.status !== 'running' &&
			newest.status !== 'new'
		) {
			return newest;
		}
		if (Date.now() > deadline) throw new Error(`no new execution of ${workflowId}`);
		await sleep(100);
	}
}

// ------------------------------------------------------------------------------------ send

export interface RealSendWorkflow {
	id: string;
	url: string;
	lastExecutionId?: string;
}

export async function createSendWorkflow(env: RealEnv): Promise<RealSendWorkflow> {
	const hookPath = `bench-send-${randomUUID().slice(0, 8)}`;
	const wf: N8nWorkflow = {
		name: 'bench: send N appointments',
		nodes: [
			{
				name: 'Appointments in',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} },
			},
			{
				name: 'One item per appointment',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.appointments', options: {} },
			},
			{
				name: 'Send',
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [440, 0],
				parameters: SEND_PARAMETERS,
				credentials: { messageMediaMessagingApi: env.credential },
			},
		],
		connections: {
			'Appointments in': { main: [[{ node: 'One item per appointment', type: 'main', index: 0 }]] },
			'One item per appointment': { main: [[{ node: 'Send', type: 'main', index: 0 }]] },
		},
	};
	const created = await env.n8n.api.createWorkflow(wf);
	await env.n8n.api.activate(created.id);
	const url = `${env.n8n.webhookUrl}webhook/${hookPath}`;
	await env.n8n.api.waitForWebhook(url, { timeoutMs: 120_000 });
	return { id: created.id, url };
}

export async function runRealSend(
	env: RealEnv,
	sandbox: SandboxProcess,
	wf: RealSendWorkflow,
	n: number,
	latencyMs: number,
) {
	await sandbox.prepare(latencyMs ? { latencyMs } : undefined);
	const body = JSON.stringify({ appointments: appointmentItems(n) });
	const t0 = Date.now();
	const status = await post(wf.url, body, { 'content-type': 'application/json' });
	if (status !== 200) throw new Error(`send workflow webhook: HTTP ${status}`);
	const summary = await waitForNewExecution(env, wf.id, wf.lastExecutionId);
	wf.lastExecutionId = summary.id;
	const execution = await env.n8n.api.getExecution(summary.id, true);
	const runData = (execution as any).data?.resultData?.runData ?? {};
	const nodeMs = (name: string) => (runData[name]?.[0]?.executionTime as number | undefined) ?? NaN;
	const counters = await sandbox.counters();
	const started = Date.parse(execution.startedAt);
	const stopped = Date.parse(execution.stoppedAt ?? execution.startedAt);
	return {
		status: execution.status,
		/** POST sent → execution stopped. */
		endToEndMs: stopped - t0,
		/** Execution startedAt → stoppedAt. */
		executionMs: stopped - started,
		/** The Send node's executionTime in runData (our execute, inside n8n). */
		sendNodeMs: nodeMs('Send'),
		splitOutMs: nodeMs('One item per appointment'),
		requests: (counters.requests['POST /v1/messages'] as number | undefined) ?? 0,
		accepted: counters.messagesAccepted as number,
	};
}

// ------------------------------------------------------------------------------------ trigger

export interface TriggerPair {
	ours: { id: string; url: string; headers: Record<string, string> };
	bare: { id: string; url: string; headers: Record<string, string> };
}

export async function createTriggerPair(
	env: RealEnv,
	sandbox: SandboxProcess,
	options: Record<string, unknown> = {},
): Promise<TriggerPair> {
	await sandbox.prepare();
	const webhookId = randomUUID();
	const ours = await env.n8n.api.createWorkflow({
		name: 'bench: MessageMedia Trigger',
		nodes: [
			{
				name: 'MessageMedia Trigger',
				type: NODE_TYPES.trigger,
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { events: ['RECEIVED_SMS', 'RECEIVED_MMS', 'OPT_OUT_SMS'], options },
				credentials: { messageMediaMessagingApi: env.credential },
			},
		],
		connections: {},
	});
	const barePath = `bench-bare-${randomUUID().slice(0, 8)}`;
	const bare = await env.n8n.api.createWorkflow({
		name: 'bench: bare Webhook',
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: barePath, responseMode: 'onReceived', options: {} },
			},
		],
		connections: {},
	});
	await env.n8n.api.activate(ours.id);
	await env.n8n.api.activate(bare.id);
	const oursUrl = env.n8n.productionWebhookUrl(webhookId, 'webhook');
	const bareUrl = `${env.n8n.webhookUrl}webhook/${barePath}`;
	await env.n8n.api.waitForWebhook(oursUrl, { timeoutMs: 120_000 });
	await env.n8n.api.waitForWebhook(bareUrl, { timeoutMs: 120_000 });
	// The secret our trigger registered, as MessageMedia would send it.
	// Registration at MessageMedia can complete after the path is served: poll for it.
	let hook: Record<string, any> | undefined;
	for (const deadline = Date.now() + 120_000; !hook; await sleep(250)) {
		const { webhooks } = await sandbox.control<{ webhooks: Array<Record<string, any>> }>(
			'GET',
			'/_sandbox/webhooks',
		);
		hook = webhooks.find((w) => w.url === oursUrl);
		if (!hook && Date.now() > deadline) {
			throw new Error(`trigger did not register ${oursUrl}: ${JSON.stringify(webhooks)}`);
		}
	}
	const secretEntry = Object.entries(hook.headers ?? {}).find(
		([k]) => k.toLowerCase() === SECRET_HEADER.toLowerCase(),
	);
	if (!secretEntry) throw new Error('no secret header on the registered webhook');
	const headers = { 'content-type': 'application/json', [SECRET_HEADER]: String(secretEntry[1]) };
	return {
		ours: { id: ours.id, url: oursUrl, headers },
		// The same bytes and headers to the bare Webhook node.
		bare: { id: bare.id, url: bareUrl, headers },
	};
}

type Target = TriggerPair['ours'];

async function executionsSince(env: RealEnv, workflowId: string, since: number, max: number) {
	const all = await env.n8n.api.listExecutions({ workflowId, limit: max + 20 });
	return all.filter((e) => Date.parse(e.startedAt) >= since - 5);
}

async function waitForCount(env: RealEnv, workflowId: string, since: number, count: number) {
	const deadline = Date.now() + 300_000;
	for (;;) {
		const list = await executionsSince(env, workflowId, since, count);
		const done = list.filter((e) => e.status !== 'running' && e.status !== 'new');
		if (done.length >= count) return done;
		if (Date.now() > deadline) {
			throw new Error(`${workflowId}: ${done.length}/${count} executions after 300 s`);
		}
		await sleep(250);
	}
}

/**
 * Latency: `count` events one at a time, the two targets interleaved, `gapMs` apart so that they
 * never overlap. Latency = execution stoppedAt − the moment the POST was sent.
 */
export async function runTriggerLatency(
	env: RealEnv,
	pair: TriggerPair,
	delivery: CapturedDelivery,
	count: number,
	gapMs = 250,
) {
	const sends: Record<'ours' | 'bare', number[]> = { ours: [], bare: [] };
	const http: Record<'ours' | 'bare', number[]> = { ours: [], bare: [] };
	const since = Date.now();
	for (let i = 0; i < count; i++) {
		const order: Array<'ours' | 'bare'> = i % 2 ? ['bare', 'ours'] : ['ours', 'bare'];
		for (const which of order) {
			const target: Target = pair[which];
			const body = withReplyId(delivery, randomUUID());
			const t0 = Date.now();
			const p0 = performance.now();
			const status = await post(target.url, body, target.headers);
			http[which].push(performance.now() - p0);
			if (status !== 200) throw new Error(`${which}: HTTP ${status}`);
			sends[which].push(t0);
			await sleep(gapMs);
		}
	}
	const out: Record<string, { latencyMs: number[]; httpMs: number[]; executionMs: number[] }> = {};
	for (const which of ['ours', 'bare'] as const) {
		const list = (await waitForCount(env, pair[which].id, since, count)).sort(
			(a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt),
		);
		if (list.length !== count)
			throw new Error(`${which}: ${list.length} executions, want ${count}`);
		out[which] = {
			latencyMs: list.map((e, i) => Date.parse(e.stoppedAt!) - sends[which][i]),
			executionMs: list.map((e) => Date.parse(e.stoppedAt!) - Date.parse(e.startedAt)),
			httpMs: http[which],
		};
	}
	return out as Record<
		'ours' | 'bare',
		{ latencyMs: number[]; httpMs: number[]; executionMs: number[] }
	>;
}

/** Sustained rate: `count` events with `concurrency` in flight; until the last one is recorded. */
export async function runTriggerRate(
	env: RealEnv,
	target: Target,
	delivery: CapturedDelivery,
	count: number,
	concurrency: number,
) {
	const since = Date.now();
	let next = 0;
	let failed = 0;
	const worker = async () => {
		while (next < count) {
			next += 1;
			const status = await post(target.url, withReplyId(delivery, randomUUID()), target.headers);
			if (status !== 200) failed += 1;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const respondedMs = Date.now() - since;
	const list = await waitForCount(env, target.id, since, count - failed);
	const lastStop = Math.max(...list.map((e) => Date.parse(e.stoppedAt!)));
	const recordedMs = lastStop - since;
	return {
		count,
		concurrency,
		failed,
		respondedMs,
		recordedMs,
		eventsPerSecond: (count / recordedMs) * 1000,
	};
}
