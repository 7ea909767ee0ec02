/**
 * Sending under faults: our node's Send, in n8n-core's real ExecuteContext with Continue On Fail,
 * against a real sandbox (in-process, over HTTP) that injects 429 + Retry-After, 500, 503,
 * timeouts (before and after the body was accepted), 500 after accept, and connection resets.
 *
 * CI: 2,000 messages. RELIABILITY_FULL=1: 10,000.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY } from '../../nodes/MessageMedia/transport/retry';
import type { SandboxHandle } from '../../sandbox';
import { DEMO_CREDENTIALS, startSandbox } from '../../sandbox';
import { executeActionNode } from '../helpers/n8n';
import { testRetry, useRetryPolicy } from '../helpers/retry';

const FULL = process.env.RELIABILITY_FULL === '1';
const TOTAL = Number(process.env.SEND_FAULT_MESSAGES ?? (FULL ? 10_000 : 2_000));
// Generous under FULL: 6 executions share this process with the sandbox, so a 202 can be late.
const TIMEOUT_MS = FULL ? 10_000 : 1_000;
/** A 429 was never accepted, so the transport may retry it more often than a 5xx. */
const RATE_LIMITED_ATTEMPTS = DEFAULT_RETRY_POLICY.maxRateLimitedAttempts;
jest.setTimeout(FULL ? 20 * 60_000 : 120_000);

let sandbox: SandboxHandle;

// Every field is an expression, as in a real bulk send; evaluating them is most of this file's
// time, so the ten extra metadata entries that only the "more than 10 keys" case needs are kept
// out of the other runs.
const params = {
	resource: 'message',
	operation: 'send',
	destination: '={{ $json.phone }}',
	content: '={{ $json.text }}',
	format: '={{ $json.format ?? "SMS" }}',
	media: '={{ $json.media ?? "" }}',
	from: { __rl: true, mode: 'id', value: '={{ $json.from ?? "" }}' },
	options: {
		scheduled: '={{ $json.scheduled ?? "" }}',
		metadata: {
			entries: [
				{ key: 'item', value: '={{ $json.key }}' },
				{ key: '={{ $json.metaKey ?? "item" }}', value: '={{ $json.metaValue ?? $json.key }}' },
			],
		},
	},
};

const paramsWithManyKeys = {
	...params,
	options: {
		...params.options,
		metadata: {
			entries: [
				...params.options.metadata.entries,
				...Array.from({ length: 10 }, (_, k) => ({
					key: `={{ $json.manyKeys ? "k${k}" : "item" }}`,
					value: '={{ $json.manyKeys ? "v" : $json.key }}',
				})),
			],
		},
	},
};

function credentials() {
	return {
		authType: 'basic',
		apiKey: DEMO_CREDENTIALS.basic.apiKey,
		apiSecret: DEMO_CREDENTIALS.basic.apiSecret,
		region: 'custom',
		baseUrl: sandbox.url,
		subAccount: '',
	};
}

async function control(method: string, path: string, body?: unknown): Promise<IDataObject> {
	const res = await fetch(`${sandbox.url}${path}`, {
		method,
		headers: { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
	return text ? (JSON.parse(text) as IDataObject) : {};
}

/** Contents the sandbox stored, with how many times each arrived. */
async function storedContents(): Promise<Map<string, number>> {
	const { messages } = (await control('GET', '/_sandbox/messages')) as {
		messages: Array<{ content: string }>;
	};
	const seen = new Map<string, number>();
	for (const m of messages) seen.set(m.content, (seen.get(m.content) ?? 0) + 1);
	return seen;
}

type Outcome = 'sent' | 'failed' | 'unknown';

function outcomeOf(item: INodeExecutionData): Outcome {
	const json = item.json;
	const sent = typeof json.messageId === 'string' && json.messageId !== '';
	const failed = typeof json.error === 'string' && json.error !== '';
	if (sent === failed)
		throw new Error(`item is neither or both sent/failed: ${JSON.stringify(json)}`);
	if (sent) {
		expect(json.outcomeUnknown).toBeUndefined();
		return 'sent';
	}
	if (json.outcomeUnknown === true) {
		// The advice: check before resending, so no customer gets the text twice.
		expect(String(json.description)).toMatch(/Check message status before resending/);
		expect(String(json.error)).toMatch(/outcome is unknown/i);
		return 'unknown';
	}
	return 'failed';
}

const phone = (i: number) => `+614915${String(70_000 + (i % 30_000)).padStart(5, '0')}`;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, quiet: true, drIntervalMs: 60_000 });
});
afterAll(async () => {
	await sandbox?.close();
});
beforeEach(async () => {
	// Waits between attempts are recorded, not slept (test/helpers/retry.ts); timeouts are real.
	useRetryPolicy({ timeoutMs: TIMEOUT_MS, baseDelayMs: 5, maxDelayMs: 50, maxTotalWaitMs: 2_000 });
	await control('POST', '/_sandbox/reset');
	await control('POST', '/_sandbox/config', { drIntervalMs: 60_000 });
});

interface Run {
	tag: string;
	items: IDataObject[];
	output: INodeExecutionData[];
	ms: number;
}

async function send(
	tag: string,
	n: number,
	extra: (i: number) => IDataObject = () => ({}),
	parameters: typeof params = params,
) {
	const items = Array.from({ length: n }, (_, i) => ({
		key: `${tag}-${i}`,
		phone: phone(i),
		text: `msg ${tag}-${i}`,
		...extra(i),
	}));
	const started = Date.now();
	const { output } = await executeActionNode(
		{ parameters, credentials: credentials(), continueOnFail: true },
		items,
	);
	return { tag, items, output: output[0], ms: Date.now() - started } as Run;
}

/** The invariants for any set of runs against the sandbox's store. */
async function checkRuns(runs: Run[]) {
	const stored = await storedContents();
	const totals = { sent: 0, failed: 0, unknown: 0, unknownAccepted: 0, stored: 0 };
	for (const [content, copies] of stored) {
		// Never the same item twice.
		if (copies !== 1) throw new Error(`${content} was received ${copies} times`);
	}
	totals.stored = stored.size;
	for (const run of runs) {
		expect(run.output).toHaveLength(run.items.length);
		// Batches of 100 are all-or-nothing at MessageMedia: their items share one outcome.
		const batches = new Map<number, Outcome[]>();
		run.output.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			const outcome = outcomeOf(item);
			const content = String(run.items[i].text);
			totals[outcome]++;
			if (outcome === 'sent') expect(stored.has(content)).toBe(true);
			if (outcome === 'failed') expect(stored.has(content)).toBe(false);
			if (outcome === 'unknown' && stored.has(content)) totals.unknownAccepted++;
			const batch = Math.floor(i / 100);
			batches.set(batch, [...(batches.get(batch) ?? []), outcome]);
		});
		for (const [batch, outcomes] of batches) {
			if (new Set(outcomes).size !== 1) {
				throw new Error(`${run.tag} batch ${batch} split: ${[...new Set(outcomes)].join(',')}`);
			}
			if (outcomes[0] === 'unknown') {
				// An unknown batch was accepted whole or not at all.
				const accepted = run.items
					.slice(batch * 100, batch * 100 + 100)
					.filter((it) => stored.has(String(it.text))).length;
				expect([0, outcomes.length]).toContain(accepted);
			}
		}
	}
	const items = runs.reduce((n, r) => n + r.items.length, 0);
	expect(totals.sent + totals.failed + totals.unknown).toBe(items);
	// Every stored message is either reported sent or reported outcome-unknown.
	expect(totals.stored).toBe(totals.sent + totals.unknownAccepted);
	const counters = await control('GET', '/_sandbox/counters');
	expect(counters.messagesAccepted).toBe(totals.stored);
	return { ...totals, items, counters };
}

const responses = (counters: IDataObject) =>
	(counters.responses ?? {}) as Record<string, number | undefined>;

describe('Send under each fault, once', () => {
	it.each([
		[
			'429 + Retry-After: retried after the wait, sent once',
			{ rate429: 1, retryAfterSeconds: 0.4 },
			'sent',
		],
		['500 before accepting: outcome unknown, nothing stored', { rate500: 1 }, 'unknown'],
		['503 before accepting: outcome unknown, nothing stored', { rate503: 1 }, 'unknown'],
		['a timeout before accepting: outcome unknown', { rateTimeout: 1 }, 'unknown'],
		['a connection reset: outcome unknown', { rateReset: 1 }, 'unknown'],
		['500 after accepting: outcome unknown, stored once', { rate500AfterAccept: 1 }, 'unknown'],
		[
			'a timeout after accepting: outcome unknown, stored once',
			{ rateTimeoutAfterAccept: 1 },
			'unknown',
		],
	])('%s', async (_name, fault, expected) => {
		await control('POST', '/_sandbox/faults', {
			...fault,
			paths: ['/v1/messages'],
			methods: ['POST'],
			count: 1,
		});
		const run = await send('one', 150);
		const totals = await checkRuns([run]);
		// The first batch of 100 takes the fault; the second batch of 50 is sent normally.
		const outcomes = run.output.map(outcomeOf);
		expect(new Set(outcomes.slice(0, 100))).toEqual(new Set([expected]));
		expect(new Set(outcomes.slice(100))).toEqual(new Set(['sent']));
		const afterAccept = 'rate500AfterAccept' in fault || 'rateTimeoutAfterAccept' in fault;
		expect(totals.unknownAccepted).toBe(afterAccept ? 100 : 0);
		expect(totals.stored).toBe(expected === 'sent' ? 150 : afterAccept ? 150 : 50);
		// Retry-After was honoured: the one retry waited the 0.4 s the sandbox asked for.
		if ('rate429' in fault) expect(testRetry.waits).toEqual([400]);
		if ('rateTimeout' in fault || 'rateTimeoutAfterAccept' in fault) {
			expect(run.ms).toBeGreaterThanOrEqual(TIMEOUT_MS);
		}
	});

	it('429 on every attempt: the batch fails with a reason after the bounded retries; nothing stored', async () => {
		await control('POST', '/_sandbox/faults', {
			rate429: 1,
			retryAfterSeconds: 0.01,
			paths: ['/v1/messages'],
			methods: ['POST'],
		});
		const run = await send('busy', 30);
		const totals = await checkRuns([run]);
		expect(totals.failed).toBe(30);
		expect(String(run.output[0].json.error)).toMatch(/429|rate|too many/i);
		expect(responses(totals.counters)['POST /v1/messages 429']).toBe(RATE_LIMITED_ATTEMPTS);
	});
});

describe(`Send ${TOTAL} messages under random faults`, () => {
	it('every item ends sent, failed or outcome unknown; none stored twice; totals match', async () => {
		await control('POST', '/_sandbox/faults', {
			rate429: 0.15,
			retryAfterSeconds: 0.02,
			rate500: 0.04,
			rate503: 0.04,
			rateTimeout: 0.02,
			rateReset: 0.04,
			rate500AfterAccept: 0.05,
			rateTimeoutAfterAccept: 0.02,
			paths: ['/v1/messages'],
			methods: ['POST'],
		});
		// Executions of 1 to 250 items (partial and several batches; half of them small, for more
		// requests and so more faults), 6 at a time.
		const sizes: number[] = [];
		for (let left = TOTAL; left > 0;) {
			const max = Math.random() < 0.5 ? 20 : 250;
			const n = Math.min(left, 1 + Math.floor(Math.random() * max));
			sizes.push(n);
			left -= n;
		}
		const runs: Run[] = [];
		const started = Date.now();
		let next = 0;
		await Promise.all(
			Array.from({ length: 6 }, async () => {
				while (next < sizes.length) {
					const index = next++;
					runs.push(await send(`r${index}`, sizes[index]));
				}
			}),
		);
		const wall = Date.now() - started;
		const totals = await checkRuns(runs);
		const r = responses(totals.counters);
		const count = (suffix: string) => r[`POST /v1/messages ${suffix}`] ?? 0;
		// Every request ended in exactly one answer (or none); 429s were retried, nothing else was.
		const requests = (totals.counters.requests as Record<string, number>)['POST /v1/messages'];
		expect(requests).toBe(
			count('202') + count('429') + count('500') + count('503') + count('timeout') + count('reset'),
		);
		expect(totals.sent).toBeGreaterThan(0);
		expect(totals.unknown).toBeGreaterThan(0);
		if (FULL) {
			// The figures of a full run, for docs/reliability.md. Outcome-unknown items are what the injected
			// 5xx and timeouts must produce; the assertions above are what would fail.
			console.log(
				`send-faults (full): ${totals.items} items in ${runs.length} executions, ${requests} requests, ${wall} ms:` +
					` sent ${totals.sent}, failed ${totals.failed}, outcome unknown as expected ${totals.unknown}` +
					` (of which accepted ${totals.unknownAccepted}), stored ${totals.stored};` +
					` answers ${JSON.stringify(r)}`,
			);
		}
	});
});

describe('Bad input mixed into a batch', () => {
	const future = new Date(Date.now() + 86_400_000).toISOString();
	const past = new Date(Date.now() - 86_400_000).toISOString();
	const BAD: Array<[string, IDataObject, RegExp]> = [
		['a bad phone number', { phone: '12' }, /"To"/],
		['a phone number with letters', { phone: '+61abc491570156' }, /"To"/],
		['an empty destination', { phone: '' }, /"To"/],
		['empty content', { text: '' }, /"Message" is empty/],
		['content over 5000 characters', { text: 'x'.repeat(5001) }, /"Message" has 5001/],
		['MMS without media', { format: 'MMS' }, /"Media URLs" is required/],
		['MMS with a non-http media URL', { format: 'MMS', media: 'ftp://x/a.png' }, /"Media URLs"/],
		[
			'a metadata entry with an empty key',
			{ metaKey: '' },
			/"Metadata" has an entry with an empty key/,
		],
		['a metadata key over 100 characters', { metaKey: 'k'.repeat(101) }, /"Metadata" key/],
		[
			'a metadata value over 256 characters',
			{ metaKey: 'v', metaValue: 'v'.repeat(257) },
			/"Metadata" value/,
		],
		['more than 10 metadata keys', { manyKeys: true }, /"Metadata" has 1[12] keys/],
		['a schedule in the past', { scheduled: past }, /"Scheduled" must be in the future/],
		[
			'a schedule that is not a date',
			{ scheduled: 'next tuesday-ish' },
			/"Scheduled" is not a valid date/,
		],
		['an alphanumeric sender over 11 characters', { from: 'ACMEACMEACME1' }, /source_number|From/],
	];

	it('each bad item is named and not sent; the rest are sent', async () => {
		// 20 good items around every bad one, so the bad ones are spread over two batches of 100+.
		const plan: Array<IDataObject & { bad?: string; pattern?: RegExp }> = [];
		for (const [name, fields, pattern] of BAD) {
			for (let g = 0; g < 8; g++) plan.push({});
			plan.push({ ...fields, bad: name, pattern });
		}
		plan.push({ scheduled: future }); // a valid schedule is sent
		const run = await send(
			'bad',
			plan.length,
			(i) => {
				const fields = { ...plan[i] };
				delete fields.bad;
				delete fields.pattern;
				return fields;
			},
			paramsWithManyKeys,
		);
		const stored = await storedContents();
		run.output.forEach((item, i) => {
			const entry = plan[i];
			const content = String(run.items[i].text);
			if (entry.bad) {
				expect({ name: entry.bad, outcome: outcomeOf(item) }).toEqual({
					name: entry.bad,
					outcome: 'failed',
				});
				expect(String(item.json.error)).toMatch(new RegExp(` \\[item ${i}\\]$`));
				expect(String(item.json.error)).toMatch(entry.pattern!);
				expect(stored.has(content)).toBe(false);
			} else {
				expect(outcomeOf(item)).toBe('sent');
				expect(stored.get(content)).toBe(1);
			}
		});
		expect(stored.size).toBe(plan.filter((p) => !p.bad).length);
	});
});
