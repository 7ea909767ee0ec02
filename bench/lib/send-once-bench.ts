/**
 * What Send Once costs: N sends with Send Once off and on, side by side in rotating order, every
 * run with keys never sent before (so every message goes out and requests stay ⌈N/100⌉).
 *
 * - In-process: our execute() in n8n-core's ExecuteContext, the store being
 *   test/helpers/processedData.ts (n8n's processed-data algorithm over a JSON row in memory, no
 *   database). The node's row is filled to its cap first, as on a node that has run for a while,
 *   so each claim and settle reads and writes the largest row Send Once keeps.
 * - Real n8n: the Send node's executionTime in a real n8n, whose store is its SQLite database;
 *   the row fills up as the runs go.
 */
import type { IDataObject } from 'n8n-workflow';

import { executeActionNode } from '../../test/helpers/n8n';
import { memoryProcessedData } from '../../test/helpers/processedData';
import { MAX_ENTRIES } from '../../nodes/MessageMedia/shared/sendOnce';
import { appointmentItems, credentialsFor, SEND_PARAMETERS } from './direct';
import { log } from './config';
import { measure, SandboxProcess } from './env';
import { createSendWorkflow, RealEnv, runRealSend } from './real';
import { fmtMs, round, summarise, Summary } from './stats';

export const SEND_ONCE_PARAMETERS: IDataObject = {
	...SEND_PARAMETERS,
	options: {
		sendOnce: { settings: { key: '={{ $json.appointmentId }}', rememberFor: 3, unit: 'days' } },
	},
};

export interface SendOnceCell {
	where: 'in-process' | 'real n8n';
	n: number;
	offMs: Summary;
	onMs: Summary;
	/** Median on ÷ median off. */
	ratio: number;
	requestsOn: number[];
}

export interface SendOnceResults {
	n: number;
	reps: number;
	cells: SendOnceCell[];
}

async function requestsSent(sandbox: SandboxProcess): Promise<number> {
	const counters = await sandbox.counters();
	return Object.entries(counters.requests as Record<string, number>)
		.filter(([k]) => k.startsWith('POST /v1/messages'))
		.reduce((sum, [, v]) => sum + v, 0);
}

function cell(
	where: SendOnceCell['where'],
	n: number,
	off: number[],
	on: number[],
	requestsOn: number[],
): SendOnceCell {
	const result = {
		where,
		n,
		offMs: summarise(off),
		onMs: summarise(on),
		ratio: 0,
		requestsOn,
	};
	result.ratio = round(result.onMs.median / result.offMs.median, 3);
	log(
		`Send Once ${where} N=${n}: off ${fmtMs(result.offMs)}, on ${fmtMs(result.onMs)} ` +
			`(${result.ratio}x), requests with it on ${requestsOn.join('/')}`,
	);
	return result;
}

async function inProcess(sandbox: SandboxProcess, n: number, reps: number): Promise<SendOnceCell> {
	const store = await memoryProcessedData();
	// A full row: what every claim and settle of a node that has run a while reads and writes.
	const filler = Array.from({ length: MAX_ENTRIES }, (_, i) => `filler-${i}`);
	const context = { node: { id: 'node-1' }, workflow: { id: 'wf-1', active: false } };
	await store.checkProcessedAndRecord(filler, 'node', context as never, {
		mode: 'entries',
		maxEntries: MAX_ENTRIES,
	});
	const credentials = credentialsFor(sandbox);
	const off: number[] = [];
	const on: number[] = [];
	const requestsOn: number[] = [];
	for (let r = 0; r < reps; r++) {
		// Fresh keys every run; built before the timed part.
		const items = appointmentItems(n, (r + 1) * n);
		for (const variant of r % 2 ? ['on', 'off'] : ['off', 'on']) {
			await sandbox.prepare();
			const parameters = variant === 'on' ? SEND_ONCE_PARAMETERS : SEND_PARAMETERS;
			const m = await measure(() => executeActionNode({ parameters, credentials }, items));
			(variant === 'on' ? on : off).push(m.wallMs);
			if (variant === 'on') requestsOn.push(await requestsSent(sandbox));
		}
	}
	return cell('in-process', n, off, on, requestsOn);
}

async function inN8n(
	env: RealEnv,
	sandbox: SandboxProcess,
	n: number,
	reps: number,
): Promise<SendOnceCell> {
	const offWf = await createSendWorkflow(env);
	const onWf = await createSendWorkflow(env, SEND_ONCE_PARAMETERS);
	await runRealSend(env, sandbox, offWf, 100, 0); // warm-up
	await runRealSend(env, sandbox, onWf, 100, 0, n * 1000);
	const off: number[] = [];
	const on: number[] = [];
	const requestsOn: number[] = [];
	for (let r = 0; r < reps; r++) {
		for (const variant of r % 2 ? ['on', 'off'] : ['off', 'on']) {
			const run =
				variant === 'on'
					? await runRealSend(env, sandbox, onWf, n, 0, (r + 1) * n)
					: await runRealSend(env, sandbox, offWf, n, 0);
			(variant === 'on' ? on : off).push(run.sendNodeMs);
			if (variant === 'on') requestsOn.push(run.requests);
		}
	}
	return cell('real n8n', n, off, on, requestsOn);
}

/** Send Once off and on, in process and (given `real`) in a real n8n. */
export async function sendOnceBenchmark(
	sandbox: SandboxProcess,
	quick: boolean,
	real?: RealEnv,
): Promise<SendOnceResults> {
	const n = quick ? 1000 : 10_000;
	const reps = quick ? 3 : 5;
	const cells = [await inProcess(sandbox, n, reps)];
	if (real) cells.push(await inN8n(real, sandbox, n, reps));
	return { n, reps, cells };
}

/** The section of results/latest.md. */
export function sendOnceMarkdown(results: SendOnceResults): string {
	const rows = results.cells.map(
		(c) =>
			`| ${c.where} | ${c.n} | ${fmtMs(c.offMs)} | ${fmtMs(c.onMs)} | ${c.ratio}× | ${c.requestsOn.join(' / ')} (⌈N/100⌉ = ${Math.ceil(c.n / 100)}) |`,
	);
	return [
		'## Send Once',
		'',
		`Send Once off and on, ${results.reps} runs each in rotating order, new keys every run; the node's time (in-process: execute() with n8n's store algorithm in memory, the row full; real n8n: the Send node's executionTime, store in SQLite). See docs/send-once.md.`,
		'',
		'| where | N | off | on | on ÷ off | requests with it on |',
		'|---|---|---|---|---|---|',
		...rows,
	].join('\n');
}
