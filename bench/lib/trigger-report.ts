/** The trigger sections of bench/results/latest.md and the trigger's targets. */
import { CONCURRENCY } from './config';
import { fmtMs, fmtNum } from './stats';
import { TriggerRun } from './trigger-bench';
import { TARGET_LABELS, TargetKey } from './trigger-peers';

function perEvent(v: number | undefined): string {
	return v === undefined ? '–' : fmtNum(v);
}

export function triggerMarkdown(results: { triggerRuns?: TriggerRun[] }, L: string[]) {
	if (!results.triggerRuns?.length) return;
	const t = (cells: (string | number)[]) => L.push(`| ${cells.join(' | ')} |`);
	L.push("## 2. Trigger beside n8n's own triggers (same instance, measured side by side)");
	L.push('');
	L.push(
		'One n8n instance per setting; on each, every target receives the same delivery (the Form ' +
			'Trigger the same text as a form field). Isolates and expressions per event are deltas of ' +
			"n8n's own counters (`/metrics`) over the webhook and the execution phase together.",
	);
	L.push('');
	for (const run of results.triggerRuns) {
		L.push(`### ${run.label}`);
		L.push('');
		t([
			'target',
			'POST → execution stopped',
			'p90',
			'HTTP response',
			`rate c = ${CONCURRENCY.join(' / ')} (events/s)`,
			'isolates taken / event',
			'expressions in the engine / event',
		]);
		t(Array(7).fill('---'));
		for (const [key, x] of Object.entries(run.targets)) {
			if (!x) continue;
			t([
				TARGET_LABELS[key as TargetKey],
				fmtMs(x.latencyMs),
				`${x.p90LatencyMs} ms`,
				fmtMs(x.httpMs),
				x.rate.map((s) => `${fmtNum(s.median)} (±${Math.round(s.spread * 50)}%)`).join(' / '),
				perEvent(x.isolates?.acquiredPerEvent),
				perEvent(x.isolates?.evaluationsPerEvent),
			]);
		}
		L.push('');
		t([
			'ours ÷ peer',
			'latency (goal ≤ 1.05)',
			`rate c = ${CONCURRENCY.join(' / ')} (goal ≥ 0.95)`,
		]);
		t(Array(3).fill('---'));
		for (const r of run.ratios) {
			t([`${TARGET_LABELS[r.ours]} ÷ ${TARGET_LABELS[r.peer]}`, r.latency, r.rate.join(' / ')]);
		}
		L.push('');
	}
}

export function triggerTargets(results: { triggerRuns?: TriggerRun[] }) {
	const out: Array<{ target: string; measured: string; met: boolean }> = [];
	for (const run of results.triggerRuns ?? []) {
		for (const r of run.ratios.filter((x) => x.ours === 'oursV2')) {
			const where = `${TARGET_LABELS[r.peer]}, ${run.label}`;
			out.push({
				target: `trigger v2 latency ≤ 1.05× ${where}`,
				measured: `${r.latency}×`,
				met: r.latency <= 1.05,
			});
			out.push({
				target: `trigger v2 rate ≥ 0.95× ${where} (c = ${CONCURRENCY.join(' / ')})`,
				measured: r.rate.map((x) => `${x}×`).join(' / '),
				met: r.rate.every((x) => x >= 0.95),
			});
		}
	}
	return out;
}
