/**
 * The trigger benchmark on one n8n instance: latency, rate and isolate use of our trigger and of
 * n8n's own triggers, measured side by side.
 */
import { BenchConfig, CONCURRENCY, log } from './config';
import { CapturedDelivery } from './direct';
import { SandboxProcess } from './env';
import { RealEnv } from './real';
import { fmtMs, fmtNum, percentile, round, summarise, Summary } from './stats';
import {
	createTriggerTargets,
	deactivateTargets,
	isolateUse,
	runTriggerLatency,
	runTriggerRate,
	TargetKey,
} from './trigger-peers';

/** n8n settings the trigger benchmark runs under, each on its own instance. */
export interface TriggerEnvironment {
	label: string;
	env: Record<string, string>;
	/** Only in full runs. */
	fullOnly?: boolean;
}

export const TRIGGER_ENVIRONMENTS: TriggerEnvironment[] = [
	{ label: 'n8n defaults', env: {} },
	{
		label: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (experimental in 2.41)',
		env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	},
	{
		label: 'N8N_EXPRESSION_ENGINE_POOL_SIZE=4',
		env: { N8N_EXPRESSION_ENGINE_POOL_SIZE: '4' },
		fullOnly: true,
	},
	{
		label: 'N8N_EXPRESSION_ENGINE=legacy',
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		fullOnly: true,
	},
];

/** Ours first, then the peers each is compared with. */
export const OURS: TargetKey[] = ['oursV2', 'oursV1'];
export const PEERS: TargetKey[] = ['bare', 'webhookExpression', 'form'];

export interface TargetResult {
	latencyMs: Summary;
	p90LatencyMs: number;
	httpMs: Summary;
	executionMs: Summary;
	/** events/s per concurrency, in CONCURRENCY's order. */
	rate: Summary[];
	isolates?: { events: number; acquiredPerEvent: number; evaluationsPerEvent: number };
}

export interface TriggerRun {
	label: string;
	env: Record<string, string>;
	events: { latency: number; rate: number };
	targets: Partial<Record<TargetKey, TargetResult>>;
	/** ours ÷ peer: latency (≤ 1.05 is the goal) and rate per concurrency (≥ 0.95). */
	ratios: Array<{ ours: TargetKey; peer: TargetKey; latency: number; rate: number[] }>;
}

export async function triggerBenchmark(
	env: RealEnv,
	sandbox: SandboxProcess,
	delivery: CapturedDelivery,
	config: BenchConfig,
	environment: TriggerEnvironment,
	keys: TargetKey[],
): Promise<TriggerRun> {
	const targets = await createTriggerTargets(env, sandbox, delivery, keys);
	await runTriggerLatency(env, targets, 3, 100); // warm-up
	const latency = await runTriggerLatency(env, targets, config.latencyCount);
	log(`  latency measured (${config.latencyCount} events per target)`);
	const rates = new Map(targets.map((t) => [t.key, CONCURRENCY.map(() => [] as number[])]));
	for (const [c, concurrency] of CONCURRENCY.entries()) {
		for (let r = 0; r < config.rateReps; r++) {
			// Rotate the order so that drift on a shared machine does not favour one target.
			for (let k = 0; k < targets.length; k++) {
				const target = targets[(k + r + c) % targets.length];
				const res = await runTriggerRate(env, target, config.rateCount, concurrency);
				rates.get(target.key)![c].push(res.eventsPerSecond);
			}
		}
		log(`  rate measured at concurrency ${concurrency}`);
	}
	const counted = environment.env.N8N_EXPRESSION_ENGINE !== 'legacy';
	const run: TriggerRun = {
		label: environment.label,
		env: environment.env,
		events: { latency: config.latencyCount, rate: config.rateCount },
		targets: {},
		ratios: [],
	};
	for (const target of targets) {
		const l = latency.get(target.key)!;
		run.targets[target.key] = {
			latencyMs: summarise(l.latencyMs),
			p90LatencyMs: percentile(l.latencyMs, 90),
			httpMs: summarise(l.httpMs),
			executionMs: summarise(l.executionMs),
			rate: rates.get(target.key)!.map(summarise),
			// The legacy engine has no isolates and emits no counters.
			isolates: counted ? await isolateUse(env, target, config.isolateCount) : undefined,
		};
		const t = run.targets[target.key]!;
		log(
			`  ${target.key}: latency ${fmtMs(t.latencyMs)}, rate ${t.rate.map((s) => fmtNum(s.median)).join(' / ')}/s` +
				(t.isolates
					? `, isolates ${t.isolates.acquiredPerEvent}/event, evaluations ${t.isolates.evaluationsPerEvent}/event`
					: ''),
		);
	}
	for (const ours of OURS) {
		for (const peer of PEERS) {
			const a = run.targets[ours];
			const b = run.targets[peer];
			if (!a || !b) continue;
			run.ratios.push({
				ours,
				peer,
				latency: round(a.latencyMs.median / b.latencyMs.median, 3),
				rate: a.rate.map((s, i) => round(s.median / b.rate[i].median, 3)),
			});
		}
	}
	for (const r of run.ratios) {
		log(`  ${r.ours} ÷ ${r.peer}: latency ${r.latency}, rate ${r.rate.join(' / ')}`);
	}
	await deactivateTargets(env, targets);
	return run;
}
