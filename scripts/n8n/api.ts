/**
 * A thin client over a running n8n's public API (/api/v1, X-N8N-API-KEY) and, where the public API
 * has no answer, its internal /rest API (login cookie). It knows the differences between the
 * pinned version lines that the tests meet (see `line`).
 */
import { randomBytes } from 'crypto';

import { sleep } from './async';
import type { N8nLine } from './install';

export interface N8nWorkflow {
	id?: string;
	name: string;
	nodes: N8nNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	staticData?: unknown;
	active?: boolean;
	versionId?: string;
	[key: string]: unknown;
}

export interface N8nNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export type ExecutionStatus =
	'canceled' | 'crashed' | 'error' | 'new' | 'running' | 'success' | 'unknown' | 'waiting';

/** One run of a node in an execution's runData. */
export interface N8nNodeRun {
	executionTime?: number;
	startTime?: number;
	executionStatus?: string;
	error?: unknown;
	/** data.main[output][item].json */
	data?: { main?: Array<Array<{ json: Record<string, unknown>; [key: string]: unknown }> | null> };
	[key: string]: unknown;
}

/** An execution's data (with includeData). */
export interface N8nExecutionData {
	resultData?: {
		runData?: Record<string, N8nNodeRun[]>;
		error?: unknown;
		lastNodeExecuted?: string;
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

export interface N8nExecution {
	id: string;
	finished: boolean;
	mode: string;
	status: ExecutionStatus;
	startedAt: string;
	stoppedAt: string | null;
	workflowId: string;
	/** Set for an execution paused by a Wait node (status 'waiting'). */
	waitTill?: string | null;
	retryOf?: string | null;
	/** Only with includeData. data.resultData.runData[nodeName][run].data.main[output][item].json */
	data?: N8nExecutionData;
	[key: string]: unknown;
}

export interface N8nCredential {
	id: string;
	name: string;
	type: string;
	[key: string]: unknown;
}

export class N8nApiError extends Error {
	constructor(
		readonly method: string,
		readonly url: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(
			`${method} ${url} -> ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`.slice(
				0,
				2000,
			),
		);
		this.name = 'N8nApiError';
	}
}

/**
 * What a poll may meet from a busy n8n and simply try again: a 503 (its database pool is
 * exhausted for a moment) or a connection it dropped (a kept-alive socket closed under load).
 */
function isTransient(error: unknown): boolean {
	if (error instanceof N8nApiError) return error.status === 503;
	return error instanceof TypeError && error.message === 'fetch failed';
}

/** Thin client over the public API (/api/v1, X-N8N-API-KEY) and, where needed, /rest (cookie). */
export class N8nApi {
	/** Login cookie for /rest (set by the harness after login). */
	cookie = '';
	readonly browserId = randomBytes(8).toString('hex');

	constructor(
		readonly baseUrl: string,
		public apiKey = '',
		/** The n8n version line behind baseUrl (startN8n sets it from the runtime). */
		public line: N8nLine = '2.x',
	) {}

	async request<T = unknown>(
		method: string,
		urlPath: string,
		body?: unknown,
		opts: { headers?: Record<string, string>; okStatuses?: number[] } = {},
	): Promise<T> {
		const url = urlPath.startsWith('http') ? urlPath : `${this.baseUrl}${urlPath}`;
		const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
		if (body !== undefined) headers['content-type'] = 'application/json';
		const send = () =>
			fetch(url, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
			});
		// A loaded n8n closes an idle kept-alive socket just as the next request reuses it ("other
		// side closed"): a read is safe to send once more, as browsers do; a write is not.
		const res = await send().catch((error: unknown) => {
			if (method === 'GET' && isTransient(error)) return send();
			throw error;
		});
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON
		}
		if (!res.ok && !opts.okStatuses?.includes(res.status)) {
			throw new N8nApiError(method, url, res.status, parsed);
		}
		return parsed as T;
	}

	/** Public API call: /api/v1<path> with X-N8N-API-KEY. */
	public<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T> {
		return this.request<T>(method, `/api/v1${apiPath}`, body, {
			headers: { 'X-N8N-API-KEY': this.apiKey },
		});
	}

	/** Internal API call: /rest<path> with the login cookie. Returns the unwrapped `data`. */
	async rest<T = unknown>(method: string, restPath: string, body?: unknown): Promise<T> {
		const res = await this.request<{ data: T }>(method, `/rest${restPath}`, body, {
			headers: { cookie: this.cookie, 'browser-id': this.browserId },
		});
		return res && typeof res === 'object' && 'data' in res ? res.data : (res as T);
	}

	// --- credentials ---------------------------------------------------------------------------
	/**
	 * n8n 1.x's public credential schema also requires the HTTP Request domain restriction that it
	 * adds to every credential; "all" is what the editor saves when nothing is restricted.
	 */
	createCredential(name: string, type: string, data: Record<string, unknown>) {
		const body = this.line === '1.x' ? { allowedHttpRequestDomains: 'all', ...data } : data;
		return this.public<N8nCredential>('POST', '/credentials', { name, type, data: body });
	}

	deleteCredential(id: string) {
		return this.public<N8nCredential>('DELETE', `/credentials/${id}`);
	}

	// --- workflows -----------------------------------------------------------------------------
	/** Creates a workflow. Only the fields the public API accepts are sent. */
	createWorkflow(wf: N8nWorkflow) {
		return this.public<N8nWorkflow & { id: string }>('POST', '/workflows', workflowBody(wf));
	}

	getWorkflow(id: string) {
		return this.public<N8nWorkflow & { id: string }>('GET', `/workflows/${id}`);
	}

	listWorkflows() {
		return this.pages<N8nWorkflow & { id: string }>('/workflows', {});
	}

	/** Replaces a workflow (PUT). An active workflow is re-published by n8n. */
	updateWorkflow(id: string, wf: N8nWorkflow) {
		return this.public<N8nWorkflow & { id: string }>('PUT', `/workflows/${id}`, workflowBody(wf));
	}

	deleteWorkflow(id: string) {
		return this.public<N8nWorkflow>('DELETE', `/workflows/${id}`);
	}

	/** Publishes (activates) a workflow: runs the trigger's checkExists/create. */
	activate(id: string) {
		return this.public<N8nWorkflow & { id: string }>('POST', `/workflows/${id}/activate`);
	}

	/** Unpublishes (deactivates) a workflow: runs the trigger's delete. */
	deactivate(id: string) {
		return this.public<N8nWorkflow & { id: string }>('POST', `/workflows/${id}/deactivate`);
	}

	// --- executions ----------------------------------------------------------------------------
	/** Lists executions (newest first), following nextCursor until `limit` are read or none remain. */
	async listExecutions(
		opts: {
			workflowId?: string;
			includeData?: boolean;
			status?: ExecutionStatus;
			/** Maximum to return; default all. */
			limit?: number;
		} = {},
	): Promise<N8nExecution[]> {
		// n8n 1.x's public API leaves waiting executions out of its list whatever the filter; the
		// editor's own list (/rest) has them.
		if (this.line === '1.x' && opts.status === 'waiting') return this.listWaitingViaRest(opts);
		const query: Record<string, string> = {};
		if (opts.workflowId) query.workflowId = opts.workflowId;
		if (opts.includeData) query.includeData = 'true';
		if (opts.status) query.status = opts.status;
		return this.pages<N8nExecution>('/executions', query, opts.limit);
	}

	private async listWaitingViaRest(opts: {
		workflowId?: string;
		limit?: number;
	}): Promise<N8nExecution[]> {
		const filter = JSON.stringify({
			status: ['waiting'],
			...(opts.workflowId ? { workflowId: opts.workflowId } : {}),
		});
		const params = new URLSearchParams({ filter, limit: String(opts.limit ?? 250) });
		const page = await this.rest<{ results: N8nExecution[] }>('GET', `/executions?${params}`);
		return page.results.map((e) => ({ ...e, id: String(e.id) }));
	}

	getExecution(id: string, includeData = true) {
		return this.public<N8nExecution>('GET', `/executions/${id}?includeData=${includeData}`);
	}

	deleteExecution(id: string) {
		return this.public<N8nExecution>('DELETE', `/executions/${id}`);
	}

	/**
	 * Polls until the workflow has at least `count` executions that are no longer running
	 * (by default: finished, i.e. any status but new/running; pass `status` to count only those,
	 * e.g. 'waiting' for executions paused in a Wait node). Returns them oldest first, with data.
	 */
	async waitForExecutions(
		workflowId: string,
		count: number,
		opts: {
			timeoutMs?: number;
			intervalMs?: number;
			status?: ExecutionStatus;
			includeData?: boolean;
		} = {},
	): Promise<N8nExecution[]> {
		const timeoutMs = opts.timeoutMs ?? 30_000;
		const deadline = Date.now() + timeoutMs;
		let seen: N8nExecution[] = [];
		for (;;) {
			const all = await this.listExecutions({ workflowId, status: opts.status }).catch(
				(error: unknown) => {
					if (isTransient(error) && Date.now() < deadline) return undefined;
					throw error;
				},
			);
			if (!all) {
				await sleep(opts.intervalMs ?? 250);
				continue;
			}
			seen = all.filter((e) =>
				opts.status ? e.status === opts.status : e.status !== 'running' && e.status !== 'new',
			);
			if (seen.length >= count) {
				const chosen = seen.slice().reverse();
				if (opts.includeData === false) return chosen;
				return Promise.all(chosen.map((e) => this.getExecution(e.id, true)));
			}
			if (Date.now() > deadline) {
				throw new Error(
					`waitForExecutions(${workflowId}): ${seen.length}/${count} ${opts.status ?? 'finished'} ` +
						`executions after ${timeoutMs} ms (statuses: ${all.map((e) => e.status).join(',') || 'none'})`,
				);
			}
			await sleep(opts.intervalMs ?? 250);
		}
	}

	/**
	 * Polls the workflow's executions until at least `min` exist, none is running, and the count
	 * has not changed for `quietMs`; throws at the deadline. Returns the final count.
	 */
	async waitForQuietExecutions(
		workflowId: string,
		min: number,
		opts: { timeoutMs?: number; quietMs?: number; intervalMs?: number } = {},
	): Promise<number> {
		const timeoutMs = opts.timeoutMs ?? 300_000;
		const deadline = Date.now() + timeoutMs;
		const quietMs = opts.quietMs ?? 4_000;
		let lastCount = -1;
		let since = Date.now();
		for (;;) {
			const list = await this.listExecutions({ workflowId }).catch((error: unknown) => {
				if (isTransient(error) && Date.now() < deadline) return undefined;
				throw error;
			});
			if (!list) {
				await sleep(opts.intervalMs ?? 500);
				continue;
			}
			const busy = list.some((e) => e.status === 'running' || e.status === 'new');
			if (list.length !== lastCount || busy) {
				lastCount = list.length;
				since = Date.now();
			} else if (list.length >= min && Date.now() - since >= quietMs) {
				return list.length;
			}
			if (Date.now() > deadline) {
				throw new Error(
					`workflow ${workflowId}: ${list.length} executions (wanted >= ${min}, quiet for ` +
						`${quietMs} ms) after ${timeoutMs} ms; statuses ` +
						`${[...new Set(list.map((e) => e.status))].join(',') || 'none'}`,
				);
			}
			await sleep(opts.intervalMs ?? 500);
		}
	}

	/**
	 * Polls until a production webhook is served. Activation returns before the webhooks are
	 * served (measured on 2.41.1: about 1 s after the activate call returned). By default it sends
	 * a CORS preflight (OPTIONS with an Origin header), which n8n 2.41.1 answers with 204 for a
	 * registered path and 500 ("The requested webhook … is not registered") otherwise, without
	 * starting an execution. Returns the milliseconds waited.
	 */
	async waitForWebhook(
		url: string,
		opts: { timeoutMs?: number; intervalMs?: number; method?: string } = {},
	): Promise<number> {
		const timeoutMs = opts.timeoutMs ?? 30_000;
		const started = Date.now();
		const method = (opts.method ?? 'OPTIONS').toUpperCase();
		let last = '';
		for (;;) {
			try {
				const res = await fetch(url, {
					method,
					headers: { origin: this.baseUrl, 'access-control-request-method': 'POST' },
				});
				await res.arrayBuffer();
				// OPTIONS: 204 once registered; before that n8n answers 500 (or 404). Other methods:
				// anything but 404 means the path is served (and may have started an execution).
				const ok =
					method === 'OPTIONS' ? res.status >= 200 && res.status < 300 : res.status !== 404;
				if (ok) return Date.now() - started;
				last = `HTTP ${res.status}`;
			} catch (error) {
				last = String(error);
			}
			if (Date.now() - started > timeoutMs) {
				throw new Error(`waitForWebhook(${url}): not served after ${timeoutMs} ms (${last})`);
			}
			await sleep(opts.intervalMs ?? 100);
		}
	}

	// --- internal API (cookie) -----------------------------------------------------------------
	/** The loaded node types' names: GET /types/nodes.json, as the editor reads them. */
	async nodeTypeNames(): Promise<string[]> {
		const types = await this.request<Array<{ name: string }>>(
			'GET',
			'/types/nodes.json',
			undefined,
			{
				headers: { cookie: this.cookie, 'browser-id': this.browserId },
			},
		);
		return types.map((t) => t.name);
	}

	/** The loaded credential types' names: GET /types/credentials.json. */
	async credentialTypeNames(): Promise<string[]> {
		const types = await this.request<Array<{ name: string }>>(
			'GET',
			'/types/credentials.json',
			undefined,
			{ headers: { cookie: this.cookie, 'browser-id': this.browserId } },
		);
		return types.map((t) => t.name);
	}

	private async pages<T>(
		apiPath: string,
		query: Record<string, string>,
		max = Infinity,
	): Promise<T[]> {
		const out: T[] = [];
		let cursor: string | undefined;
		do {
			const params = new URLSearchParams({
				...query,
				limit: String(Math.min(250, max - out.length)),
			});
			if (cursor) params.set('cursor', cursor);
			const page = await this.public<{ data: T[]; nextCursor?: string | null }>(
				'GET',
				`${apiPath}?${params}`,
			);
			out.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor && out.length < max);
		return out;
	}
}

/** What the helpers that only call n8n need of an instance. */
export interface N8nInstanceApi {
	api: N8nApi;
}

/** The public API rejects unknown properties: send only what it accepts. */
export function workflowBody(wf: N8nWorkflow) {
	const body: Record<string, unknown> = {
		name: wf.name,
		nodes: wf.nodes,
		connections: wf.connections ?? {},
		settings: wf.settings ?? { executionOrder: 'v1' },
	};
	if (wf.staticData !== undefined && wf.staticData !== null) body.staticData = wf.staticData;
	return body;
}
