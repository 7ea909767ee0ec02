/**
 * Starts and drives a real n8n (installed by ./install.ts: 2.41.1 by default, or the pinned 1.x)
 * with this package loaded as a community package. Used by the end-to-end tests (test/e2e), the
 * benchmarks and `npm start`. Not shipped: it may use child_process, fs, timers and the
 * environment freely.
 *
 *   const n8n = await startN8n({ install: 'pack' });
 *   const cred = await createMessageMediaCredential(n8n, { baseUrl, apiKey, apiSecret, authType: 'basic' });
 *   const wf = await n8n.api.createWorkflow({ name, nodes, connections });
 *   await n8n.api.activate(wf.id);
 *   await n8n.api.waitForWebhook(n8n.productionWebhookUrl(webhookId));
 *   await n8n.stop();
 *
 * The steps live in their own files: install.ts (the runtime), stage.ts (the package in the user
 * folder), process.ts (environment, spawn, ready, stop), owner.ts (owner, login, API key), api.ts
 * (the client), messagemedia.ts (credential, examples). This file puts them in order.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { N8nApi } from './api';
import { ensureRuntime, N8nLine, N8nRuntime, selectedLine } from './install';
import { PACKAGE_NAME, REPO_ROOT } from './messagemedia';
import {
	DEFAULT_OWNER,
	HarnessState,
	readHarnessState,
	setUpOwner,
	whileDatabaseWarmsUp,
} from './owner';
import { freePort, waitPortFree } from './ports';
import { n8nEnvironment, N8nProcess } from './process';
import { stagePackage } from './stage';

export * from './api';
export { mapLimit, pollUntil, sleep } from './async';
export { http } from './http';
export type { HttpResult } from './http';
export { describeRuntime, ensureRuntime, selectedLine } from './install';
export type { N8nLine, N8nRuntime } from './install';
export * from './messagemedia';
export * from './scriptedModel';
export { API_KEY_SCOPES } from './owner';
export { freePort } from './ports';
export * from './workflows';

export interface StartN8nOptions {
	/**
	 * The pinned n8n version line to run ('2.x': n8n 2.41.1, '1.x': n8n 1.123.81; see install.ts).
	 * Default: N8N_VERSION_LINE, else '2.x'.
	 */
	line?: N8nLine;
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

/** Where an n8n runs: its port, its URLs and its user folder (and whether startN8n created it). */
interface Site {
	port: number;
	baseUrl: string;
	/** With a trailing slash. */
	webhookUrl: string;
	userFolder: string;
	ownFolder: boolean;
}

/** Installs the runtime if needed, then starts n8n with the package loaded and an owner + API key. */
export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance> {
	const progress = options.onProgress ?? (() => {});
	const runtime = await ensureRuntime(options.line ?? selectedLine());
	const site = await siteFor(options);
	const install = options.install ?? 'link';
	if (install !== 'none') {
		progress(`staging ${PACKAGE_NAME} (${install}) in ${site.userFolder}/.n8n/nodes`);
		await stagePackage(options.packageDir ?? REPO_ROOT, site.userFolder, install, runtime);
	}
	const n8n = await n8nProcess(options, runtime, site);
	const api = new N8nApi(site.baseUrl, '', runtime.line);
	const owner = { ...DEFAULT_OWNER, ...options.owner };
	let state = readHarnessState(site.userFolder);
	const boot = async () => {
		state = (await bootN8n(n8n, api, owner, options, site, progress)) ?? state;
	};

	progress(
		`starting n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion} ` +
			`(${runtime.warm ? 'warm: already installed' : 'just installed'}) ${options.command ?? 'start'} ` +
			`on ${site.baseUrl} (user folder ${site.userFolder})`,
	);
	await boot();
	return instanceHandle({ site, n8n, api, runtime, boot, owner, state: () => state });
}

async function siteFor(options: StartN8nOptions): Promise<Site> {
	const port = options.port ?? (await freePort());
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-mm-user-'));
	fs.mkdirSync(userFolder, { recursive: true });
	const baseUrl = `http://127.0.0.1:${port}`;
	const webhookUrl = options.webhookUrl ?? `${baseUrl}/`;
	return {
		port,
		baseUrl,
		webhookUrl: webhookUrl.endsWith('/') ? webhookUrl : `${webhookUrl}/`,
		userFolder,
		ownFolder: !options.userFolder,
	};
}

async function n8nProcess(
	options: StartN8nOptions,
	runtime: N8nRuntime,
	site: Site,
): Promise<N8nProcess> {
	const logMode = options.log ?? 'file';
	return new N8nProcess({
		runtime,
		command: options.command ?? 'start',
		args: options.args ?? [],
		cwd: site.userFolder,
		env: await n8nEnvironment({
			runtime,
			userFolder: site.userFolder,
			port: site.port,
			baseUrl: site.baseUrl,
			webhookUrl: site.webhookUrl,
			logLevel: options.logLevel ?? 'info',
			extra: options.env,
		}),
		logMode,
		logFile: logMode === 'file' ? path.join(site.userFolder, 'n8n.log') : undefined,
	});
}

/**
 * Spawns n8n and waits until it is ready, then sets up the owner when asked (what `start` serves).
 * Returns the owner's login and API key when it set them up; kills n8n if any step fails.
 */
async function bootN8n(
	n8n: N8nProcess,
	api: N8nApi,
	owner: typeof DEFAULT_OWNER,
	options: StartN8nOptions,
	site: Site,
	progress: (message: string) => void,
): Promise<HarnessState | undefined> {
	const command = options.command ?? 'start';
	const started = Date.now();
	n8n.spawn();
	let state: HarnessState | undefined;
	try {
		await n8n.waitReady(
			options.readyUrl ??
				(command === 'start'
					? `${site.baseUrl}/rest/settings`
					: `${site.baseUrl}/healthz/readiness`),
			{
				timeoutMs: options.readyTimeoutMs ?? 300_000,
				json: !options.readyUrl && command === 'start',
			},
		);
		if (options.setup ?? command === 'start') {
			state = await whileDatabaseWarmsUp(() => setUpOwner(api, site.userFolder, owner, progress));
		}
	} catch (error) {
		await n8n.signal('SIGKILL', 0);
		throw error;
	}
	progress(
		`n8n ${command} ready on ${site.baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
	);
	return state;
}

function instanceHandle(o: {
	site: Site;
	n8n: N8nProcess;
	api: N8nApi;
	runtime: N8nRuntime;
	boot: () => Promise<void>;
	owner: typeof DEFAULT_OWNER;
	state: () => HarnessState | undefined;
}): N8nInstance {
	const { site, n8n, boot, owner, state } = o;
	const { webhookUrl } = site;
	return {
		baseUrl: site.baseUrl,
		port: site.port,
		userFolder: site.userFolder,
		webhookUrl,
		get apiKey() {
			return state()?.apiKey ?? '';
		},
		get owner() {
			return {
				email: state()?.email ?? owner.email,
				password: state()?.password ?? owner.password,
			};
		},
		api: o.api,
		runtime: o.runtime,
		logFile: n8n.logFile,
		get pid() {
			return n8n.pid;
		},
		productionWebhookUrl: (webhookId, p = 'webhook') => `${webhookUrl}webhook/${webhookId}/${p}`,
		testWebhookUrl: (webhookId, p = 'webhook') => `${webhookUrl}webhook-test/${webhookId}/${p}`,
		logTail: (lines = 50) => n8n.logTail(lines),
		stop: () => n8n.signal('SIGTERM', 60_000),
		kill9: () => n8n.signal('SIGKILL', 0),
		async destroy() {
			await n8n.signal('SIGTERM', 60_000);
			if (site.ownFolder && !process.env.N8N_KEEP_USER_FOLDER) {
				fs.rmSync(site.userFolder, { recursive: true, force: true });
			}
		},
		async restart(opts = {}) {
			await (opts.hard ? n8n.signal('SIGKILL', 0) : n8n.signal('SIGTERM', 60_000));
			await waitPortFree(site.port);
			await boot();
		},
	};
}
