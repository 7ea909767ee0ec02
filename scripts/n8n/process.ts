/**
 * One n8n process: the environment it runs with, spawning it in its own process group, keeping
 * the tail of its output, waiting until it is ready, and stopping it (gracefully or not).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { sleep } from './async';
import type { N8nRuntime } from './install';
import { freePort } from './ports';

const TAIL_LINES = 400;

/** The environment n8n runs with: isolated user folder and port, nothing that calls home. */
export async function n8nEnvironment(opts: {
	runtime: N8nRuntime;
	userFolder: string;
	port: number;
	baseUrl: string;
	webhookUrl: string;
	logLevel: string;
	extra?: Record<string, string>;
}): Promise<NodeJS.ProcessEnv> {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PATH: `${path.join(opts.runtime.nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: opts.userFolder,
		N8N_PORT: String(opts.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${opts.baseUrl}/`,
		WEBHOOK_URL: opts.webhookUrl,
		N8N_WEBHOOK_URL: opts.webhookUrl, // 2.41 deprecates WEBHOOK_URL in favour of this one
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
		N8N_LOG_LEVEL: opts.logLevel,
		N8N_LOG_OUTPUT: 'console',
		DB_TYPE: 'sqlite',
		...opts.extra,
	};
	// The harness's own npm/jest/tsx variables must not leak into n8n.
	for (const key of Object.keys(env)) {
		if (key.startsWith('npm_') || key === 'NODE_OPTIONS' || key === 'TS_NODE_PROJECT')
			delete env[key];
		if (key === 'JEST_WORKER_ID' || key === 'NODE_ENV') delete env[key];
	}
	if (opts.extra?.NODE_ENV) env.NODE_ENV = opts.extra.NODE_ENV;
	return env;
}

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

export interface N8nProcessOptions {
	runtime: N8nRuntime;
	/** The n8n subcommand and its extra arguments. */
	command: string;
	args: string[];
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** 'file' appends to logFile; 'inherit' also writes to our stdout/stderr; 'silent' keeps the tail only. */
	logMode: 'inherit' | 'file' | 'silent';
	logFile?: string;
}

/** A restartable n8n process (same command, environment and log each time). */
export class N8nProcess {
	private readonly tail: string[] = [];
	private child: ChildProcess | undefined;
	private exited: Promise<void> = Promise.resolve();

	constructor(private readonly opts: N8nProcessOptions) {}

	get logFile(): string | undefined {
		return this.opts.logFile;
	}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	logTail(lines = 50): string {
		return this.tail.slice(-lines).join('\n');
	}

	spawn(): void {
		const { opts, tail } = this;
		const logStream = opts.logFile ? fs.createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
		const proc = spawn(opts.runtime.nodeBin, [opts.runtime.n8nBin, opts.command, ...opts.args], {
			cwd: opts.cwd,
			env: opts.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		live.add(proc);
		const onData = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
			logStream?.write(chunk);
			if (opts.logMode === 'inherit') stream.write(chunk);
			for (const line of chunk.toString().split('\n')) {
				if (line.trim()) tail.push(line);
			}
			if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
		};
		proc.stdout!.on('data', onData(process.stdout));
		proc.stderr!.on('data', onData(process.stderr));
		this.exited = new Promise<void>((resolve) => {
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
		this.child = proc;
	}

	/**
	 * Polls `url` until it answers 2xx (and, when `json` is set, with a JSON body: n8n's REST API
	 * answers "n8n is starting up" as text before it is ready). Throws if n8n exits or at the
	 * timeout, with the tail of its output. Returns the milliseconds waited.
	 */
	async waitReady(url: string, opts: { timeoutMs: number; json: boolean }): Promise<number> {
		const started = Date.now();
		let gone = false;
		void this.exited.then(() => (gone = true));
		for (;;) {
			if (gone) {
				throw new Error(
					`n8n exited during startup (exit code ${this.child?.exitCode}, signal ` +
						`${this.child?.signalCode}):\n${this.logTail(40)}`,
				);
			}
			try {
				const res = await fetch(url);
				const text = await res.text();
				if (res.ok && (!opts.json || text.startsWith('{'))) return Date.now() - started;
			} catch {
				// not listening yet
			}
			if (Date.now() - started > opts.timeoutMs) {
				throw new Error(`n8n not ready after ${opts.timeoutMs} ms:\n${this.logTail(40)}`);
			}
			await sleep(250);
		}
	}

	/** Sends `sig` to the whole process group, SIGKILL after `graceMs`; resolves once it exited. */
	async signal(sig: NodeJS.Signals, graceMs: number): Promise<void> {
		const proc = this.child;
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
		await this.exited;
		clearTimeout(timer);
		this.child = undefined;
	}
}
