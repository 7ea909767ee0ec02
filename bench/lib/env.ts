/** Process helpers for the benchmarks: the sandbox child, garbage collection, memory sampling. */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';
import * as v8 from 'v8';
import * as vm from 'vm';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function sleep(ms: number) {
	return new Promise((r) => setTimeout(r, ms));
}

export const BASIC_KEY = 'demo-basic-key';
export const BASIC_SECRET = 'demo-basic-secret';
export const BASIC_AUTH = `Basic ${Buffer.from(`${BASIC_KEY}:${BASIC_SECRET}`).toString('base64')}`;

/** GET /_sandbox/counters (sandbox/routes/control.ts). */
export interface SandboxCounters {
	requests: Record<string, number>;
	responses: Record<string, number>;
	messagesAccepted: number;
	uniqueContents: number;
	webhookDeliveries: unknown;
	callbackDeliveries: unknown;
	pendingJobs: number;
}

/** A sandbox running in a separate child process; its CPU is not ours. */
export interface SandboxProcess {
	url: string;
	pid: number;
	control<T = unknown>(method: string, p: string, body?: unknown): Promise<T>;
	reset(): Promise<void>;
	/** Resets, then sets a fault set (e.g. latency) and pushes DRs an hour out. */
	prepare(faults?: Record<string, unknown>): Promise<void>;
	counters(): Promise<SandboxCounters>;
	close(): Promise<void>;
}

export async function startSandboxProcess(): Promise<SandboxProcess> {
	const child: ChildProcess = spawn(
		process.execPath,
		['--import', 'tsx', path.join(__dirname, '..', 'sandbox-child.ts')],
		{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const url = await new Promise<string>((resolve, reject) => {
		const rl = readline.createInterface({ input: child.stdout! });
		const timer = setTimeout(
			() => reject(new Error('sandbox child did not start in 60 s')),
			60_000,
		);
		rl.once('line', (line) => {
			clearTimeout(timer);
			resolve((JSON.parse(line) as { url: string }).url);
		});
		child.once('exit', (code) => reject(new Error(`sandbox child exited (${code})`)));
	});
	const control = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
		const res = await fetch(`${url}${p}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	};
	const sandbox: SandboxProcess = {
		url,
		pid: child.pid!,
		control,
		async reset() {
			await control('POST', '/_sandbox/reset');
		},
		async prepare(faults) {
			await control('POST', '/_sandbox/reset');
			await control('POST', '/_sandbox/config', { drIntervalMs: 3_600_000 });
			if (faults) await control('POST', '/_sandbox/faults', faults);
		},
		counters: () => control<SandboxCounters>('GET', '/_sandbox/counters'),
		async close() {
			if (child.exitCode !== null) return;
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await Promise.race([exited, sleep(5_000)]);
			if (child.exitCode === null) child.kill('SIGKILL');
		},
	};
	return sandbox;
}

let gcFn: (() => void) | undefined;
/** Full GC without --expose-gc on the command line (npm run bench runs plain tsx). */
export function gc() {
	if (!gcFn) {
		v8.setFlagsFromString('--expose-gc');
		gcFn = vm.runInNewContext('gc') as () => void;
	}
	gcFn();
	gcFn();
}

/**
 * Samples rss and heapUsed every `everyMs` while a measurement runs. `stop()` returns the peak
 * growth over the baseline taken (after a full GC) at start, in MB.
 */
export function memorySampler(everyMs = 20) {
	gc();
	const base = process.memoryUsage();
	let peakRss = base.rss;
	let peakHeap = base.heapUsed;
	const sample = () => {
		const m = process.memoryUsage();
		if (m.rss > peakRss) peakRss = m.rss;
		if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
	};
	const timer = setInterval(sample, everyMs);
	timer.unref();
	return {
		stop() {
			sample();
			clearInterval(timer);
			return {
				rssMB: (peakRss - base.rss) / 1048576,
				heapMB: (peakHeap - base.heapUsed) / 1048576,
			};
		},
	};
}

/** Measures wall time, this process's CPU (user+system) and peak memory growth of `fn`. */
export async function measure<T>(fn: () => Promise<T>) {
	const mem = memorySampler();
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const result = await fn();
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	const memory = mem.stop();
	return { result, wallMs, cpuUs: cpu.user + cpu.system, memory };
}
