/**
 * Our trigger beside n8n's own webhook-started triggers in one real n8n: every target receives the
 * same MessageMedia delivery (the Form Trigger the same text as a form field), one at a time for
 * latency and with several in flight for rate.
 */
import { randomUUID } from 'crypto';

import type { N8nNode } from '../../scripts/n8n/n8n';
import { NODE_TYPES } from '../../scripts/n8n/n8n';
import { VERIFICATION_HEADER as SECRET_HEADER } from '../../nodes/MessageMedia/trigger/webhookHeaders';
import { CapturedDelivery, withReplyId } from './direct';
import { SandboxProcess, sleep } from './env';
import { post, RealEnv, waitForExecutions } from './real';

export type TargetKey = 'bare' | 'webhookExpression' | 'form' | 'oursV1' | 'oursV2' | 'oursNoDedup';

export const TARGET_LABELS: Record<TargetKey, string> = {
	bare: 'Webhook node, static parameters (bare)',
	webhookExpression: 'Webhook node, one expression in its parameters',
	form: "n8n's Form Trigger",
	oursV1: 'MessageMedia Trigger v1',
	oursV2: 'MessageMedia Trigger v2',
	oursNoDedup: 'MessageMedia Trigger v2, Deduplication Window 0',
};

export interface TriggerTarget {
	key: TargetKey;
	workflowId: string;
	url: string;
	headers: Record<string, string>;
	/** A fresh request body: the delivery with a new reply id, so de-duplication lets it through. */
	body(): string;
}

const EVENTS = ['RECEIVED_SMS', 'RECEIVED_MMS', 'OPT_OUT_SMS'];
const FORM_BOUNDARY = 'bench-form-boundary';

function webhookNode(path: string, options: Record<string, unknown>): N8nNode {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options },
	};
}

async function activate(env: RealEnv, name: string, node: N8nNode, url: string, method?: string) {
	const wf = await env.n8n.api.createWorkflow({ name, nodes: [node], connections: {} });
	await env.n8n.api.activate(wf.id);
	await env.n8n.api.waitForWebhook(url, { timeoutMs: 120_000, method });
	return wf.id;
}

/** The secret our trigger registered at the sandbox for `url`, as MessageMedia would send it. */
async function registeredSecret(sandbox: SandboxProcess, url: string): Promise<string> {
	// Registration at MessageMedia can complete after the path is served: poll for it.
	for (const deadline = Date.now() + 120_000; ; await sleep(250)) {
		const { webhooks } = await sandbox.control<{
			webhooks: Array<{ url: string; headers?: Record<string, unknown> }>;
		}>('GET', '/_sandbox/webhooks');
		const hook = webhooks.find((w) => w.url === url);
		if (hook) {
			const entry = Object.entries(hook.headers ?? {}).find(
				([k]) => k.toLowerCase() === SECRET_HEADER.toLowerCase(),
			);
			if (!entry) throw new Error(`no secret header on the webhook registered for ${url}`);
			return String(entry[1]);
		}
		if (Date.now() > deadline) throw new Error(`trigger did not register ${url}`);
	}
}

async function ourTrigger(
	env: RealEnv,
	sandbox: SandboxProcess,
	delivery: CapturedDelivery,
	key: TargetKey,
	typeVersion: number,
	options: Record<string, unknown>,
): Promise<TriggerTarget> {
	const webhookId = randomUUID();
	const url = env.n8n.productionWebhookUrl(webhookId, 'webhook');
	const node: N8nNode = {
		name: 'MessageMedia Trigger',
		type: NODE_TYPES.trigger,
		typeVersion,
		position: [0, 0],
		webhookId,
		parameters: { events: EVENTS, options },
		credentials: { messageMediaMessagingApi: env.credential },
	};
	const workflowId = await activate(env, `bench: ${TARGET_LABELS[key]}`, node, url);
	const secret = await registeredSecret(sandbox, url);
	return {
		key,
		workflowId,
		url,
		headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
		body: () => withReplyId(delivery, randomUUID()),
	};
}

async function webhookTarget(
	env: RealEnv,
	delivery: CapturedDelivery,
	key: TargetKey,
	options: Record<string, unknown>,
	headers: Record<string, string>,
): Promise<TriggerTarget> {
	const path = `bench-${key}-${randomUUID().slice(0, 8)}`;
	const url = `${env.n8n.webhookUrl}webhook/${path}`;
	const workflowId = await activate(
		env,
		`bench: ${TARGET_LABELS[key]}`,
		webhookNode(path, options),
		url,
	);
	return { key, workflowId, url, headers, body: () => withReplyId(delivery, randomUUID()) };
}

/** The Form Trigger takes a multipart form: the delivery's JSON text as its one field. */
async function formTarget(env: RealEnv, delivery: CapturedDelivery): Promise<TriggerTarget> {
	// A Form Trigger without a path parameter is served at form/<webhookId>.
	const webhookId = randomUUID();
	const url = `${env.n8n.webhookUrl}form/${webhookId}`;
	const node: N8nNode = {
		name: 'On form submission',
		type: 'n8n-nodes-base.formTrigger',
		typeVersion: 2.3,
		position: [0, 0],
		webhookId,
		parameters: {
			formTitle: 'Reply',
			formFields: { values: [{ fieldLabel: 'Delivery', fieldType: 'textarea' }] },
			responseMode: 'onReceived',
			options: {},
		},
	};
	// n8n answers a form path's CORS preflight with an error; a GET renders the form.
	const workflowId = await activate(env, `bench: ${TARGET_LABELS.form}`, node, url, 'GET');
	return {
		key: 'form',
		workflowId,
		url,
		headers: { 'content-type': `multipart/form-data; boundary=${FORM_BOUNDARY}` },
		body: () =>
			[
				`--${FORM_BOUNDARY}`,
				'Content-Disposition: form-data; name="field-0"',
				'',
				withReplyId(delivery, randomUUID()),
				`--${FORM_BOUNDARY}--`,
				'',
			].join('\r\n'),
	};
}

/** Creates and activates every target on one instance; the sandbox is reset first. */
export async function createTriggerTargets(
	env: RealEnv,
	sandbox: SandboxProcess,
	delivery: CapturedDelivery,
	keys: TargetKey[],
): Promise<TriggerTarget[]> {
	await sandbox.prepare();
	const ours = await ourTrigger(env, sandbox, delivery, 'oursV2', 2, {});
	const out: TriggerTarget[] = [];
	for (const key of keys) {
		if (key === 'oursV2') out.push(ours);
		if (key === 'oursV1') out.push(await ourTrigger(env, sandbox, delivery, key, 1, {}));
		if (key === 'oursNoDedup') {
			out.push(await ourTrigger(env, sandbox, delivery, key, 2, { dedupWindowHours: 0 }));
		}
		// The same bytes and headers as our trigger receives.
		if (key === 'bare') out.push(await webhookTarget(env, delivery, key, {}, ours.headers));
		if (key === 'webhookExpression') {
			// Read on every request, so n8n evaluates it in the webhook phase.
			const options = { ignoreBots: '={{ false }}' };
			out.push(await webhookTarget(env, delivery, key, options, ours.headers));
		}
		if (key === 'form') out.push(await formTarget(env, delivery));
	}
	return out;
}

export async function deactivateTargets(env: RealEnv, targets: TriggerTarget[]) {
	for (const t of targets) await env.n8n.api.deactivate(t.workflowId).catch(() => undefined);
}

export interface LatencySamples {
	latencyMs: number[];
	httpMs: number[];
	executionMs: number[];
}

/**
 * Latency: `count` rounds, each posting one event to every target in a rotating order, `gapMs`
 * apart so that none overlap. Latency = execution stoppedAt − the moment the POST was sent.
 */
export async function runTriggerLatency(
	env: RealEnv,
	targets: TriggerTarget[],
	count: number,
	gapMs = 250,
): Promise<Map<TargetKey, LatencySamples>> {
	const sends = new Map(targets.map((t) => [t.key, [] as number[]]));
	const http = new Map(targets.map((t) => [t.key, [] as number[]]));
	const since = Date.now();
	for (let i = 0; i < count; i++) {
		for (let k = 0; k < targets.length; k++) {
			const target = targets[(k + i) % targets.length];
			const body = target.body();
			const t0 = Date.now();
			const p0 = performance.now();
			const status = await post(target.url, body, target.headers);
			http.get(target.key)!.push(performance.now() - p0);
			if (status !== 200) throw new Error(`${target.key}: HTTP ${status}`);
			sends.get(target.key)!.push(t0);
			await sleep(gapMs);
		}
	}
	const out = new Map<TargetKey, LatencySamples>();
	for (const target of targets) {
		const list = (await waitForExecutions(env, target.workflowId, since, count)).sort(
			(a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt),
		);
		if (list.length !== count) {
			throw new Error(`${target.key}: ${list.length} executions, want ${count}`);
		}
		const sent = sends.get(target.key)!;
		out.set(target.key, {
			latencyMs: list.map((e, i) => Date.parse(e.stoppedAt!) - sent[i]),
			executionMs: list.map((e) => Date.parse(e.stoppedAt!) - Date.parse(e.startedAt)),
			httpMs: http.get(target.key)!,
		});
	}
	return out;
}

/** Sustained rate: `count` events with `concurrency` in flight; until the last one is recorded. */
export async function runTriggerRate(
	env: RealEnv,
	target: TriggerTarget,
	count: number,
	concurrency: number,
) {
	const since = Date.now();
	let next = 0;
	let failed = 0;
	const worker = async () => {
		while (next < count) {
			next += 1;
			if ((await post(target.url, target.body(), target.headers)) !== 200) failed += 1;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const list = await waitForExecutions(env, target.workflowId, since, count - failed);
	const recordedMs = Math.max(...list.map((e) => Date.parse(e.stoppedAt!))) - since;
	return { count, concurrency, failed, recordedMs, eventsPerSecond: (count / recordedMs) * 1000 };
}

// ------------------------------------------------------------------------------------ isolates

const ACQUIRED = 'n8n_expression_pool_acquired_total';
const EVALUATIONS = 'n8n_expression_evaluation_duration_seconds_count';

/** Sums a Prometheus metric over its label sets (0 when n8n has not emitted it yet). */
function metric(text: string, name: string): number {
	let sum = 0;
	for (const line of text.split('\n')) {
		if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
			sum += Number(line.slice(line.lastIndexOf(' ') + 1));
		}
	}
	return sum;
}

async function expressionCounters(env: RealEnv) {
	const res = await fetch(`${env.n8n.baseUrl}/metrics`);
	if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status} (N8N_METRICS not set?)`);
	const text = await res.text();
	return { acquired: metric(text, ACQUIRED), evaluations: metric(text, EVALUATIONS) };
}

/**
 * Isolates taken and expressions sent to the engine per event, over the webhook and the execution
 * phase together, from n8n's own counters: `count` events posted one at a time to one target.
 */
export async function isolateUse(env: RealEnv, target: TriggerTarget, count: number) {
	const since = Date.now();
	const before = await expressionCounters(env);
	for (let i = 0; i < count; i++) {
		const status = await post(target.url, target.body(), target.headers);
		if (status !== 200) throw new Error(`${target.key}: HTTP ${status}`);
	}
	await waitForExecutions(env, target.workflowId, since, count);
	// The execution's isolate goes back to the pool just after stoppedAt is written.
	await sleep(500);
	const after = await expressionCounters(env);
	return {
		events: count,
		acquiredPerEvent: (after.acquired - before.acquired) / count,
		evaluationsPerEvent: (after.evaluations - before.evaluations) / count,
	};
}
