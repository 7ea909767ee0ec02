/** What `npm run bench` measures and how often: the full run, or `--quick`. */
export interface BenchConfig {
	sizes: number[];
	latencies: number[];
	reps: (n: number) => number;
	perItemSample: Record<number, number>;
	retryN: number;
	retryReps: number;
	pagingCount: number;
	handlerIterations: number;
	realSizes: number[];
	realReps: number;
	/** Trigger latency: events per target, one at a time. */
	latencyCount: number;
	/** Trigger rate: events per target and concurrency, `rateReps` times. */
	rateCount: number;
	rateReps: number;
	/** Events per target for n8n's isolate counters. */
	isolateCount: number;
}

export const CONCURRENCY = [1, 8, 32];

export function benchConfig(quick: boolean): BenchConfig {
	return quick
		? {
				sizes: [100, 1000],
				latencies: [0, 50],
				reps: () => 3,
				perItemSample: { 0: 300, 50: 60 },
				retryN: 1000,
				retryReps: 1,
				pagingCount: 1000,
				handlerIterations: 3000,
				realSizes: [100, 1000],
				realReps: 2,
				latencyCount: 15,
				rateCount: 40,
				rateReps: 1,
				isolateCount: 10,
			}
		: {
				sizes: [100, 1000, 10000],
				latencies: [0, 50],
				reps: (n) => (n >= 10000 ? 3 : 4),
				perItemSample: { 0: 400, 50: 100 },
				retryN: 10000,
				retryReps: 2,
				pagingCount: 1000,
				handlerIterations: 20000,
				realSizes: [100, 1000, 10000],
				realReps: 3,
				latencyCount: 30,
				rateCount: 120,
				rateReps: 2,
				isolateCount: 20,
			};
}

const started = Date.now();

export function benchStartedAt(): number {
	return started;
}

export function log(msg: string) {
	console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
}
