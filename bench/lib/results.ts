/** The benchmark results object (bench/results/latest.json): what run.ts collects, report.ts reads. */
import type { BenchConfig } from './config';
import type { runPaging, runRetry429 } from './direct';
import type { realSendBenchmark, SendCell } from './send-bench';
import type { SendOnceResults } from './send-once-bench';
import type { TriggerRun } from './trigger-bench';
import type { ClassifierRun } from './classifier-bench';

export interface HandlerResult {
	iterations: number;
	emitted: number;
	medianUs: number;
	p90Us: number;
	p99Us: number;
	cpuUsPerCall: number;
	/** The handler's median as a share of the trigger's median end-to-end latency. */
	shareOfLatency?: number;
}

export interface BenchTarget {
	target: string;
	measured: string;
	met: boolean;
}

export interface BenchResults {
	mode: string;
	startedAt: string;
	machine: {
		cpus: number;
		cpuModel: string | undefined;
		node: string;
		loadAverageAtStart: number[];
	};
	config: Omit<BenchConfig, 'reps'> & { reps: number[][] };
	sendMeasuredAt?: string;
	send?: SendCell[];
	paging?: Awaited<ReturnType<typeof runPaging>>;
	retry?: Array<Awaited<ReturnType<typeof runRetry429>>>;
	realSend?: Awaited<ReturnType<typeof realSendBenchmark>>;
	sendOnce?: SendOnceResults;
	handler?: HandlerResult;
	classifier?: ClassifierRun[];
	n8nStartupMs?: number;
	triggerRuns?: TriggerRun[];
	targets?: BenchTarget[];
	finishedAt?: string;
	durationS?: number;
}
