/**
 * Issue 6, webhook lifecycle soak (small): randomised cycles of activate, deactivate, graceful
 * restart, kill -9, a pre-created webhook for our URL (409), remote deletion behind n8n's back and
 * sandbox 5xx during create and delete. After every cycle the sandbox must hold exactly what should
 * exist: one webhook (ours) while the workflow is active, none while it is not. Orphans and
 * duplicates must be 0.
 *
 * CI: 15 cycles (at most 3 restarts). RELIABILITY_FULL=1: 200 cycles.
 */
import { SECRET_HEADER } from '../../nodes/MessageMedia/trigger/template';
import {
	activateTrigger,
	createWorkflow,
	deactivateTrigger,
	E2eEnv,
	headerOf,
	isRegisteredByTrigger,
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
// A cycle with a restart takes up to ~90 s: 200 cycles outlast the suite's 10-minute default, and a
// timed-out test tears n8n down under the still-running loop.
const TIMEOUT_MS = FULL ? 4 * 60 * 60 * 1000 : 10 * 60 * 1000;
type Kind =
	| 'toggle'
	| 'restart'
	| 'kill9'
	| 'precreate409'
	| 'remoteDelete'
	| 'create5xx'
	| 'create500AfterAccept'
	| 'delete5xx';
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
];

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
			const wf = triggerWorkflow(env, { name: 'reliability: soak', events: ['RECEIVED_SMS'] });
			const { id } = await createWorkflow(env, wf);
			const url = triggerUrl(env.n8n, wf.webhookId);
			let active = false;
			let restarts = 0;
			const totals = { orphans: 0, duplicates: 0, missing: 0 };
			const recoveries: number[] = [];

			/** Runs `action` with the sandbox failing the next matching request once. */
			const withOneFault = async (fault: Record<string, unknown>, action: () => Promise<void>) => {
				await env.sandbox.control('POST', '/faults', { ...fault, count: 1 });
				await action();
				await env.sandbox.control('DELETE', '/faults');
			};
			const activate = async () => {
				await activateTrigger(env, id, wf.webhookId);
				active = true;
			};
			const deactivate = async () => {
				await deactivateTrigger(env, id, wf.webhookId);
				active = false;
			};
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
				if (active && hooks.length === 1) expect(isRegisteredByTrigger(hooks[0], id)).toBe(true);
				totals.orphans += orphans;
				totals.duplicates += duplicates;
				totals.missing += missing;
				log.push({ cycle, kind, active, hooks: all.length, orphans, duplicates, missing });
			};

			for (let cycle = 1; cycle <= CYCLES; cycle++) {
				let kind = KINDS[Math.floor(Math.random() * KINDS.length)];
				if ((kind === 'restart' || kind === 'kill9') && restarts >= MAX_RESTARTS) kind = 'toggle';
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
						if (!active) await activate();
						await withOneFault(
							{ rate503: 1, paths: ['/v1/webhooks/messages/'], methods: ['DELETE'] },
							deactivate,
						);
						break;
				}
				await compare(cycle, kind);
			}
			const summary = { cycles: CYCLES, restarts, ...totals, recoveryMs: recoveries };
			log.push(summary);
			// eslint-disable-next-line no-console
			console.log(`lifecycle soak: ${JSON.stringify(summary)}`);
			expect(totals).toEqual({ orphans: 0, duplicates: 0, missing: 0 });
			// The secret still authenticates after all of it.
			if (active) {
				const [hook] = await env.sandbox.webhooksFor(url);
				expect(headerOf(hook, SECRET_HEADER)).toMatch(/^[0-9a-f]{64}$/);
			}
		},
		TIMEOUT_MS,
	);
});
