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

/** Starts Postgres database, proxy, main, webhook processes and workers (see the file comment). */
export async function startQueueCluster(options: QueueClusterOptions = {}): Promise<QueueCluster> {
	const progress = options.onProgress ?? (() => {});
	const id = randomBytes(5).toString('hex');
	const redisPrefix = `mmq_${id}`;
	const database = `n8n_mmq_${id}`;
	const pgHost = options.postgres?.host ?? '127.0.0.1';
	const pgPort = options.postgres?.port ?? 5432;
	const redisHost = options.redis?.host ?? '127.0.0.1';
	const redisPort = options.redis?.port ?? 6379;
	const pgUser = await postgresUser(pgHost, pgPort, options.postgres?.user);
	const pg = { host: pgHost, port: pgPort, user: pgUser };

	const processes: N8nInstance[] = [];
	let main: N8nInstance | undefined;
	const webhooks: QueueProcess[] = [];
	const workers: QueueProcess[] = [];
	let proxy: RoundRobinProxy | undefined;
	let databaseCreated = false;
	let stopped = false;

	const stop = async () => {
		if (stopped) return;
		stopped = true;
		await Promise.all(
			processes.map((p) =>
				p.destroy().catch((error) => progress(`stopping ${p.baseUrl}: ${String(error)}`)),
			),
		);
		await proxy?.close().catch(() => {});
		if (databaseCreated) {
			await psql(pg, `drop database if exists "${database}" with (force)`).catch((error) =>
				progress(`drop database ${database}: ${String(error)}`),
			);
		}
		await deleteRedisKeys(redisHost, redisPort, redisPrefix).catch((error) =>
			progress(`deleting Redis keys ${redisPrefix}: ${String(error)}`),
		);
	};

	try {
		await psql(pg, `create database "${database}"`);
		databaseCreated = true;
		proxy = await startRoundRobinProxy();
		const encryptionKey = randomBytes(24).toString('hex');
		const common: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redisHost,
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			QUEUE_BULL_PREFIX: redisPrefix,
			// Pub/sub channels and the cache use this one: without it, concurrent clusters would
			// receive each other's commands.
			N8N_REDIS_KEY_PREFIX: redisPrefix,
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: pgHost,
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: pgUser,
			DB_POSTGRESDB_PASSWORD: '',
			N8N_ENCRYPTION_KEY: encryptionKey,
			// 2.41.1 defaults to 3 connections per process and a 5 s ping: on a loaded machine the
			// ping waits for a pooled connection, fails, and the webhook processes answer
			// 503 "Database is not ready!" (measured: 22 of 200 deliveries), which MessageMedia retries.
			DB_POSTGRESDB_POOL_SIZE: '8',
			DB_PING_TIMEOUT_MS: '15000',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '15',
			EXECUTIONS_DATA_PRUNE: 'false',
			...options.env,
		};
		const base: StartN8nOptions = {
			packageDir: options.packageDir,
			install: options.install ?? 'link',
			webhookUrl: proxy.url,
			log: 'file',
			logLevel: options.logLevel ?? 'info',
			readyTimeoutMs: options.readyTimeoutMs ?? 300_000,
			onProgress: progress,
		};
		// Main first: it runs the migrations and creates the owner.
		main = await startN8n({
			...base,
			command: 'start',
			env: { ...common, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
		});
		processes.push(main);
		const starts: Array<Promise<void>> = [];
		for (let i = 0; i < (options.webhooks ?? 2); i++) {
			starts.push(
				(async () => {
					const port = await freePort();
					const instance = await startN8n({ ...base, port, command: 'webhook', env: common });
					processes.push(instance);
					webhooks.push({ role: 'webhook', index: i, instance, url: instance.baseUrl });
				})(),
			);
		}
		for (let i = 0; i < (options.workers ?? 2); i++) {
			starts.push(
				(async () => {
					const healthPort = await freePort();
					const url = `http://127.0.0.1:${healthPort}`;
					const instance = await startN8n({
						...base,
						command: 'worker',
						args: [`--concurrency=${options.workerConcurrency ?? 5}`],
						readyUrl: `${url}/healthz/readiness`,
						env: {
							...common,
							QUEUE_HEALTH_CHECK_ACTIVE: 'true',
							QUEUE_HEALTH_CHECK_PORT: String(healthPort),
							N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
						},
					});
					processes.push(instance);
					workers.push({ role: 'worker', index: i, instance, url });
				})(),
			);
		}
		const results = await Promise.allSettled(starts);
		const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
		if (failed) throw failed.reason;
		webhooks.sort((a, b) => a.index - b.index);
		workers.sort((a, b) => a.index - b.index);
		proxy.backends = webhooks.map((w) => w.url);
	} catch (error) {
		await stop();
		throw error;
	}

	const mainInstance = main;
	const theProxy = proxy;
	return {
		main: mainInstance,
		webhookUrl: theProxy.url,
		webhooks,
		workers,
		proxy: theProxy,
		id,
		database,
		redisPrefix,
		logFiles() {
			const out: Record<string, string | undefined> = { main: mainInstance.logFile };
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
			await mainInstance.stop();
			await mainInstance.restart();
			await Promise.all(others.map((p) => p.restart()));
		},
		stop,
	};
}
