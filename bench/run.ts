/**
 * npm run bench [-- --quick] [-- --skip-n8n] [-- --only-trigger]
 *
 * Runs every benchmark's variants side by side, several times, and writes
 * bench/results/latest.json and bench/results/latest.md. See bench/README.md.
 * `--only-trigger` re-measures only the trigger (in-process and in n8n, under n8n's defaults and
 * with lazy isolate acquisition) and keeps the other figures on record.
 */
import './lib/resolve-node-ts';

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { benchConfig, benchStartedAt, log } from './lib/config';
import { classifierBenchmark, classifierLines } from './lib/classifier-bench';
import { captureTriggerDelivery, runWebhookHandler } from './lib/direct';
import { startSandboxProcess } from './lib/env';
import { RealEnv, startReal } from './lib/real';
import { markdown, targets } from './lib/report';
import type { BenchResults } from './lib/results';
import { realSendBenchmark, sendAndPaging } from './lib/send-bench';
import { sendOnceBenchmark, sendOnceMarkdown } from './lib/send-once-bench';
import { median, percentile, round } from './lib/stats';
import { OURS, PEERS, TRIGGER_ENVIRONMENTS, triggerBenchmark } from './lib/trigger-bench';
import { TargetKey } from './lib/trigger-peers';

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const SKIP_N8N = args.has('--skip-n8n');
const ONLY_TRIGGER = args.has('--only-trigger');
const CONFIG = benchConfig(QUICK);
const FULL = !QUICK && !ONLY_TRIGGER;
const started = benchStartedAt();

function write(results: BenchResults) {
	const dir = path.join(__dirname, 'results');
	fs.mkdirSync(dir, { recursive: true });
	results.targets = results.send ? targets(results, CONFIG) : undefined;
	fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, '\t')}\n`);
	const sendOnce = results.sendOnce ? `\n${sendOnceMarkdown(results.sendOnce)}\n` : '';
	fs.writeFileSync(path.join(dir, 'latest.md'), `${markdown(results)}\n${sendOnce}`);
}

async function main() {
	const results: BenchResults = {
		mode: QUICK ? 'quick' : ONLY_TRIGGER ? 'trigger only' : 'full',
		startedAt: new Date(started).toISOString(),
		machine: {
			cpus: os.cpus().length,
			cpuModel: os.cpus()[0]?.model,
			node: process.version,
			loadAverageAtStart: os.loadavg().map((x) => round(x, 1)),
		},
		config: { ...CONFIG, reps: CONFIG.sizes.map((n) => [n, CONFIG.reps(n)]) },
	};
	const latest = path.join(__dirname, 'results', 'latest.json');
	if (ONLY_TRIGGER) {
		const previous = JSON.parse(fs.readFileSync(latest, 'utf8')) as BenchResults;
		results.send = previous.send;
		results.paging = previous.paging;
		results.retry = previous.retry;
		results.realSend = previous.realSend;
		results.sendOnce = previous.sendOnce;
		results.sendMeasuredAt = previous.sendMeasuredAt ?? previous.startedAt;
	}
	const sandbox = await startSandboxProcess();
	let real: (RealEnv & { env?: string }) | undefined;
	try {
		log(`sandbox ${sandbox.url} (pid ${sandbox.pid}); mode ${results.mode}`);
		if (!ONLY_TRIGGER) await sendAndPaging(results, sandbox, CONFIG);
		if (!ONLY_TRIGGER && SKIP_N8N) results.sendOnce = await sendOnceBenchmark(sandbox, QUICK);
		const delivery = await captureTriggerDelivery(sandbox);
		await runWebhookHandler(delivery, 500); // warm-up
		const h = await runWebhookHandler(delivery, CONFIG.handlerIterations);
		results.handler = {
			iterations: h.iterations,
			emitted: h.emitted,
			medianUs: round(median(h.times), 1),
			p90Us: round(percentile(h.times, 90), 1),
			p99Us: round(percentile(h.times, 99), 1),
			cpuUsPerCall: round(h.cpuUsTotal / h.iterations, 1),
		};
		log(
			`webhook() in-process: median ${results.handler.medianUs} µs (${h.emitted}/${h.iterations} emitted)`,
		);
		results.classifier = classifierBenchmark(QUICK);
		for (const line of classifierLines(results.classifier)) log(line);
		write(results);

		if (!SKIP_N8N) {
			log('starting n8n');
			real = await startReal(sandbox);
			results.n8nStartupMs = real.startupMs;
			log(`n8n ready in ${(real.startupMs / 1000).toFixed(0)} s`);
			if (!ONLY_TRIGGER) {
				results.realSend = await realSendBenchmark(real, sandbox, CONFIG);
				results.sendOnce = await sendOnceBenchmark(sandbox, QUICK, real);
				write(results);
			}
			// Ours beside n8n's own webhook-started triggers, under each setting on its own instance.
			const keys: TargetKey[] = [...OURS, ...PEERS, ...(FULL ? (['oursNoDedup'] as const) : [])];
			results.triggerRuns = [];
			for (const environment of TRIGGER_ENVIRONMENTS.filter((e) => FULL || !e.fullOnly)) {
				const env = JSON.stringify(environment.env);
				if (env !== (real.env ?? '{}')) {
					await real.n8n.destroy();
					log(`restarting n8n with ${env}`);
					real = Object.assign(await startReal(sandbox, environment.env), { env });
				}
				log(`trigger: ${environment.label}`);
				const run = await triggerBenchmark(real, sandbox, delivery, CONFIG, environment, keys);
				results.triggerRuns.push(run);
				if (results.triggerRuns.length === 1) {
					results.handler.shareOfLatency = round(
						results.handler.medianUs / 1000 / run.targets.oursV2!.latencyMs.median,
						5,
					);
				}
				write(results);
			}
		}
	} finally {
		results.finishedAt = new Date().toISOString();
		results.durationS = Math.round((Date.now() - started) / 1000);
		if (results.send) write(results);
		await real?.n8n.destroy().catch(() => undefined);
		await sandbox.close();
	}
	log(`done in ${results.durationS} s: bench/results/latest.md`);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
