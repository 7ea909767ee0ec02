/**
 * n8n in queue mode for the end-to-end tests (test/e2e/queue-mode.e2e.test.ts) and by hand:
 *
 *   main process (`n8n start`, REST API, activation; N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true)
 *   2 × `n8n webhook` on their own ports, behind a round-robin HTTP proxy on loopback
 *   2 × `n8n worker --concurrency=N`, each with its own health-check port
 *   PostgreSQL: a fresh database per cluster (dropped at stop())
 *   Redis: a unique QUEUE_BULL_PREFIX / N8N_REDIS_KEY_PREFIX per cluster (keys deleted at stop())
 *
 * Every process gets WEBHOOK_URL = the proxy, so the trigger registers the proxy's URL at
 * MessageMedia and the sandbox sees one URL. Not shipped.
 *
 *   const cluster = await startQueueCluster({ packageDir });
 *   await cluster.main.api.createWorkflow(...);   // main is an N8nInstance (owner + API key)
 *   cluster.proxy.records                        // which webhook process served each request
 *   cluster.executionsByWorker()                 // execution id -> worker index (worker logs)
 *   await cluster.stop();
 */
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { promisify } from 'util';

import { freePort, N8nInstance, startN8n, StartN8nOptions } from './n8n';

const execFileAsync = promisify(execFile);

export interface QueueClusterOptions {
	/** The package to load (built dist/); default the repo root. */
	packageDir?: string;
	install?: StartN8nOptions['install'];
	/** Number of `n8n webhook` processes; default 2. */
	webhooks?: number;
	/** Number of `n8n worker` processes; default 2. */
	workers?: number;
	/** `--concurrency` of each worker; default 5. */
	workerConcurrency?: number;
	postgres?: { host?: string; port?: number; user?: string };
	redis?: { host?: string; port?: number };
	/** Extra env for every process. */
	env?: Record<string, string>;
	logLevel?: StartN8nOptions['logLevel'];
	readyTimeoutMs?: number;
	onProgress?: (message: string) => void;
}

export interface ProxyRecord {
	/** Index of the backend (webhook process) that served the request. */
	backend: number;
	method: string;
	url: string;
	/** Status the backend answered (or 'error'). */
	status: number | 'error';
	/** Status the proxy answered, when it overrode the backend's. */
	overridden?: number;
	/** The request body (first 8 KB). */
	body: string;
	at: number;
}

export interface RoundRobinProxy {
	url: string;
	port: number;
	/** Every request, in the order they arrived. */
	records: ProxyRecord[];
	/** Backend base URLs (http://127.0.0.1:port); can be changed at any time. */
	backends: string[];
	/**
	 * Called after a backend answered: return a status to answer the client instead (the backend
	 * did process the request, but the client sees a failure, e.g. a lost response, and retries).
	 */
	override?: (record: ProxyRecord) => number | undefined;
	close(): Promise<void>;
}

/** A tiny round-robin HTTP proxy on 127.0.0.1 that records which backend served each request. */
export async function startRoundRobinProxy(backends: string[] = []): Promise<RoundRobinProxy> {
	// No keep-alive: a reused socket that n8n closed at the same moment (its keepAliveTimeout) ends
	// in ECONNRESET after the request may have been processed, which the sender would retry.
	const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });
	let next = 0;
	const proxy: RoundRobinProxy = {
		url: '',
		port: 0,
		records: [],
		backends,
		close: async () => {},
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			if (proxy.backends.length === 0) {
				res.writeHead(502).end('no backends');
				return;
			}
			const backend = next++ % proxy.backends.length;
			const target = new URL(req.url ?? '/', proxy.backends[backend]);
			const record: ProxyRecord = {
				backend,
				method: req.method ?? 'GET',
				url: req.url ?? '/',
				status: 'error',
				body: body.subarray(0, 8192).toString(),
				at: Date.now(),
			};
			proxy.records.push(record);
			const headers = { ...req.headers, host: target.host };
			const upstream = http.request(target, { method: req.method, headers, agent }, (up) => {
				record.status = up.statusCode ?? 0;
				const forced = proxy.override?.(record);
				if (forced !== undefined) {
					record.overridden = forced;
					up.resume();
					res.writeHead(forced, { 'content-type': 'text/plain' }).end('overridden by proxy');
					return;
				}
				res.writeHead(up.statusCode ?? 502, up.headers);
				up.pipe(res);
			});
			upstream.on('error', (error) => {
				record.status = 'error';
				if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
				res.end(`proxy: ${String(error)}`);
			});
			upstream.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	proxy.port = (server.address() as net.AddressInfo).port;
	proxy.url = `http://127.0.0.1:${proxy.port}/`;
	proxy.close = () =>
		new Promise<void>((resolve) => {
			agent.destroy();
			server.closeAllConnections?.();
			server.close(() => resolve());
		});
	return proxy;
}

export interface QueueProcess {
	role: 'webhook' | 'worker';
	index: number;
	instance: N8nInstance;
	/** webhook: its own URL (the proxy's backend); worker: its health-check URL. */
	url: string;
}

export interface QueueCluster {
	/** The main process: REST/public API, owner and API key; its webhookUrl is the proxy. */
	main: N8nInstance;
	/** The proxy's URL (with a trailing slash): the WEBHOOK_URL of every process. */
	webhookUrl: string;
	webhooks: QueueProcess[];
	workers: QueueProcess[];
	proxy: RoundRobinProxy;
	/** Unique per cluster: the Redis prefix and the database name suffix. */
	id: string;
	database: string;
	redisPrefix: string;
	/** Every process's log file, by name (main, webhook-0, worker-1, ...). */
	logFiles(): Record<string, string | undefined>;
	/**
	 * Which worker ran each execution, from the workers' logs ("Worker started execution <id>").
	 * Returns execution id -> worker index.
	 */
	executionsByWorker(): Map<string, number>;
	/** Graceful stop of every process, then start main, then the webhook processes and workers. */
	restartAll(): Promise<void>;
	/** Stops everything, drops the database, deletes the Redis keys. Safe to call twice. */
	stop(): Promise<void>;
}

async function psql(
	pg: { host: string; port: number; user: string },
	sql: string,
): Promise<string> {
	const args = ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', 'postgres'];
	const { stdout } = await execFileAsync('psql', [...args, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], {
		env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
		timeout: 60_000,
	});
	return stdout;
}

/** The first of `postgres` / `root` that can log in (trust auth), unless one is given. */
async function postgresUser(host: string, port: number, wanted?: string): Promise<string> {
	const candidates = wanted ? [wanted] : ['postgres', 'root'];
	let last: unknown;
	for (const user of candidates) {
		try {
			await execFileAsync(
				'psql',
				['-h', host, '-p', String(port), '-U', user, '-d', 'postgres', '-Atc', 'select 1'],
				{ timeout: 30_000 },
			);
			return user;
		} catch (error) {
			last = error;
		}
	}
	throw new Error(`cannot connect to PostgreSQL at ${host}:${port}: ${String(last)}`);
}

/** Deletes every Redis key containing `prefix` (SCAN + DEL through redis-cli). Returns the count. */
export async function deleteRedisKeys(host: string, port: number, prefix: string): Promise<number> {
	const { stdout } = await execFileAsync(
		'redis-cli',
		['-h', host, '-p', String(port), '--scan', '--pattern', `*${prefix}*`],
		{ maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
	);
	const keys = stdout.split('\n').filter(Boolean);
	for (let i = 0; i < keys.length; i += 500) {
		await execFileAsync(
			'redis-cli',
			['-h', host, '-p', String(port), 'DEL', ...keys.slice(i, i + 500)],
			{
				timeout: 60_000,
			},
		);
	}
	return keys.length;
}

/** Counts the Redis keys containing `prefix`. */
export async function countRedisKeys(host: string, port: number, prefix: string): Promise<number> {
	const { stdout } = await execFileAsync(
		'redis-cli',
		['-h', host, '-p', String(port), '--scan', '--pattern', `*${prefix}*`],
		{ maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
	);
	return stdout.split('\n').filter(Boolean).length;
}

/** Where a cluster keeps its state: its own database and its own Redis key prefix. */
interface ClusterStores {
	id: string;
	database: string;
	redisPrefix: string;
	pg: { host: string; port: number; user: string };
	redis: { host: string; port: number };
}

/** What a cluster has started so far, so that a failed start stops exactly that. */
interface ClusterParts {
	processes: N8nInstance[];
	main?: N8nInstance;
	webhooks: QueueProcess[];
	workers: QueueProcess[];
	proxy?: RoundRobinProxy;
	databaseCreated: boolean;
}

/** Starts Postgres database, proxy, main, webhook processes and workers (see the file comment). */
export async function startQueueCluster(options: QueueClusterOptions = {}): Promise<QueueCluster> {
	const progress = options.onProgress ?? (() => {});
	const stores = await clusterStores(options);
	const parts: ClusterParts = { processes: [], webhooks: [], workers: [], databaseCreated: false };
	let stopped: Promise<void> | undefined;
	const stop = () => (stopped ??= stopCluster(stores, parts, progress));
	try {
		await psql(stores.pg, `create database "${stores.database}"`);
		parts.databaseCreated = true;
		const proxy = (parts.proxy = await startRoundRobinProxy());
		const base = processOptions(options, proxy.url, progress);
		const env = queueEnvironment(stores, options.env);
		// Main first: it runs the migrations and creates the owner.
		parts.main = await startN8n({
			...base,
			command: 'start',
			env: { ...env, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
		});
		parts.processes.push(parts.main);
		await startWebhooksAndWorkers(options, base, env, parts);
		proxy.backends = parts.webhooks.map((w) => w.url);
		return clusterHandle(stores, { ...parts, main: parts.main, proxy }, stop);
	} catch (error) {
		await stop();
		throw error;
	}
}

/** A fresh id names the database and the Redis prefix; Postgres's user is the first that logs in. */
async function clusterStores(options: QueueClusterOptions): Promise<ClusterStores> {
	const id = randomBytes(5).toString('hex');
	const host = options.postgres?.host ?? '127.0.0.1';
	const port = options.postgres?.port ?? 5432;
	return {
		id,
		database: `n8n_mmq_${id}`,
		redisPrefix: `mmq_${id}`,
		pg: { host, port, user: await postgresUser(host, port, options.postgres?.user) },
		redis: { host: options.redis?.host ?? '127.0.0.1', port: options.redis?.port ?? 6379 },
	};
}

/** What every process of the cluster shares: queue mode on the cluster's database and Redis. */
function queueEnvironment(
	stores: ClusterStores,
	extra: Record<string, string> = {},
): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: stores.redis.host,
		QUEUE_BULL_REDIS_PORT: String(stores.redis.port),
		QUEUE_BULL_PREFIX: stores.redisPrefix,
		// Pub/sub channels and the cache use this one: without it, concurrent clusters would
		// receive each other's commands.
		N8N_REDIS_KEY_PREFIX: stores.redisPrefix,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: stores.pg.host,
		DB_POSTGRESDB_PORT: String(stores.pg.port),
		DB_POSTGRESDB_DATABASE: stores.database,
		DB_POSTGRESDB_USER: stores.pg.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		// 2.41.1 defaults to 3 connections per process and a 5 s ping: on a loaded machine the
		// ping waits for a pooled connection, fails, and the webhook processes answer
		// 503 "Database is not ready!" (measured: 22 of 200 deliveries), which MessageMedia retries.
		DB_POSTGRESDB_POOL_SIZE: '8',
		DB_PING_TIMEOUT_MS: '15000',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '15',
		EXECUTIONS_DATA_PRUNE: 'false',
		...extra,
	};
}

/** startN8n options every process shares; each receives webhooks at the proxy. */
function processOptions(
	options: QueueClusterOptions,
	webhookUrl: string,
	progress: (message: string) => void,
): StartN8nOptions {
	return {
		packageDir: options.packageDir,
		install: options.install ?? 'link',
		webhookUrl,
		log: 'file',
		logLevel: options.logLevel ?? 'info',
		readyTimeoutMs: options.readyTimeoutMs ?? 300_000,
		onProgress: progress,
	};
}

/** Starts every webhook process and worker side by side; fails if any of them fails. */
async function startWebhooksAndWorkers(
	options: QueueClusterOptions,
	base: StartN8nOptions,
	env: Record<string, string>,
	parts: ClusterParts,
): Promise<void> {
	const started = (queueProcess: QueueProcess) => {
		parts.processes.push(queueProcess.instance);
		(queueProcess.role === 'webhook' ? parts.webhooks : parts.workers).push(queueProcess);
	};
	const starts = [
		...Array.from({ length: options.webhooks ?? 2 }, (_, i) =>
			startWebhookProcess(base, env, i).then(started),
		),
		...Array.from({ length: options.workers ?? 2 }, (_, i) =>
			startWorker(base, env, i, options.workerConcurrency ?? 5).then(started),
		),
	];
	const failed = (await Promise.allSettled(starts)).find(
		(r): r is PromiseRejectedResult => r.status === 'rejected',
	);
	if (failed) throw failed.reason;
	parts.webhooks.sort((a, b) => a.index - b.index);
	parts.workers.sort((a, b) => a.index - b.index);
}

async function startWebhookProcess(
	base: StartN8nOptions,
	env: Record<string, string>,
	index: number,
): Promise<QueueProcess> {
	const port = await freePort();
	const instance = await startN8n({ ...base, port, command: 'webhook', env });
	return { role: 'webhook', index, instance, url: instance.baseUrl };
}

/** A worker serves only its health check, on a port of its own. */
async function startWorker(
	base: StartN8nOptions,
	env: Record<string, string>,
	index: number,
	concurrency: number,
): Promise<QueueProcess> {
	const url = `http://127.0.0.1:${await freePort()}`;
	const instance = await startN8n({
		...base,
		command: 'worker',
		args: [`--concurrency=${concurrency}`],
		readyUrl: `${url}/healthz/readiness`,
		env: {
			...env,
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: new URL(url).port,
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		},
	});
	return { role: 'worker', index, instance, url };
}

/** Stops what was started, drops the database and deletes the Redis keys; reports, never throws. */
async function stopCluster(
	stores: ClusterStores,
	parts: ClusterParts,
	progress: (message: string) => void,
): Promise<void> {
	await Promise.all(
		parts.processes.map((p) =>
			p.destroy().catch((error) => progress(`stopping ${p.baseUrl}: ${String(error)}`)),
		),
	);
	await parts.proxy?.close().catch(() => {});
	if (parts.databaseCreated) {
		await psql(stores.pg, `drop database if exists "${stores.database}" with (force)`).catch(
			(error) => progress(`drop database ${stores.database}: ${String(error)}`),
		);
	}
	await deleteRedisKeys(stores.redis.host, stores.redis.port, stores.redisPrefix).catch((error) =>
		progress(`deleting Redis keys ${stores.redisPrefix}: ${String(error)}`),
	);
}

function clusterHandle(
	stores: ClusterStores,
	parts: ClusterParts & { main: N8nInstance; proxy: RoundRobinProxy },
	stop: () => Promise<void>,
): QueueCluster {
	const { main, webhooks, workers, proxy } = parts;
	return {
		main,
		webhookUrl: proxy.url,
		webhooks,
		workers,
		proxy,
		id: stores.id,
		database: stores.database,
		redisPrefix: stores.redisPrefix,
		logFiles() {
			const out: Record<string, string | undefined> = { main: main.logFile };
			for (const w of webhooks) out[`webhook-${w.index}`] = w.instance.logFile;
			for (const w of workers) out[`worker-${w.index}`] = w.instance.logFile;
			return out;
		},
		executionsByWorker() {
			const map = new Map<string, number>();
			for (const w of workers) {
				const file = w.instance.logFile;
				const text =
					file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : w.instance.logTail(400);
				for (const m of text.matchAll(/Worker started execution (\d+)/g)) map.set(m[1], w.index);
			}
			return map;
		},
		async restartAll() {
			const others = [...webhooks, ...workers].map((p) => p.instance);
			await Promise.all(others.map((p) => p.stop()));
			await main.stop();
			await main.restart();
			await Promise.all(others.map((p) => p.restart()));
		},
		stop,
	};
}
