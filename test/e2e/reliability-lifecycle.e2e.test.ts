/**
 * Webhook lifecycle soak: randomised cycles of activate, deactivate, graceful restart,
 * kill -9, test-mode listening (ended by an event, by cancelling, or by n8n's 2-minute expiry),
 * editing the trigger's events while active, a pre-created webhook for our URL (409), remote
 * deletion behind n8n's back, and sandbox 5xx and timeouts during create and delete. After every
 * cycle the sandbox must hold exactly what should exist: one webhook (ours, with the events the
 * trigger is set to) while the workflow is active, none while it is not, and no test webhook.
 * Orphans, duplicates, missing and stale webhooks must be 0.
 *
 * Every kind runs once first (in random order), then at random. A timeout costs the node's 60 s
 * request timeout and an expiry n8n's 2 minutes, so those are capped.
 * CI: 15 cycles (at most 3 restarts, 3 slow cycles). RELIABILITY_FULL=1: 200 cycles.
 */
import { VERIFICATION_HEADER as SECRET_HEADER } from '../../nodes/MessageMedia/trigger/webhookHeaders';
import {
	activateTrigger,
	createWorkflow,
	deactivateTrigger,
	E2eEnv,
	headerOf,
	isRegisteredByTrigger,
	pollUntil,
	saveArtifact,
	SandboxWebhook,
	startE2e,
	triggerUrl,
	triggerWorkflow,
	waitForSandboxHooks,
} from './helpers/harness';
import { FULL, restartN8n } from './helpers/reliability';

const CYCLES = FULL ? 200 : 15;
const MAX_RESTARTS = FULL ? Infinity : 3;
const MAX_SLOW = FULL ? 10 : 3;
// A cycle takes up to ~2.5 min: 200 cycles outlast the suite's 10-minute default, and a
// timed-out test tears n8n down under the still-running loop.
const TIMEOUT_MS = FULL ? 4 * 60 * 60 * 1000 : 20 * 60 * 1000;
type Kind =
	| 'toggle'
	| 'restart'
	| 'kill9'
	| 'precreate409'
	| 'remoteDelete'
	| 'create5xx'
	| 'create500AfterAccept'
	| 'delete5xx'
	| 'createTimeoutAfterAccept'
	| 'deleteTimeout'
	| 'editEvents'
	| 'testEvent'
	| 'testCancel'
	| 'testExpiry';
const KINDS: Kind[] = [
	'toggle',
	'toggle',
	'restart',
	'kill9',
	'precreate409',
	'remoteDelete',
	'create5xx',
	'create500AfterAccept',
	'delete5xx',
	'createTimeoutAfterAccept',
	'deleteTimeout',
	'editEvents',
	'editEvents',
	'testEvent',
	'testCancel',
	'testExpiry',
];
const DISTINCT_KINDS = [...new Set(KINDS)];
const SLOW: Kind[] = ['createTimeoutAfterAccept', 'deleteTimeout', 'testExpiry'];
const EVENT_SETS = [['RECEIVED_SMS'], ['OPT_OUT_SMS', 'RECEIVED_SMS']];

function shuffled<T>(list: T[]): T[] {
	const out = [...list];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

describe('reliability: webhook lifecycle soak', () => {
	let env: E2eEnv;
	const log: Array<Record<string, unknown>> = [];

	beforeAll(async () => {
		env = await startE2e({ name: 'reliability-lifecycle' });
		await env.sandbox.reset({ retryDelayScale: 0.01 });
	});

	afterAll(async () => {
		saveArtifact('reliability-lifecycle.json', log);
		await env?.stop();
	});

	it(
		`${CYCLES} randomised cycles: 0 orphans, 0 duplicates after every cycle`,
		async () => {
			let events = EVENT_SETS[0];
			const wf = triggerWorkflow(env, { name: 'reliability: soak', events });
			const { id } = await createWorkflow(env, wf);
			const url = triggerUrl(env.n8n, wf.webhookId);
			const testUrl = env.n8n.testWebhookUrl(wf.webhookId);
			let active = false;
			let restarts = 0;
			let slow = 0;
			const totals = { orphans: 0, duplicates: 0, missing: 0, stale: 0 };
			const recoveries: number[] = [];
			const testExpiries: number[] = [];

			/** Runs `action` with the sandbox failing the next matching request once. */
			const withOneFault = async (fault: Record<string, unknown>, action: () => Promise<void>) => {
				await env.sandbox.control('POST', '/faults', { ...fault, count: 1 });
				await action();
				await env.sandbox.control('DELETE', '/faults');
			};
			// A request the sandbox never answers costs the node's 60 s timeout before its retry.
			const activate = async (timeoutMs?: number) => {
				await activateTrigger(env, id, wf.webhookId, undefined, timeoutMs);
				active = true;
			};
			const deactivate = async (timeoutMs?: number) => {
				await deactivateTrigger(env, id, wf.webhookId, timeoutMs);
				active = false;
			};
			/** Test-mode listening, as the editor's "Listen for test event" starts it. */
			const listen = async () => {
				const started = await env.n8n.api.rest('POST', `/workflows/${id}/run`, {
					triggerToStartFrom: { name: 'MessageMedia Trigger' },
				});
				expect(started).toEqual({ waitingForWebhook: true });
				await waitForSandboxHooks(env, testUrl, (list) => list.length === 1, {
					what: 'the test webhook',
				});
			};
			const testHookGone = (timeoutMs: number) =>
				waitForSandboxHooks(env, testUrl, (list) => list.length === 0, {
					timeoutMs,
					what: 'removal of the test webhook',
				});
			const hasCurrentEvents = (hook: SandboxWebhook) =>
				[...hook.events].sort().join() === [...events].sort().join();
			/** Compares the sandbox with what should exist; counts and returns the differences. */
			const compare = async (cycle: number, kind: Kind) => {
				const expected = active ? 1 : 0;
				const hooks = await waitForSandboxHooks(env, url, (list) => list.length === expected, {
					timeoutMs: 60_000,
					settleMs: 1_500,
					what: `cycle ${cycle} (${kind}): ${expected} hook(s)`,
				}).catch(() => env.sandbox.webhooksFor(url));
				const all: SandboxWebhook[] = await env.sandbox.webhooks();
				const orphans = all.filter((h) => h.url !== url || !active).length;
				const duplicates = Math.max(0, hooks.length - 1);
				const missing = active && hooks.length === 0 ? 1 : 0;
				const stale = hooks.filter((h) => !hasCurrentEvents(h)).length;
				if (active && hooks.length === 1) expect(isRegisteredByTrigger(hooks[0], id)).toBe(true);
				totals.orphans += orphans;
				totals.duplicates += duplicates;
				totals.missing += missing;
				totals.stale += stale;
				log.push({ cycle, kind, active, hooks: all.length, orphans, duplicates, missing, stale });
			};

			const firstRound = shuffled(DISTINCT_KINDS);
			for (let cycle = 1; cycle <= CYCLES; cycle++) {
				let kind = firstRound[cycle - 1] ?? KINDS[Math.floor(Math.random() * KINDS.length)];
				if ((kind === 'restart' || kind === 'kill9') && restarts >= MAX_RESTARTS) kind = 'toggle';
				if (SLOW.includes(kind) && slow >= MAX_SLOW) kind = 'toggle';
				if (SLOW.includes(kind)) slow++;
				switch (kind) {
					case 'toggle':
						await (active ? deactivate() : activate());
						break;
					case 'restart':
					case 'kill9':
						restarts++;
						await restartN8n(env, kind === 'kill9');
						if (active) await env.n8n.api.waitForWebhook(url, { timeoutMs: 120_000 });
						break;
					case 'precreate409': {
						if (active) await deactivate();
						// A stale webhook for our URL, e.g. left by an earlier instance.
						await env.sandbox.api('POST', '/v1/webhooks/messages', {
							url,
							method: 'POST',
							encoding: 'JSON',
							events: ['RECEIVED_SMS'],
							template: '{"stale":true}',
						});
						await activate();
						break;
					}
					case 'remoteDelete': {
						if (!active) await activate();
						const [hook] = await env.sandbox.webhooksFor(url);
						await env.sandbox.api('DELETE', `/v1/webhooks/messages/${hook.id}`);
						// Recovery as a user does it: re-save (deactivate and activate) the workflow.
						const started = Date.now();
						await deactivate();
						await activate();
						recoveries.push(Date.now() - started);
						break;
					}
					case 'create5xx':
					case 'create500AfterAccept':
						if (active) await deactivate();
						await withOneFault(
							{
								[kind === 'create5xx' ? 'rate500' : 'rate500AfterAccept']: 1,
								paths: ['/v1/webhooks/messages'],
								methods: ['POST'],
							},
							activate,
						);
						break;
					case 'delete5xx':
					case 'deleteTimeout':
						if (!active) await activate();
						await withOneFault(
							{
								[kind === 'delete5xx' ? 'rate503' : 'rateTimeout']: 1,
								paths: ['/v1/webhooks/messages/'],
								methods: ['DELETE'],
							},
							() => deactivate(150_000),
						);
						break;
					case 'createTimeoutAfterAccept': {
						// Created, but the answer never comes: the node's retry meets a 409 and adopts it
						// (a PATCH). n8n activates in the background, and the held POST already created the
						// webhook, so the sandbox looks right before create() is done: wait for the PATCH.
						if (active) await deactivate();
						const patches = async () =>
							(await env.sandbox.counters()).requests['PATCH /v1/webhooks/messages/:id'] ?? 0;
						const before = await patches();
						await withOneFault(
							{ rateTimeoutAfterAccept: 1, paths: ['/v1/webhooks/messages'], methods: ['POST'] },
							activate,
						);
						await pollUntil(
							'create() to adopt the webhook after its timeout',
							patches,
							(n) => n > before,
							{
								timeoutMs: 150_000,
								intervalMs: 1_000,
							},
						);
						break;
					}
					case 'editEvents': {
						events = EVENT_SETS.find((set) => set !== events)!;
						const edited = triggerWorkflow(env, {
							name: wf.name,
							events,
							webhookId: wf.webhookId,
						});
						await env.n8n.api.updateWorkflow(id, edited);
						if (active) {
							await waitForSandboxHooks(
								env,
								url,
								(list) => list.length === 1 && hasCurrentEvents(list[0]),
								{ what: `the webhook's events after the edit: ${events.join(', ')}` },
							);
						}
						break;
					}
					case 'testEvent':
					case 'testCancel':
					case 'testExpiry': {
						await listen();
						const started = Date.now();
						if (kind === 'testEvent') {
							// The first event ends test listening (and runs the test execution).
							await env.sandbox.injectReply({ source_number: '+61491570156', content: 'YES' });
						} else if (kind === 'testCancel') {
							await env.n8n.api.rest('DELETE', `/test-webhook/${id}`);
						}
						await testHookGone(kind === 'testExpiry' ? 180_000 : 30_000);
						if (kind === 'testExpiry') testExpiries.push(Date.now() - started);
						break;
					}
				}
				await compare(cycle, kind);
			}
			const summary = {
				cycles: CYCLES,
				restarts,
				kinds: Object.fromEntries(
					DISTINCT_KINDS.map((k) => [k, log.filter((l) => l.kind === k).length]),
				),
				...totals,
				recoveryMs: recoveries,
				testExpiryMs: testExpiries,
			};
			log.push(summary);
			console.log(`lifecycle soak: ${JSON.stringify(summary)}`);
			expect(totals).toEqual({ orphans: 0, duplicates: 0, missing: 0, stale: 0 });
			// The secret still authenticates after all of it.
			if (active) {
				const [hook] = await env.sandbox.webhooksFor(url);
				expect(headerOf(hook, SECRET_HEADER)).toMatch(/^[0-9a-f]{64}$/);
			}
		},
		TIMEOUT_MS,
	);
});
