/**
 * A real n8n 2.41.1 for the benchmarks (scripts/n8n/n8n.ts), and the Send node inside a workflow
 * execution. The trigger's peers are in trigger-peers.ts.
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
import { appointmentItems, SEND_PARAMETERS } from './direct';
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
	// Metrics on: the trigger benchmark reads n8n's own isolate counters from /metrics.
	const n8n = await startN8n({ log: 'file', env: { N8N_METRICS: 'true', ...env } });
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

/** Waits (300 s at most) until `count` executions of the workflow started since `since` finished. */
export async function waitForExecutions(
	env: RealEnv,
	workflowId: string,
	since: number,
	count: number,
): Promise<N8nExecution[]> {
	const deadline = Date.now() + 300_000;
	for (;;) {
		// A busy n8n (10,000 items) can drop a polling connection: that is not a failed run.
		const all = await env.n8n.api
			.listExecutions({ workflowId, limit: count + 20 })
			.catch(() => [] as N8nExecution[]);
		const done = all.filter(
			(e) => Date.parse(e.startedAt) >= since - 5 && e.status !== 'running' && e.status !== 'new',
		);
		if (done.length >= count) return done;
		if (Date.now() > deadline) {
			throw new Error(`${workflowId}: ${done.length}/${count} executions after 300 s`);
		}
		await sleep(250);
	}
}

export async function post(url: string, body: string, headers: Record<string, string>) {
	const res = await fetch(url, { method: 'POST', headers, body });
	await res.arrayBuffer();
	return res.status;
}

// ------------------------------------------------------------------------------------ send

export interface RealSendWorkflow {
	id: string;
	url: string;
}

export async function createSendWorkflow(
	env: RealEnv,
	parameters = SEND_PARAMETERS,
): Promise<RealSendWorkflow> {
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
				parameters,
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
	/** The first appointment's number: new numbers are keys Send Once has not seen. */
	offset = 0,
) {
	await sandbox.prepare(latencyMs ? { latencyMs } : undefined);
	const body = JSON.stringify({ appointments: appointmentItems(n, offset) });
	const t0 = Date.now();
	const status = await post(wf.url, body, { 'content-type': 'application/json' });
	if (status !== 200) throw new Error(`send workflow webhook: HTTP ${status}`);
	const [summary] = await waitForExecutions(env, wf.id, t0, 1);
	const execution = await env.n8n.api.getExecution(summary.id, true);
	const runData = execution.data?.resultData?.runData ?? {};
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
