/**
 * The send benchmarks: our execute() directly (batched, per-item, floor), through a real n8n, then
 * paging and 429 retries. Every variant side by side, in rotating order.
 */
import {
	runBatched,
	runFloor,
	runPaging,
	runPerItem,
	runRetry429,
	SEND_PARAMETERS_LITERAL,
	SendRun,
} from './direct';
import { BenchConfig, log } from './config';
import { SandboxProcess } from './env';
import type { BenchResults } from './results';
import { createSendWorkflow, RealEnv, runRealSend } from './real';
import { fmtMs, fmtNum, median, round, summarise, Summary } from './stats';

export interface SendCell {
	n: number;
	latencyMs: number;
	batched: {
		wallMs: Summary;
		requests: number[];
		accepted: number[];
		cpuUsPerMsg: Summary;
		rssMB: Summary;
		heapMB: Summary;
	};
	batchedLiteral?: { wallMs: Summary; cpuUsPerMsg: Summary };
	perItem: {
		wallMs: Summary;
		requests: number;
		measuredItems: number;
		extrapolated: boolean;
		cpuUsPerMsg: Summary;
	};
	floor: { wallMs: Summary; requests: number[]; cpuUsPerMsg: Summary };
	ratios: { batchedOverPerItem: number; perItemOverBatched: number; batchedOverFloor: number };
}

export async function sendBenchmark(
	sandbox: SandboxProcess,
	config: BenchConfig,
): Promise<SendCell[]> {
	const cells: SendCell[] = [];
	// Warm-up (JIT, sockets): not recorded.
	await runBatched(sandbox, 1000, 0);
	await runPerItem(sandbox, 50, 0);
	await runFloor(sandbox, 1000, 0);
	for (const latencyMs of config.latencies) {
		for (const n of config.sizes) {
			const reps = config.reps(n);
			const b: SendRun[] = [];
			const p: SendRun[] = [];
			const f: SendRun[] = [];
			const lit: SendRun[] = [];
			const sample = Math.min(n, config.perItemSample[latencyMs]);
			const perItemReps = sample < n || n >= 1000 ? Math.min(reps, 3) : reps;
			for (let r = 0; r < reps; r++) {
				// Rotate the order so that drift on a shared machine does not favour one variant.
				const order = [0, 1, 2, 3].map((k) => (k + r) % 4);
				for (const v of order) {
					if (v === 0) b.push(await runBatched(sandbox, n, latencyMs));
					if (v === 1 && r < perItemReps) p.push(await runPerItem(sandbox, n, latencyMs, sample));
					if (v === 2) f.push(await runFloor(sandbox, n, latencyMs));
					if (v === 3 && latencyMs === 0)
						lit.push(await runBatched(sandbox, n, latencyMs, SEND_PARAMETERS_LITERAL));
				}
			}
			const scale = n / sample;
			const bw = summarise(b.map((x) => x.wallMs));
			const pw = summarise(p.map((x) => x.wallMs * scale));
			const fw = summarise(f.map((x) => x.wallMs));
			const cell: SendCell = {
				n,
				latencyMs,
				batched: {
					wallMs: bw,
					requests: b.map((x) => x.requests),
					accepted: b.map((x) => x.accepted - x.errors),
					cpuUsPerMsg: summarise(b.map((x) => x.cpuUs / n)),
					rssMB: summarise(b.map((x) => x.memory.rssMB)),
					heapMB: summarise(b.map((x) => x.memory.heapMB)),
				},
				batchedLiteral: lit.length
					? {
							wallMs: summarise(lit.map((x) => x.wallMs)),
							cpuUsPerMsg: summarise(lit.map((x) => x.cpuUs / n)),
						}
					: undefined,
				perItem: {
					wallMs: pw,
					requests: Math.round(median(p.map((x) => x.requests)) * scale),
					measuredItems: sample,
					extrapolated: sample < n,
					cpuUsPerMsg: summarise(p.map((x) => x.cpuUs / x.measuredItems)),
				},
				floor: {
					wallMs: fw,
					requests: f.map((x) => x.requests),
					cpuUsPerMsg: summarise(f.map((x) => x.cpuUs / n)),
				},
				ratios: {
					batchedOverPerItem: round(bw.median / pw.median, 4),
					perItemOverBatched: round(pw.median / bw.median, 1),
					batchedOverFloor: round(bw.median / fw.median, 2),
				},
			};
			cells.push(cell);
			log(
				`send N=${n} @${latencyMs} ms: batched ${fmtMs(bw)} (${cell.batched.requests[0]} req, ` +
					`${fmtNum(cell.batched.cpuUsPerMsg.median)} µs CPU/msg), per-item ${fmtMs(pw)}` +
					`${cell.perItem.extrapolated ? ` (from ${sample})` : ''}, floor ${fmtMs(fw)}; ` +
					`per-item/batched ${cell.ratios.perItemOverBatched}×, batched/floor ${cell.ratios.batchedOverFloor}×`,
			);
		}
	}
	return cells;
}

export async function realSendBenchmark(
	env: RealEnv,
	sandbox: SandboxProcess,
	config: BenchConfig,
) {
	const wf = await createSendWorkflow(env);
	await runRealSend(env, sandbox, wf, 100, 0); // warm-up
	const cells = [];
	for (const latencyMs of config.latencies) {
		for (const n of config.realSizes) {
			const runs = [];
			for (let r = 0; r < config.realReps; r++) {
				runs.push(await runRealSend(env, sandbox, wf, n, latencyMs));
			}
			const cell = {
				n,
				latencyMs,
				statuses: runs.map((x) => x.status),
				requests: runs.map((x) => x.requests),
				accepted: runs.map((x) => x.accepted),
				endToEndMs: summarise(runs.map((x) => x.endToEndMs)),
				executionMs: summarise(runs.map((x) => x.executionMs)),
				sendNodeMs: summarise(runs.map((x) => x.sendNodeMs)),
				splitOutMs: summarise(runs.map((x) => x.splitOutMs)),
			};
			cells.push(cell);
			log(
				`n8n send N=${n} @${latencyMs} ms: execution ${fmtMs(cell.executionMs)}, Send node ${fmtMs(cell.sendNodeMs)}, ` +
					`POST→stopped ${fmtMs(cell.endToEndMs)}, requests ${cell.requests.join('/')}`,
			);
		}
	}
	return cells;
}

export async function sendAndPaging(
	results: BenchResults,
	sandbox: SandboxProcess,
	config: BenchConfig,
) {
	results.send = await sendBenchmark(sandbox, config);
	log('paging');
	const paging = await runPaging(sandbox, config.pagingCount);
	results.paging = paging;
	log(
		`paging: webhooks ${paging.webhooks.returned} in ${paging.webhooks.requests} requests; replies ${paging.replies.returned} in ${paging.replies.requests}`,
	);
	const retry: NonNullable<BenchResults['retry']> = [];
	results.retry = retry;
	for (let r = 0; r < config.retryReps; r++) {
		const rr = await runRetry429(sandbox, config.retryN);
		retry.push(rr);
		log(
			`429: N=${rr.n} ${fmtNum(rr.wallMs / 1000)} s, ${rr.requests} requests (${rr.responses429}×429), ${rr.accepted} accepted, ${rr.distinctContents} distinct`,
		);
	}
}
