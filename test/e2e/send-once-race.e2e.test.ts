/**
 * Measures Send Once when two executions send the same keys at the same moment: in one n8n
 * (SQLite, both executions in the main process) and in queue mode (PostgreSQL, two workers).
 * n8n's processed-data store reads and writes its row without a lock, so both executions can
 * claim a key; this counts how often they do. Figures go to test-artifacts/e2e/send-once-race.md
 * and docs/send-once.md. SEND_ONCE_ROUNDS rounds (default 5, the recorded figures 20) of
 * SEND_ONCE_KEYS keys (default 10).
 *
 * Asserted: every key is sent at least once and at most twice, and a third run afterwards sends
 * none (settling writes the kept keys again, restoring any a concurrent write dropped).
 */
import { APPOINTMENT_SEND_PARAMETERS, appointmentSendWorkflow } from '../../scripts/n8n/workflows';
import {
	http,
	publishWebhookWorkflow,
	saveArtifact,
	startE2e,
	uniqueWebhookId,
	type E2eEnv,
} from './helpers/harness';
import { startQueueE2e } from './helpers/queue';

const ROUNDS = Number(process.env.SEND_ONCE_ROUNDS ?? 5);
const KEYS = Number(process.env.SEND_ONCE_KEYS ?? 10);

interface ModeResult {
	mode: string;
	rounds: number;
	keysPerRound: number;
	roundsWithDuplicates: number;
	duplicateKeys: number;
	/** Milliseconds between the two executions' starts, per round, and whether it duplicated. */
	starts: Array<{ gapMs: number; duplicates: number }>;
	thirdRunSent: number;
}

const results: ModeResult[] = [];

function appointments(round: number) {
	return Array.from({ length: KEYS }, (_, i) => ({
		appointmentId: `R${round}-K${i}`,
		name: 'Ada',
		phone: `+6149157${String(1000 + i).padStart(4, '0')}`,
	}));
}

/** Posts the same appointments twice at once; returns the two executions' start gap. */
async function race(env: E2eEnv, workflowId: string, url: string, round: number) {
	const before = (await env.n8n.api.listExecutions({ workflowId })).length;
	const body = { appointments: appointments(round) };
	await Promise.all([http('POST', url, body), http('POST', url, body)]);
	const executions = await env.n8n.api.waitForExecutions(workflowId, before + 2, {
		timeoutMs: 120_000,
		includeData: false,
	});
	const [a, b] = executions.slice(-2).map((e) => Date.parse(e.startedAt));
	return Math.abs(a - b);
}

async function sentPerKey(env: E2eEnv): Promise<Map<string, number>> {
	const counts = new Map<string, number>();
	for (const m of await env.sandbox.messages()) {
		const key = String(m.metadata?.appointmentId);
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	return counts;
}

async function measure(env: E2eEnv, mode: string): Promise<ModeResult> {
	const webhookId = uniqueWebhookId();
	const path = `send-once-race-${webhookId.slice(-12)}`;
	const wf = appointmentSendWorkflow({
		name: `Send Once race (${mode})`,
		webhookId,
		path,
		credential: env.credentialRef.messageMediaMessagingApi,
		sendParameters: {
			...APPOINTMENT_SEND_PARAMETERS,
			from: { __rl: true, mode: 'list', value: '' },
			options: {
				...APPOINTMENT_SEND_PARAMETERS.options,
				sendOnce: { settings: { key: '={{ $json.appointmentId }}', rememberFor: 1, unit: 'days' } },
			},
		},
	});
	const { id, url } = await publishWebhookWorkflow(env, wf, path);
	// The node's row in the store exists before the races, as it does after a node's first run.
	await http('POST', url, { appointments: appointments(-1) });
	await env.n8n.api.waitForExecutions(id, 1, { timeoutMs: 120_000, includeData: false });

	const result: ModeResult = {
		mode,
		rounds: ROUNDS,
		keysPerRound: KEYS,
		roundsWithDuplicates: 0,
		duplicateKeys: 0,
		starts: [],
		thirdRunSent: 0,
	};
	for (let round = 0; round < ROUNDS; round++) {
		const gapMs = await race(env, id, url, round);
		const counts = await sentPerKey(env);
		const mine = appointments(round).map((a) => counts.get(a.appointmentId) ?? 0);
		expect(Math.min(...mine)).toBeGreaterThanOrEqual(1);
		expect(Math.max(...mine)).toBeLessThanOrEqual(2);
		const duplicates = mine.filter((n) => n === 2).length;
		result.starts.push({ gapMs, duplicates });
		result.duplicateKeys += duplicates;
		if (duplicates > 0) result.roundsWithDuplicates++;
	}
	// A later run of every round's keys sends nothing.
	const before = (await env.sandbox.messages()).length;
	const all = Array.from({ length: ROUNDS }, (_, r) => appointments(r)).flat();
	const executions = (await env.n8n.api.listExecutions({ workflowId: id })).length;
	await http('POST', url, { appointments: all });
	await env.n8n.api.waitForExecutions(id, executions + 1, {
		timeoutMs: 120_000,
		includeData: false,
	});
	result.thirdRunSent = (await env.sandbox.messages()).length - before;
	expect(result.thirdRunSent).toBe(0);
	results.push(result);
	return result;
}

function report(): string {
	const lines = [
		'| mode | rounds × keys | rounds with a duplicate | keys sent twice | start gap of duplicating rounds (ms) | start gap of clean rounds (ms) | a third run sent |',
		'|---|---|---|---|---|---|---|',
	];
	for (const r of results) {
		const gaps = (dup: boolean) =>
			r.starts
				.filter((s) => s.duplicates > 0 === dup)
				.map((s) => s.gapMs)
				.sort((x, y) => x - y);
		const range = (list: number[]) => (list.length ? `${list[0]}–${list[list.length - 1]}` : '—');
		lines.push(
			`| ${r.mode} | ${r.rounds} × ${r.keysPerRound} | ${r.roundsWithDuplicates}/${r.rounds} | ${r.duplicateKeys}/${r.rounds * r.keysPerRound} | ${range(gaps(true))} | ${range(gaps(false))} | ${r.thirdRunSent} |`,
		);
	}
	return lines.join('\n');
}

afterAll(() => {
	saveArtifact('send-once-race.json', results);
	saveArtifact('send-once-race.md', `${report()}\n`);
	console.log(report());
});

describe('Send Once: two executions with the same keys at the same moment', () => {
	it('in one n8n (SQLite): counts the keys sent twice', async () => {
		const env = await startE2e({ name: 'send-once-race' });
		try {
			const result = await measure(env, 'one n8n, SQLite');
			console.log(JSON.stringify(result));
		} finally {
			await env.stop();
		}
	});

	it('in queue mode with two workers (PostgreSQL): counts the keys sent twice', async () => {
		const env = await startQueueE2e('send-once-race-queue');
		try {
			const result = await measure(env, 'queue mode, 2 workers, PostgreSQL');
			console.log(JSON.stringify(result));
		} finally {
			await env.stop();
		}
	});
});
