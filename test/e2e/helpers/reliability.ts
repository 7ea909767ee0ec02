/**
 * Helpers for the reliability e2e files (test/e2e/reliability-*.e2e.test.ts): a raw HTTP client
 * (exact bytes and headers, connection errors as results), RSA signing as MessageMedia does it,
 * execution counting and a liveness probe for n8n.
 */
import { generateKeyPairSync, KeyObject, sign } from 'crypto';
import * as http from 'http';

import type { E2eEnv, N8nExecution } from './harness';
import { nodeOutput, pollUntil, sleep } from './harness';

export const FULL = process.env.RELIABILITY_FULL === '1';

export interface RawResult {
	/** HTTP status, or 0 when the connection failed (see `error`). */
	status: number;
	text: string;
	error?: string;
	ms: number;
}

/** POSTs exact bytes with exactly these headers (plus Host and Content-Length). */
export function rawPost(
	url: string,
	body: Buffer | string,
	headers: Record<string, string> = {},
	timeoutMs = 60_000,
): Promise<RawResult> {
	const started = Date.now();
	const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	const u = new URL(url);
	return new Promise((resolve) => {
		const req = http.request(
			{
				host: u.hostname,
				port: u.port,
				path: u.pathname + u.search,
				method: 'POST',
				headers: { ...headers, 'content-length': String(bytes.length) },
				timeout: timeoutMs,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						text: Buffer.concat(chunks).toString('utf8'),
						ms: Date.now() - started,
					}),
				);
				res.on('error', (e) =>
					resolve({ status: res.statusCode ?? 0, text: '', error: e.message, ms: 0 }),
				);
			},
		);
		req.on('timeout', () => req.destroy(new Error('client timeout')));
		req.on('error', (e) =>
			resolve({ status: 0, text: '', error: e.message, ms: Date.now() - started }),
		);
		req.end(bytes);
	});
}

/** A local RSA key pair standing in for the account's MessageMedia signature key. */
export function rsaKey() {
	const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return {
		privateKey: pair.privateKey,
		publicKeyBase64: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
	};
}

/** Signs as MessageMedia does: `POST <path> HTTP/1.1` + Date + raw body, RSA PKCS#1 v1.5. */
export function signedHeaders(
	url: string,
	body: string | Buffer,
	privateKey: KeyObject,
	keyId: string,
	options: { date?: string; digest?: string } = {},
): Record<string, string> {
	const date = options.date ?? new Date().toUTCString();
	const digest = options.digest ?? 'SHA256';
	const u = new URL(url);
	const signature = sign(
		digest.replace('-', '').toLowerCase(),
		Buffer.concat([
			Buffer.from(`POST ${u.pathname}${u.search} HTTP/1.1${date}`, 'utf8'),
			Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
		]),
		privateKey,
	).toString('base64');
	return {
		date,
		'x-messagemedia-signature': signature,
		'x-messagemedia-digest-type': digest,
		'x-messagemedia-cipher-type': 'RSA',
		'x-messagemedia-key-id': keyId,
	};
}

/**
 * Lists a workflow's executions, riding out n8n's transient 503 "Database is not ready!": n8n
 * 2.41.1 answers every request (API and webhooks) with 503 while its SQLite ping times out, which
 * happens on a loaded machine.
 */
export async function listExecutions(
	env: E2eEnv,
	workflowId: string,
	includeData = false,
): Promise<N8nExecution[]> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await env.n8n.api.listExecutions({ workflowId, includeData });
		} catch (error) {
			if (attempt >= 30 || !/-> 503/.test(String(error))) throw error;
			await sleep(2_000);
		}
	}
}

/**
 * The reply ids of a workflow's executions (one item per execution); with `node`, only of the
 * executions that succeeded and got as far as that node.
 */
export async function executedIds(
	env: E2eEnv,
	workflowId: string,
	node?: string,
): Promise<string[]> {
	const list = await listExecutions(env, workflowId, true);
	return list
		.filter((e) => !node || (e.status === 'success' && nodeOutput(e, node).length > 0))
		.flatMap((e: N8nExecution) => nodeOutput(e, 'MessageMedia Trigger').map((j) => String(j.id)));
}

export function duplicates(ids: string[]): string[] {
	const seen = new Set<string>();
	return ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
}

/**
 * Waits until the workflow's execution count stops changing and every one has finished (throws
 * after `timeoutMs`). Returns the count.
 */
export function executionsSettled(
	env: E2eEnv,
	workflowId: string,
	quietMs = 5_000,
	timeoutMs = 600_000,
): Promise<number> {
	return env.n8n.api.waitForQuietExecutions(workflowId, 0, { quietMs, timeoutMs });
}

/** How many executions the workflow has (any status). */
export async function executionCount(env: E2eEnv, workflowId: string): Promise<number> {
	return (await listExecutions(env, workflowId)).length;
}

/** Waits until the workflow has exactly `count` finished executions, then checks it stays there. */
export async function expectExactlyExecutions(
	env: E2eEnv,
	workflowId: string,
	count: number,
	opts: { timeoutMs?: number; settleMs?: number } = {},
) {
	const list = await pollUntil(
		`${count} executions of workflow ${workflowId}`,
		() => listExecutions(env, workflowId),
		(l) => l.length >= count && l.every((e) => e.status !== 'running' && e.status !== 'new'),
		{ timeoutMs: opts.timeoutMs ?? 120_000, intervalMs: 500 },
	);
	expect(list.length).toBe(count);
	await sleep(opts.settleMs ?? 2_000);
	const after = await listExecutions(env, workflowId);
	expect(after.length).toBe(count);
	return after;
}

/** n8n is up and serving its REST API (no crash). */
export async function expectN8nAlive(env: E2eEnv) {
	const res = await fetch(`${env.n8n.baseUrl}/healthz`);
	expect(res.status).toBe(200);
}

export { mapLimit } from '../../../scripts/n8n/async';

/**
 * Waits until every event has a final outcome at the sandbox: a 200, or `retries + 1` attempts
 * (abandoned). The sandbox's `pendingJobs` counts scheduled retries only, not deliveries in flight.
 */
export async function eventsSettled(
	env: E2eEnv,
	ids: string[],
	retries: number,
	opts: { timeoutMs?: number; webhookId?: string } = {},
) {
	return pollUntil(
		`a final delivery outcome for ${ids.length} events`,
		async () => {
			const deliveries = (await env.sandbox.deliveries(10_000)).filter(
				(d) => !opts.webhookId || d.webhook_id === opts.webhookId,
			);
			const byId = new Map<string, Array<number | string>>();
			for (const d of deliveries) {
				const id = ids.find((i) => d.body.includes(i));
				if (id) byId.set(id, [...(byId.get(id) ?? []), d.status]);
			}
			const open = ids.filter((id) => {
				const statuses = byId.get(id) ?? [];
				return !statuses.includes(200) && statuses.length < retries + 1;
			});
			return { byId, open };
		},
		(r) => r.open.length === 0,
		{ timeoutMs: opts.timeoutMs ?? 300_000, intervalMs: 1_000 },
	).then((r) => r.byId);
}

/**
 * `n8n.restart()`, retried when the harness's post-boot login meets n8n's transient 503 "Database
 * is not ready!" (scripts/n8n/n8n.ts boot() then kills the fresh process; see the README's
 * findings). Returns the milliseconds until n8n was back and logged in, and the attempts taken.
 */
export async function restartN8n(env: E2eEnv, hard: boolean) {
	const started = Date.now();
	for (let attempt = 1; ; attempt++) {
		try {
			await env.n8n.restart({ hard: attempt === 1 ? hard : false });
			return { ms: Date.now() - started, attempts: attempt };
		} catch (error) {
			if (attempt >= 3 || !/503/.test(String(error))) throw error;
		}
	}
}
