/**
 * Starts and drives a real n8n 2.41.1 (installed by ./install.ts) with this package loaded as a
 * community package. Used by the end-to-end tests (test/e2e), the benchmarks and `npm start`.
 * Not shipped: it may use child_process, fs, timers and the environment freely.
 *
 *   const n8n = await startN8n({ install: 'pack' });
 *   const cred = await createMessageMediaCredential(n8n, { baseUrl, apiKey, apiSecret, authType: 'basic' });
 *   const wf = await n8n.api.createWorkflow({ name, nodes, connections });
 *   await n8n.api.activate(wf.id);
 *   await n8n.api.waitForWebhook(n8n.productionWebhookUrl(webhookId));
 *   await n8n.stop();
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { ensureRuntime, N8nRuntime } from './install';

const execFileAsync = promisify(execFile);

export const PACKAGE_NAME = 'n8n-nodes-messagemedia';
export const NODE_TYPES = {
	action: `${PACKAGE_NAME}.messageMedia`,
	trigger: `${PACKAGE_NAME}.messageMediaTrigger`,
} as const;
export const CREDENTIAL_TYPE = 'messageMediaMessagingApi';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Persisted in the user folder so that a restart (or a later run) reuses the owner and API key. */
const STATE_FILE = 'harness-state.json';

/** Every public-API scope the harness asks for (all accepted by n8n 2.41.1). */
export const API_KEY_SCOPES = [
	'workflow:create',
	'workflow:read',
	'workflow:update',
	'workflow:delete',
	'workflow:list',
	'workflow:activate',
	'workflow:deactivate',
	'credential:create',
	'credential:delete',
	'execution:read',
	'execution:list',
	'execution:delete',
];

export interface StartN8nOptions {
	/** Default: a free port. */
	port?: number;
	/** The package to load; default the repo root. Must contain a built dist/. */
	packageDir?: string;
	/**
	 * 'link' (default): copy package.json + dist into
	 * <userFolder>/.n8n/nodes/node_modules/n8n-nodes-messagemedia (dist is copied, not symlinked, so
	 * that `require('n8n-workflow')` resolves to n8n's own copy and not the repo's).
	 * 'pack': `npm pack` the package and install the tarball in <userFolder>/.n8n/nodes exactly as
	 * n8n's community-package installer does (unpack, strip peer/dev deps, npm install).
	 * 'none': load nothing (the folder is left as it is, e.g. on a reused userFolder).
	 */
	install?: 'link' | 'pack' | 'none';
	/** Default: a fresh temp dir. An existing folder (with harness-state.json) is reused as is. */
	userFolder?: string;
	/** WEBHOOK_URL; default http://127.0.0.1:<port>/ */
	webhookUrl?: string;
	/** Extra env for n8n (queue mode: DB_*, EXECUTIONS_MODE, ...). Overrides the defaults. */
	env?: Record<string, string>;
	/** 'file' (default): <userFolder>/n8n.log. 'inherit': our stdout/stderr. 'silent': dropped. */
	log?: 'inherit' | 'file' | 'silent';
	/** N8N_LOG_LEVEL; default 'info'. */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** How long to wait for the REST API to be ready; default 300 s (a loaded 2-core machine took 86 s). */
	readyTimeoutMs?: number;
	/** Owner account to create (or expect). Defaults to a fixed demo owner. */
	owner?: { email: string; password: string; firstName?: string; lastName?: string };
	/** Called with progress lines (install heartbeat is on stderr anyway). Default: nothing. */
	onProgress?: (message: string) => void;
	/**
	 * The n8n subcommand: 'start' (default), or queue mode's 'webhook' / 'worker'
	 * (scripts/n8n/queue.ts). Only 'start' serves the REST API.
	 */
	command?: 'start' | 'webhook' | 'worker';
	/** Extra CLI arguments after the subcommand, e.g. ['--concurrency=5'] for a worker. */
	args?: string[];
	/**
	 * Ready when this URL answers 2xx. Default: `${baseUrl}/rest/settings` returning JSON for
	 * 'start', `${baseUrl}/healthz/readiness` otherwise (a worker listens only on its
	 * QUEUE_HEALTH_CHECK_PORT: pass that one).
	 */
	readyUrl?: string;
	/** Owner setup, login and API key once ready. Default: true for 'start', false otherwise. */
	setup?: boolean;
	/**
	 * An extra readiness condition, given the pid of the n8n process: `npm start` checks that this
	 * pid holds the port, so that another n8n already listening there is never set up, imported
	 * into or reported on (ours then exits with EADDRINUSE instead).
	 */
	isOwnServer?: (pid: number) => Promise<boolean>;
}

export interface N8nInstance {
	baseUrl: string;
	port: number;
	userFolder: string;
	/** The WEBHOOK_URL given to n8n, with a trailing slash. */
	webhookUrl: string;
	apiKey: string;
	owner: { email: string; password: string };
	api: N8nApi;
	runtime: N8nRuntime;
	/** The n8n log file when log: 'file'. */
	logFile?: string;
	/** pid of the running n8n process (undefined while stopped). */
	readonly pid: number | undefined;
	/** `${webhookUrl}webhook/<webhookId>/<path>`: a trigger node's production webhook URL. */
	productionWebhookUrl(webhookId: string, path?: string): string;
	/** The same for the editor's test webhook (`/webhook-test/`). */
	testWebhookUrl(webhookId: string, path?: string): string;
	/** The last lines n8n printed (kept in memory whatever the log option). */
	logTail(lines?: number): string;
	/** Graceful SIGTERM; waits for exit (SIGKILL after 60 s). */
	stop(): Promise<void>;
	/** SIGKILL, waits for exit. */
	kill9(): Promise<void>;
	/** stop(), then delete the user folder if startN8n created it (kept if N8N_KEEP_USER_FOLDER=1). */
	destroy(): Promise<void>;
	/** Same user folder, same port; waits until ready again and logs in again. */
	restart(opts?: { hard?: boolean }): Promise<void>;
}

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
	data?: any;
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Thin client over the public API (/api/v1, X-N8N-API-KEY) and, where needed, /rest (cookie). */
export class N8nApi {
	/** Login cookie for /rest (set by the harness after login). */
	cookie = '';
	readonly browserId = randomBytes(8).toString('hex');

	constructor(
		readonly baseUrl: string,
		public apiKey = '',
	) {}

	async request<T = any>(
		method: string,
		urlPath: string,
		body?: unknown,
		opts: { headers?: Record<string, string>; okStatuses?: number[] } = {},
	): Promise<T> {
		const url = urlPath.startsWith('http') ? urlPath : `${this.baseUrl}${urlPath}`;
		const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(url, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
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
	public<T = any>(method: string, apiPath: string, body?: unknown): Promise<T> {
		return this.request<T>(method, `/api/v1${apiPath}`, body, {
			headers: { 'X-N8N-API-KEY': this.apiKey },
		});
	}

	/** Internal API call: /rest<path> with the login cookie. Returns the unwrapped `data`. */
	async rest<T = any>(method: string, restPath: string, body?: unknown): Promise<T> {
		const res = await this.request<{ data: T }>(method, `/rest${restPath}`, body, {
			headers: { cookie: this.cookie, 'browser-id': this.browserId },
		});
		return res && typeof res === 'object' && 'data' in res ? res.data : (res as T);
	}

	// --- credentials ---------------------------------------------------------------------------
	createCredential(name: string, type: string, data: Record<string, unknown>) {
		return this.public<N8nCredential>('POST', '/credentials', { name, type, data });
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
		const query: Record<string, string> = {};
		if (opts.workflowId) query.workflowId = opts.workflowId;
		if (opts.includeData) query.includeData = 'true';
		if (opts.status) query.status = opts.status;
		return this.pages<N8nExecution>('/executions', query, opts.limit);
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
			const all = await this.listExecutions({ workflowId, status: opts.status });
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

/** The public API rejects unknown properties: send only what it accepts. */
function workflowBody(wf: N8nWorkflow) {
	const body: Record<string, unknown> = {
		name: wf.name,
		nodes: wf.nodes,
		connections: wf.connections ?? {},
		settings: wf.settings ?? { executionOrder: 'v1' },
	};
	if (wf.staticData !== undefined && wf.staticData !== null) body.staticData = wf.staticData;
	return body;
}

const handedOut = new Set<number>();

/**
 * A port nothing listens on. The OS may offer a just-released port again, and processes started
 * side by side (queue mode) bind theirs only later, so a port is never handed out twice here.
 */
export async function freePort(): Promise<number> {
	for (;;) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = net.createServer();
			server.unref();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const { port: bound } = server.address() as net.AddressInfo;
				server.close(() => resolve(bound));
			});
		});
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
}

function copyDir(from: string, to: string) {
	fs.cpSync(from, to, { recursive: true, dereference: true });
}

/** Stages the package into <userFolder>/.n8n/nodes as a community package. */
async function stagePackage(
	packageDir: string,
	userFolder: string,
	mode: 'link' | 'pack',
	runtime: N8nRuntime,
): Promise<void> {
	const pkgJson = path.join(packageDir, 'package.json');
	const dist = path.join(packageDir, 'dist');
	if (!fs.existsSync(dist)) {
		throw new Error(`${dist} does not exist: run \`npm run build\` first`);
	}
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const name = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).name as string;
	const target = path.join(nodesDir, 'node_modules', name);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(nodesDir, { recursive: true });
	if (!fs.existsSync(path.join(nodesDir, 'package.json'))) {
		// n8n creates this file itself when it installs a community package.
		fs.writeFileSync(
			path.join(nodesDir, 'package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
	}
	if (mode === 'link') {
		fs.mkdirSync(target, { recursive: true });
		fs.copyFileSync(pkgJson, path.join(target, 'package.json'));
		copyDir(dist, path.join(target, 'dist'));
		for (const extra of ['index.js', 'README.md', 'LICENSE']) {
			const file = path.join(packageDir, extra);
			if (fs.existsSync(file)) fs.copyFileSync(file, path.join(target, extra));
		}
		return;
	}
	// 'pack': what a user gets from npm.
	const env = {
		...process.env,
		PATH: `${path.join(runtime.nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
	};
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-mm-pack-'));
	try {
		const { stdout } = await execFileAsync(
			'npm',
			['pack', packageDir, '--pack-destination', packDir, '--ignore-scripts', '--json'],
			{ cwd: packDir, env, maxBuffer: 64 * 1024 * 1024 },
		);
		const tarball = path.join(packDir, JSON.parse(stdout)[0].filename as string);
		// Mirrors n8n 2.41.1's CommunityPackagesService.downloadPackage: unpack the tarball into
		// nodes/node_modules/<name>, drop dev/peer/optional dependencies from its package.json,
		// `npm install` its own dependencies there (none, for a verified package), then record it
		// in nodes/package.json. n8n-workflow is not installed: n8n puts its own on NODE_PATH.
		fs.mkdirSync(target, { recursive: true });
		await execFileAsync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
		const installedJson = path.join(target, 'package.json');
		const {
			devDependencies: _dev,
			peerDependencies: _peer,
			optionalDependencies: _optional,
			...manifest
		} = JSON.parse(fs.readFileSync(installedJson, 'utf8'));
		fs.writeFileSync(installedJson, JSON.stringify(manifest, null, 2));
		await execFileAsync(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
				'--loglevel=error',
			],
			{ cwd: target, env, maxBuffer: 64 * 1024 * 1024 },
		);
		const nodesJson = path.join(nodesDir, 'package.json');
		const nodesManifest = JSON.parse(fs.readFileSync(nodesJson, 'utf8'));
		nodesManifest.dependencies = { ...nodesManifest.dependencies, [name]: manifest.version };
		fs.writeFileSync(nodesJson, JSON.stringify(nodesManifest, null, 2));
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}

interface HarnessState {
	email: string;
	password: string;
	apiKey: string;
}

const DEFAULT_OWNER = {
	email: 'owner@example.com',
	password: 'Messagemedia1',
	firstName: 'Demo',
	lastName: 'Owner',
};

const live = new Set<ChildProcess>();
process.once('exit', () => {
	// A harness that exits without stop() must not leave n8n (and its task runner) behind.
	for (const child of live) {
		try {
			process.kill(-child.pid!, 'SIGKILL');
		} catch {
			// already gone
		}
	}
});

/** Installs the runtime if needed, then starts n8n with the package loaded and an owner + API key. */
export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance> {
	const progress = options.onProgress ?? (() => {});
	const runtime = await ensureRuntime();
	const port = options.port ?? (await freePort());
	const ownFolder = !options.userFolder;
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-mm-user-'));
	fs.mkdirSync(userFolder, { recursive: true });
	const baseUrl = `http://127.0.0.1:${port}`;
	let webhookUrl = options.webhookUrl ?? `${baseUrl}/`;
	if (!webhookUrl.endsWith('/')) webhookUrl += '/';
	const install = options.install ?? 'link';
	if (install !== 'none') {
		progress(`staging ${PACKAGE_NAME} (${install}) in ${userFolder}/.n8n/nodes`);
		await stagePackage(options.packageDir ?? REPO_ROOT, userFolder, install, runtime);
	}
	const command = options.command ?? 'start';
	const setup = options.setup ?? command === 'start';
	const readyUrl =
		options.readyUrl ??
		(command === 'start' ? `${baseUrl}/rest/settings` : `${baseUrl}/healthz/readiness`);
	const logMode = options.log ?? 'file';
	const logFile = logMode === 'file' ? path.join(userFolder, 'n8n.log') : undefined;
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PATH: `${path.join(runtime.nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		WEBHOOK_URL: webhookUrl,
		N8N_WEBHOOK_URL: webhookUrl, // 2.41 deprecates WEBHOOK_URL in favour of this one
		// 2.41 ignores N8N_RUNNERS_ENABLED=false and always starts a JS task runner whose broker
		// listens on a fixed 5679: give each instance its own port so that several can run at once.
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: options.logLevel ?? 'info',
		N8N_LOG_OUTPUT: 'console',
		DB_TYPE: 'sqlite',
		...options.env,
	};
	// The harness's own npm/jest/tsx variables must not leak into n8n.
	for (const key of Object.keys(env)) {
		if (key.startsWith('npm_') || key === 'NODE_OPTIONS' || key === 'TS_NODE_PROJECT')
			delete env[key];
		if (key === 'JEST_WORKER_ID' || key === 'NODE_ENV') delete env[key];
	}
	if (options.env?.NODE_ENV) env.NODE_ENV = options.env.NODE_ENV;

	const tail: string[] = [];
	let child: ChildProcess | undefined;
	let exited: Promise<void> = Promise.resolve();

	const spawnN8n = () => {
		const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
		const proc = spawn(runtime.nodeBin, [runtime.n8nBin, command, ...(options.args ?? [])], {
			cwd: userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		live.add(proc);
		const onData = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
			logStream?.write(chunk);
			if (logMode === 'inherit') stream.write(chunk);
			for (const line of chunk.toString().split('\n')) {
				if (line.trim()) tail.push(line);
			}
			if (tail.length > 400) tail.splice(0, tail.length - 400);
		};
		proc.stdout!.on('data', onData(process.stdout));
		proc.stderr!.on('data', onData(process.stderr));
		exited = new Promise<void>((resolve) => {
			// A failed spawn (e.g. the user folder removed under a restart) must fail the caller,
			// not crash the test process with an unhandled 'error' event.
			proc.once('error', (error) => {
				tail.push(`spawn failed: ${error.message}`);
				live.delete(proc);
				logStream?.end();
				resolve();
			});
			proc.once('exit', () => {
				live.delete(proc);
				logStream?.end();
				resolve();
			});
		});
		child = proc;
	};

	const waitReady = async () => {
		const timeoutMs = options.readyTimeoutMs ?? 300_000;
		const started = Date.now();
		let gone = false;
		void exited.then(() => (gone = true));
		for (;;) {
			if (gone) {
				throw new Error(
					`n8n exited during startup (exit code ${child?.exitCode}, signal ${child?.signalCode}):\n${tail.slice(-40).join('\n')}`,
				);
			}
			try {
				const res = await fetch(readyUrl);
				const text = await res.text();
				if (
					res.ok &&
					(options.readyUrl || command !== 'start' || text.startsWith('{')) &&
					(!options.isOwnServer || (!!child?.pid && (await options.isOwnServer(child.pid))))
				) {
					return Date.now() - started;
				}
			} catch {
				// not listening yet
			}
			if (Date.now() - started > timeoutMs) {
				throw new Error(`n8n not ready after ${timeoutMs} ms:\n${tail.slice(-40).join('\n')}`);
			}
			await sleep(250);
		}
	};

	const signal = async (sig: NodeJS.Signals, graceMs: number) => {
		const proc = child;
		if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
		const kill = (s: NodeJS.Signals) => {
			try {
				process.kill(-proc.pid!, s); // the whole process group (detached)
			} catch {
				try {
					proc.kill(s);
				} catch {
					// gone
				}
			}
		};
		kill(sig);
		const timer = setTimeout(() => kill('SIGKILL'), graceMs);
		await exited;
		clearTimeout(timer);
		child = undefined;
	};

	const api = new N8nApi(baseUrl);
	const statePath = path.join(userFolder, STATE_FILE);
	const owner = { ...DEFAULT_OWNER, ...options.owner };
	let state: HarnessState | undefined;
	if (fs.existsSync(statePath)) state = JSON.parse(fs.readFileSync(statePath, 'utf8'));

	const login = async () => {
		const creds = state ?? owner;
		const res = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': api.browserId },
			body: JSON.stringify({ emailOrLdapLoginId: creds.email, password: creds.password }),
		});
		const body = await res.text();
		if (!res.ok) throw new N8nApiError('POST', `${baseUrl}/rest/login`, res.status, body);
		const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
		api.cookie = cookies.join('; ');
	};

	const bootstrap = async () => {
		if (!state) {
			const settings = await api.request<{ data: any }>('GET', '/rest/settings');
			const needsSetup = settings?.data?.userManagement?.showSetupOnFirstLoad !== false;
			if (needsSetup) {
				await api.request('POST', '/rest/owner/setup', {
					email: owner.email,
					firstName: owner.firstName,
					lastName: owner.lastName,
					password: owner.password,
				});
			}
			await login();
			let created: { rawApiKey: string };
			try {
				created = await api.rest('POST', '/api-keys', {
					label: `harness-${Date.now()}`,
					expiresAt: null,
					scopes: API_KEY_SCOPES,
				});
			} catch (error) {
				// Older/newer scope lists: retry without the optional execution:delete.
				created = await api.rest('POST', '/api-keys', {
					label: `harness-${Date.now()}`,
					expiresAt: null,
					scopes: API_KEY_SCOPES.filter((s) => s !== 'execution:delete'),
				});
				progress(`API key without execution:delete (${String(error).slice(0, 200)})`);
			}
			state = { email: owner.email, password: owner.password, apiKey: created.rawApiKey };
			fs.writeFileSync(statePath, JSON.stringify(state, null, 2));
		} else {
			await login();
		}
		api.apiKey = state.apiKey;
	};

	// Right after it reports ready, n8n can still answer 503 "Database is not ready!" for a few
	// seconds under load (its DB ping waits for a pooled connection); bootstrap is safe to repeat.
	const whileDatabaseWarmsUp = async (fn: () => Promise<void>) => {
		const deadline = Date.now() + 90_000;
		for (;;) {
			try {
				return await fn();
			} catch (error) {
				if (!(error instanceof N8nApiError && error.status === 503) || Date.now() > deadline) {
					throw error;
				}
				await new Promise((resolve) => setTimeout(resolve, 1000));
			}
		}
	};

	const boot = async () => {
		const started = Date.now();
		spawnN8n();
		try {
			await waitReady();
			if (setup) await whileDatabaseWarmsUp(bootstrap);
		} catch (error) {
			await signal('SIGKILL', 0);
			throw error;
		}
		progress(
			`n8n ${command} ready on ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
		);
	};

	progress(
		`starting n8n ${runtime.n8nVersion} ${command} on ${baseUrl} (user folder ${userFolder})`,
	);
	await boot();

	const instance: N8nInstance = {
		baseUrl,
		port,
		userFolder,
		webhookUrl,
		get apiKey() {
			return state?.apiKey ?? '';
		},
		get owner() {
			return { email: state?.email ?? owner.email, password: state?.password ?? owner.password };
		},
		api,
		runtime,
		logFile,
		get pid() {
			return child?.pid;
		},
		productionWebhookUrl: (webhookId, p = 'webhook') => `${webhookUrl}webhook/${webhookId}/${p}`,
		testWebhookUrl: (webhookId, p = 'webhook') => `${webhookUrl}webhook-test/${webhookId}/${p}`,
		logTail: (lines = 50) => tail.slice(-lines).join('\n'),
		stop: () => signal('SIGTERM', 60_000),
		kill9: () => signal('SIGKILL', 0),
		async destroy() {
			await signal('SIGTERM', 60_000);
			if (ownFolder && !process.env.N8N_KEEP_USER_FOLDER) {
				fs.rmSync(userFolder, { recursive: true, force: true });
			}
		},
		async restart(opts = {}) {
			await (opts.hard ? signal('SIGKILL', 0) : signal('SIGTERM', 60_000));
			await waitPortFree(port);
			await boot();
		},
	};
	return instance;
}

async function waitPortFree(port: number, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const free = await new Promise<boolean>((resolve) => {
			const server = net.createServer();
			server.once('error', () => resolve(false));
			server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
		});
		if (free || Date.now() > deadline) return;
		await sleep(200);
	}
}

export interface MessageMediaCredentialOptions {
	baseUrl: string;
	apiKey: string;
	apiSecret: string;
	authType: 'basic' | 'hmac';
	name?: string;
	subAccount?: string;
}

/** Creates a `messageMediaMessagingApi` credential pointing at `baseUrl` (region 'custom'). */
export function createMessageMediaCredential(
	instance: Pick<N8nInstance, 'api'>,
	opts: MessageMediaCredentialOptions,
): Promise<N8nCredential> {
	return instance.api.createCredential(
		opts.name ?? `MessageMedia (${opts.authType})`,
		CREDENTIAL_TYPE,
		{
			authType: opts.authType,
			apiKey: opts.apiKey,
			apiSecret: opts.apiSecret,
			region: 'custom',
			baseUrl: opts.baseUrl,
			subAccount: opts.subAccount ?? '',
		},
	);
}

export interface ImportedWorkflow {
	file: string;
	id: string;
	name: string;
	workflow: N8nWorkflow & { id: string };
}

/**
 * Creates every examples/*.json workflow through the public API, with every MessageMedia
 * credential reference pointed at `credentialId`. Returns what was created (none if the folder is
 * missing or empty). Workflows are not activated.
 */
export async function importExamples(
	instance: Pick<N8nInstance, 'api'>,
	opts: { credentialId: string; credentialName?: string; dir?: string; activate?: boolean },
): Promise<ImportedWorkflow[]> {
	const dir = opts.dir ?? path.join(REPO_ROOT, 'examples');
	if (!fs.existsSync(dir)) return [];
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort();
	const out: ImportedWorkflow[] = [];
	for (const file of files) {
		const wf = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as N8nWorkflow;
		if (!Array.isArray(wf.nodes)) continue; // not a workflow
		const rewritten = rewriteCredentials(wf, opts.credentialId, opts.credentialName);
		const created = await instance.api.createWorkflow(rewritten);
		if (opts.activate) await instance.api.activate(created.id);
		out.push({ file, id: created.id, name: created.name, workflow: created });
	}
	return out;
}

/** Points every `messageMediaMessagingApi` credential reference of a workflow at the given credential. */
export function rewriteCredentials(
	wf: N8nWorkflow,
	credentialId: string,
	credentialName = 'MessageMedia',
): N8nWorkflow {
	return {
		...wf,
		nodes: wf.nodes.map((node) => {
			if (!node.credentials?.[CREDENTIAL_TYPE]) return node;
			return {
				...node,
				credentials: {
					...node.credentials,
					[CREDENTIAL_TYPE]: { id: credentialId, name: credentialName },
				},
			};
		}),
	};
}
