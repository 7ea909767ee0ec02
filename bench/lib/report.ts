/** bench/results/latest.md from the results: tables, and the targets each figure is held to. */
import { BenchConfig } from './config';
import type { BenchResults, BenchTarget } from './results';
import { SendCell } from './send-bench';
import { fmtMs, fmtNum, round } from './stats';
import { triggerMarkdown, triggerTargets } from './trigger-report';

/** One part of the report: its lines, or none when the run did not measure it. */
type Section = (results: BenchResults) => string[];

/** The report's parts in order; a new benchmark adds its own section here. */
const SECTIONS: Section[] = [
	header,
	sendSection,
	realSendSection,
	(results) => {
		const lines: string[] = [];
		triggerMarkdown(results, lines);
		return lines;
	},
	handlerSection,
	pagingSection,
	retrySection,
	targetsSection,
];

export function markdown(results: BenchResults): string {
	return SECTIONS.flatMap((section) => section(results)).join('\n');
}

/** A markdown table, then a blank line. */
function table(head: string[], rows: Array<Array<string | number>>): string[] {
	const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
	return [line(head), line(head.map(() => '---')), ...rows.map(line), ''];
}

function header(results: BenchResults): string[] {
	const { machine } = results;
	return [
		`# Benchmark results (${results.mode})`,
		'',
		`${results.finishedAt} · ${machine.cpus}× ${machine.cpuModel} · load average at start ${machine.loadAverageAtStart.join(', ')} · node ${machine.node}. Medians (± half the min–max spread as % of the median). See [bench/README.md](../README.md) for method and findings.`,
		'',
	];
}

function sendSection(results: BenchResults): string[] {
	const rows = (results.send as SendCell[]).map((c) => [
		c.n.toLocaleString('en-US'),
		`${c.latencyMs} ms`,
		fmtMs(c.batched.wallMs),
		`${[...new Set(c.batched.requests)].join('/')} (⌈N/100⌉ = ${Math.ceil(c.n / 100)})`,
		`${fmtMs(c.perItem.wallMs)}${c.perItem.extrapolated ? ` ᵉ (${c.perItem.measuredItems} measured)` : ''}`,
		fmtMs(c.floor.wallMs),
		`${c.ratios.perItemOverBatched}×`,
		`${c.ratios.batchedOverFloor}×`,
		`${fmtNum(c.batched.cpuUsPerMsg.median)} µs`,
		c.batchedLiteral ? `${fmtNum(c.batchedLiteral.cpuUsPerMsg.median)} µs` : '–',
		`${fmtNum(c.floor.cpuUsPerMsg.median)} µs`,
		`${fmtNum(c.batched.rssMB.max)} / ${fmtNum(c.batched.heapMB.max)} MB`,
	]);
	return [
		"## 1. Send throughput, direct (our execute in n8n-core's ExecuteContext)",
		'',
		...table(
			[
				'N',
				'latency',
				'batched',
				'requests (batched)',
				'per-item',
				'floor',
				'per-item ÷ batched',
				'batched ÷ floor',
				'CPU/msg batched',
				'CPU/msg literal params',
				'CPU/msg floor',
				'peak RSS / heap growth',
			],
			rows,
		),
		'ᵉ extrapolated linearly from the measured prefix (per-item requests are sequential, so time is linear in N).',
		'',
	];
}

function realSendSection(results: BenchResults): string[] {
	if (!results.realSend) return [];
	const rows = results.realSend.map((c) => {
		const direct = (results.send as SendCell[]).find(
			(s) => s.n === c.n && s.latencyMs === c.latencyMs,
		);
		return [
			c.n.toLocaleString('en-US'),
			`${c.latencyMs} ms`,
			fmtMs(c.executionMs),
			fmtMs(c.sendNodeMs),
			fmtMs(c.splitOutMs),
			fmtMs(c.endToEndMs),
			[...new Set(c.requests)].join('/'),
			direct ? fmtMs(direct.batched.wallMs) : '–',
			direct ? `${round(c.sendNodeMs.median / direct.batched.wallMs.median, 2)}×` : '–',
		];
	});
	return [
		'## 1b. Send throughput through the real n8n (Webhook → Split Out → MessageMedia Send)',
		'',
		...table(
			[
				'N',
				'latency',
				'execution (startedAt→stoppedAt)',
				'Send node (runData executionTime)',
				'Split Out',
				'POST → stopped',
				'requests',
				'direct batched (same N)',
				'n8n overhead on Send',
			],
			rows,
		),
	];
}

function handlerSection(results: BenchResults): string[] {
	const h = results.handler;
	if (!h) return [];
	return [
		`Our \`webhook()\` in-process (${h.iterations.toLocaleString('en-US')} calls, webhookContext): median **${fmtNum(h.medianUs)} µs**, p90 ${fmtNum(h.p90Us)} µs, p99 ${fmtNum(h.p99Us)} µs; CPU ${fmtNum(h.cpuUsPerCall)} µs/call including context construction.${h.shareOfLatency !== undefined ? ` Share of the trigger's median end-to-end latency: **${(h.shareOfLatency * 100).toFixed(2)}%**.` : ''}`,
		'',
	];
}

function pagingSection(results: BenchResults): string[] {
	const p = results.paging;
	if (!p) return [];
	return [
		`## 3. Paging (${p.count.toLocaleString('en-US')} replies, ${p.count.toLocaleString('en-US')} webhooks)`,
		'',
		...table(
			['Get Many', 'items returned', 'requests', 'minimum', 'time'],
			[
				[
					'Webhooks (page_size 100)',
					p.webhooks.returned,
					p.webhooks.requests,
					`${p.webhooks.minimum} if the total were known; ${p.webhooks.minimumWithoutTotal} without it (the API gives no total)`,
					`${fmtNum(p.webhooks.wallMs)} ms`,
				],
				[
					'Replies (not paged)',
					p.replies.returned,
					p.replies.requests,
					`1 GET returns the oldest 100 unconfirmed; reading all ${p.count} needs ${p.replies.minimumToReadAll.gets} GETs + ${p.replies.minimumToReadAll.confirms} confirms`,
					`${fmtNum(p.replies.wallMs)} ms`,
				],
			],
		),
	];
}

function retrySection(results: BenchResults): string[] {
	if (!results.retry) return [];
	return [
		'## 4. Retry under 429 (20% of POST /v1/messages answer 429, Retry-After: 1)',
		'',
		...table(
			[
				'N',
				'time',
				'POST requests',
				'429s',
				'202s',
				'accepted',
				'distinct messages',
				'failed items',
			],
			results.retry.map((r) => [
				r.n.toLocaleString('en-US'),
				`${fmtNum(r.wallMs / 1000)} s`,
				r.requests,
				r.responses429,
				r.responses202,
				r.accepted,
				r.distinctContents,
				r.failure ? `run failed: ${r.failure}` : r.errors,
			]),
		),
	];
}

function targetsSection(results: BenchResults): string[] {
	if (!results.targets) return [];
	return [
		'## Targets',
		'',
		...table(
			['target', 'measured', 'met?'],
			results.targets.map((x) => [x.target, x.measured, x.met ? 'yes' : '**no**']),
		),
	];
}

export function targets(results: BenchResults, config: BenchConfig) {
	const out: BenchTarget[] = [];
	const send = results.send as SendCell[];
	const exact = send.every((c) => c.batched.requests.every((r) => r === Math.ceil(c.n / 100)));
	out.push({
		target: 'batched requests = ⌈N/100⌉',
		measured: send.map((c) => `${c.n}: ${[...new Set(c.batched.requests)].join('/')}`).join(', '),
		met: exact,
	});
	const big = send.filter((c) => c.latencyMs === 50).sort((a, b) => b.n - a.n)[0];
	if (big) {
		out.push({
			target: `batched ≥ 50× faster than per-item (50 ms, N=${big.n})`,
			measured: `${big.ratios.perItemOverBatched}×`,
			met: big.ratios.perItemOverBatched >= 50,
		});
		out.push({
			target: `batched within 1.1× of the floor (50 ms, N=${big.n})`,
			measured: `${big.ratios.batchedOverFloor}×`,
			met: big.ratios.batchedOverFloor <= 1.1,
		});
	}
	const largest = send.filter((c) => c.latencyMs === 0).sort((a, b) => b.n - a.n)[0];
	out.push({
		target: `node CPU/message ≤ 20 µs (N=${largest.n}, 0 ms)`,
		measured: `${fmtNum(largest.batched.cpuUsPerMsg.median)} µs with expressions; ${largest.batchedLiteral ? fmtNum(largest.batchedLiteral.cpuUsPerMsg.median) : '–'} µs with literal parameters; raw floor ${fmtNum(largest.floor.cpuUsPerMsg.median)} µs`,
		met: largest.batched.cpuUsPerMsg.median <= 20,
	});
	const mem = send.filter((c) => c.n === Math.max(...config.sizes));
	const peak = Math.max(
		...mem.map((c) => c.batched.rssMB.max),
		...mem.map((c) => c.batched.heapMB.max),
	);
	out.push({
		target: `peak memory growth ≤ 50 MB (N=${Math.max(...config.sizes)})`,
		measured: `${fmtNum(peak)} MB (max of RSS and heap growth)`,
		met: peak <= 50,
	});
	out.push(...triggerTargets(results));
	if (results.retry) {
		for (const r of results.retry) {
			out.push({
				target: `429 run: exactly ${r.n} distinct messages accepted`,
				measured: `${r.accepted} accepted, ${r.distinctContents} distinct`,
				met: r.accepted === r.n && r.distinctContents === r.n,
			});
		}
	}
	return out;
}
