/**
 * What Send Once costs: N sends with Send Once off and on, side by side in rotating order, every
 * run with keys never sent before (so every message goes out and requests stay ⌈N/100⌉), at the
 * API latencies the send benchmark uses. Send Once is on in its two forms: the key from Key Fields
 * (read from the item, as the reminders example does) and the key as an n8n expression.
 *
 * A fourth variant splits the expression form's cost: Send Once off, with the key's expression
 * evaluated for a metadata entry instead. n8n resolves an expression per item at a cost that is a
 * large part of a send; the difference between that variant and the expression form is Send
 * Once's own work: the claim, the settle and n8n's store.
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
import { createSendWorkflow, RealEnv, RealSendWorkflow, runRealSend } from './real';
import { fmtMs, round, summarise, Summary } from './stats';

const KEY_EXPRESSION = '={{ $json.appointmentId }}-reminder';

const withOptions = (options: IDataObject): IDataObject => ({ ...SEND_PARAMETERS, options });

const VARIANTS = ['off', 'keyFields', 'keyExpression', 'expressionOnly'] as const;
type Variant = (typeof VARIANTS)[number];

const PARAMETERS: Record<Variant, IDataObject> = {
	off: SEND_PARAMETERS,
	keyFields: withOptions({
		sendOnce: { settings: { keyFields: 'appointmentId', key: 'reminder', rememberFor: 3 } },
	}),
	keyExpression: withOptions({ sendOnce: { settings: { key: KEY_EXPRESSION, rememberFor: 3 } } }),
	// Send Once off, the same expression evaluated per item for metadata.
	expressionOnly: withOptions({
		metadata: { entries: [{ key: 'reminderKey', value: KEY_EXPRESSION }] },
	}),
};

export interface SendOnceCell {
	where: 'in-process' | 'real n8n';
	n: number;
	latencyMs: number;
	/** The node's time for each variant. */
	ms: Record<Variant, Summary>;
	/** Median with Send Once on ÷ median off, for each form of the key. */
	ratio: { keyFields: number; keyExpression: number };
	/** (Median key expression − median expression only) ÷ median off: Send Once's own share. */
	ownShare: number;
	/** Requests of each run with Send Once on (key fields, then key expression). */
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

type Timings = Record<Variant, number[]>;

function cell(
	where: SendOnceCell['where'],
	n: number,
	latencyMs: number,
	times: Timings,
	requestsOn: number[],
): SendOnceCell {
	const ms = Object.fromEntries(VARIANTS.map((v) => [v, summarise(times[v])])) as Record<
		Variant,
		Summary
	>;
	const ratioTo = (v: Variant) => round(ms[v].median / ms.off.median, 3);
	const result: SendOnceCell = {
		where,
		n,
		latencyMs,
		ms,
		ratio: { keyFields: ratioTo('keyFields'), keyExpression: ratioTo('keyExpression') },
		ownShare: round((ms.keyExpression.median - ms.expressionOnly.median) / ms.off.median, 3),
		requestsOn,
	};
	log(
		`Send Once ${where} N=${n} @${latencyMs} ms: off ${fmtMs(ms.off)}, key fields ${fmtMs(ms.keyFields)} ` +
			`(${result.ratio.keyFields}x), key expression ${fmtMs(ms.keyExpression)} (${result.ratio.keyExpression}x), ` +
			`expression only ${fmtMs(ms.expressionOnly)}; Send Once's own +${round(result.ownShare * 100, 1)}%; ` +
			`requests with it on ${requestsOn.join('/')}`,
	);
	return result;
}

/** The variants in an order that rotates each repetition, so none always runs first. */
function rotation(rep: number): Variant[] {
	return VARIANTS.map((_, i) => VARIANTS[(i + rep) % VARIANTS.length]);
}

/**
 * The first appointment number of a run: past every key sent so far (warm-up included), and
 * apart for each variant, since both forms of the key make the same keys.
 */
function newKeys(rep: number, variant: Variant, latencyMs: number, n: number): number {
	return (
		(latencyMs + 1) * 1_000_000 + ((rep + 1) * VARIANTS.length + VARIANTS.indexOf(variant)) * n
	);
}

const noTimings = (): Timings => ({
	off: [],
	keyFields: [],
	keyExpression: [],
	expressionOnly: [],
});

const sendOnceOn = (v: Variant) => v === 'keyFields' || v === 'keyExpression';

/** A store holding a full row: what every claim and settle of a node that has run a while reads and writes. */
async function fullStore() {
	const store = await memoryProcessedData();
	const filler = Array.from({ length: MAX_ENTRIES }, (_, i) => `filler-${i}`);
	const context = { node: { id: 'node-1' }, workflow: { id: 'wf-1', active: false } };
	await store.checkProcessedAndRecord(filler, 'node', context as never, {
		mode: 'entries',
		maxEntries: MAX_ENTRIES,
	});
}

async function inProcess(
	sandbox: SandboxProcess,
	n: number,
	latencyMs: number,
	reps: number,
): Promise<SendOnceCell> {
	await fullStore();
	const credentials = credentialsFor(sandbox);
	const times = noTimings();
	const requestsOn: number[] = [];
	for (let r = 0; r < reps; r++) {
		for (const variant of rotation(r)) {
			// Keys no run has sent, built before the timed part.
			const items = appointmentItems(n, newKeys(r, variant, latencyMs, n));
			await sandbox.prepare(latencyMs ? { latencyMs } : undefined);
			const parameters = PARAMETERS[variant];
			const m = await measure(() => executeActionNode({ parameters, credentials }, items));
			times[variant].push(m.wallMs);
			if (sendOnceOn(variant)) requestsOn.push(await requestsSent(sandbox));
		}
	}
	return cell('in-process', n, latencyMs, times, requestsOn);
}

async function inN8n(
	env: RealEnv,
	sandbox: SandboxProcess,
	n: number,
	latencyMs: number,
	reps: number,
): Promise<SendOnceCell> {
	const workflows = {} as Record<Variant, RealSendWorkflow>;
	for (const v of VARIANTS) workflows[v] = await createSendWorkflow(env, PARAMETERS[v]);
	for (const variant of VARIANTS) await runRealSend(env, sandbox, workflows[variant], 100, 0); // warm-up
	const times = noTimings();
	const requestsOn: number[] = [];
	for (let r = 0; r < reps; r++) {
		for (const variant of rotation(r)) {
			const offset = newKeys(r, variant, latencyMs, n);
			const run = await runRealSend(env, sandbox, workflows[variant], n, latencyMs, offset);
			times[variant].push(run.sendNodeMs);
			if (sendOnceOn(variant)) requestsOn.push(run.requests);
		}
	}
	return cell('real n8n', n, latencyMs, times, requestsOn);
}

/** Send Once off and on (both key forms), in process and (given `real`) in a real n8n. */
export async function sendOnceBenchmark(
	sandbox: SandboxProcess,
	quick: boolean,
	real?: RealEnv,
): Promise<SendOnceResults> {
	const n = quick ? 1000 : 10_000;
	const reps = quick ? 3 : 5;
	const cells: SendOnceCell[] = [];
	for (const latencyMs of [0, 50]) cells.push(await inProcess(sandbox, n, latencyMs, reps));
	if (real) {
		for (const latencyMs of [0, 50]) cells.push(await inN8n(real, sandbox, n, latencyMs, reps));
	}
	return { n, reps, cells };
}

/** The section of results/latest.md. */
export function sendOnceMarkdown(results: SendOnceResults): string {
	const rows = results.cells.map(
		(c) =>
			`| ${c.where} | ${c.n} | ${c.latencyMs} ms | ${fmtMs(c.ms.off)} | ${fmtMs(c.ms.keyFields)} (${c.ratio.keyFields}×) | ${fmtMs(c.ms.keyExpression)} (${c.ratio.keyExpression}×) | ${fmtMs(c.ms.expressionOnly)} | +${round(c.ownShare * 100, 1)}% | ${c.requestsOn.join(' / ')} (⌈N/100⌉ = ${Math.ceil(c.n / 100)}) |`,
	);
	return [
		'## Send Once',
		'',
		`Send Once off; on with the key from Key Fields; on with the key as an expression; off with that expression evaluated for metadata instead ("expression only"). ${results.reps} runs each in rotating order, new keys every run; the node's time (in-process: execute() with n8n's store algorithm in memory, the row full; real n8n: the Send node's executionTime, store in SQLite). "Send Once's own" is (key expression − expression only) ÷ off: the claim, the settle and the store. See docs/send-once.md.`,
		'',
		"| where | N | API latency | off | on, key fields (÷ off) | on, key expression (÷ off) | expression only | Send Once's own | requests with it on |",
		'|---|---|---|---|---|---|---|---|---|',
		...rows,
	].join('\n');
}
