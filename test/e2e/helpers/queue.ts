/**
 * Queue-mode setup for test/e2e/queue-mode.e2e.test.ts: a sandbox, the package built once, and a
 * queue-mode cluster (scripts/n8n/queue.ts) whose main process plays the role of `env.n8n`, so the
 * helpers of ./harness.ts (activateTrigger, deactivateTrigger, ...) work unchanged: the main
 * process's webhookUrl is the proxy in front of the webhook processes.
 */
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox } from '../../../sandbox';
import { N8nCredential, N8nWorkflow, readExample } from '../../../scripts/n8n/n8n';
import { QueueCluster, QueueClusterOptions, startQueueCluster } from '../../../scripts/n8n/queue';
import { createSandboxCredential, E2eEnv, SandboxClient, uniqueWebhookId } from './harness';
import { ARTIFACTS, builtPackageDir } from './package';

export interface QueueE2e extends E2eEnv {
	cluster: QueueCluster;
}

/** Starts the sandbox and the cluster, creates the credential on the main process. */
export async function startQueueE2e(
	name: string,
	options: QueueClusterOptions = {},
): Promise<QueueE2e> {
	const t0 = Date.now();
	const handle = await startSandbox({ port: 0, quiet: true, drIntervalMs: 50 });
	const sandbox = new SandboxClient(handle);
	let cluster: QueueCluster | undefined;
	try {
		await sandbox.reset();
		const packageDir = await builtPackageDir();
		cluster = await startQueueCluster({
			packageDir,
			onProgress: (m) => console.log(`[${name} +${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}`),
			...options,
		});
		const started = cluster;
		const env: QueueE2e = {
			cluster: started,
			n8n: started.main,
			sandbox,
			credential: undefined as unknown as N8nCredential,
			credentialRef: undefined as unknown as E2eEnv['credentialRef'],
			created: [],
			async stop() {
				saveClusterLogs(started, name);
				await started.stop();
				await handle.close();
			},
		};
		await createSandboxCredential(env);
		console.log(
			`[${name}] cluster ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: main ${started.main.baseUrl}, ` +
				`proxy ${started.webhookUrl} -> ${started.proxy.backends.join(', ')}, database ${started.database}, ` +
				`Redis prefix ${started.redisPrefix}`,
		);
		return env;
	} catch (error) {
		if (cluster) {
			saveClusterLogs(cluster, name);
			await cluster.stop().catch(() => {});
		}
		await handle.close();
		throw error;
	}
}

/** Copies every process's log to test-artifacts/e2e/<name>.<process>.log. */
export function saveClusterLogs(cluster: QueueCluster, name: string) {
	const dir = path.join(ARTIFACTS, 'e2e');
	fs.mkdirSync(dir, { recursive: true });
	for (const [proc, file] of Object.entries(cluster.logFiles())) {
		try {
			if (file && fs.existsSync(file)) fs.copyFileSync(file, path.join(dir, `${name}.${proc}.log`));
		} catch {
			// best effort
		}
	}
}

export const TRIGGER_NODE = 'Customer replied';
export const SWITCH_NODE = 'What did they say?';
export const DEDUP_NODE = 'Remove Duplicates';
export const CLAIM_NODE = 'Claim event (Redis INCR)';
export const FIRST_COPY_NODE = 'First copy?';

/**
 * The appointment-confirmation example, pointed at the sandbox credential, with a fresh
 * webhookId (so several variants can exist in one database). With `removeDuplicates`, n8n's
 * built-in Remove Duplicates node ("Remove Items Processed in Previous Executions", value
 * `{{ $json.id }}`) sits between the trigger and the Switch.
 */
export function appointmentWorkflow(
	env: E2eEnv,
	opts: {
		name: string;
		removeDuplicates?: boolean;
		/**
		 * An atomic claim in Redis between the trigger and the Switch: Redis node "Increment"
		 * `<keyPrefix>{{ $json.id }}` (expires after a day), then an If that lets only the value 1
		 * through. The Switch then reads the event from the trigger node.
		 */
		redisClaim?: { credential: { id: string; name: string }; keyPrefix: string };
	},
): N8nWorkflow & { webhookId: string } {
	const wf = readExample('appointment-confirmation.json', env.credential);
	const webhookId = uniqueWebhookId();
	const nodes = wf.nodes.map((n) => (n.name === TRIGGER_NODE ? { ...n, webhookId } : n));
	const connections = { ...(wf.connections as Record<string, unknown>) };
	if (opts.removeDuplicates) {
		const trigger = nodes.find((n) => n.name === TRIGGER_NODE)!;
		nodes.push({
			name: DEDUP_NODE,
			type: 'n8n-nodes-base.removeDuplicates',
			typeVersion: 2,
			position: [trigger.position[0] + 110, trigger.position[1] + 120],
			parameters: {
				operation: 'removeItemsSeenInPreviousExecutions',
				logic: 'removeItemsWithAlreadySeenKeyValues',
				dedupeValue: '={{ $json.id }}',
				options: {},
			},
		});
		connections[TRIGGER_NODE] = { main: [[{ node: DEDUP_NODE, type: 'main', index: 0 }]] };
		connections[DEDUP_NODE] = { main: [[{ node: SWITCH_NODE, type: 'main', index: 0 }]] };
	}
	if (opts.redisClaim) {
		const trigger = nodes.find((n) => n.name === TRIGGER_NODE)!;
		const [x, y] = trigger.position;
		nodes.push(
			{
				name: CLAIM_NODE,
				type: 'n8n-nodes-base.redis',
				typeVersion: 1,
				position: [x + 110, y + 120],
				parameters: {
					operation: 'incr',
					key: `=${opts.redisClaim.keyPrefix}{{ $json.id }}`,
					expire: true,
					ttl: 86400,
				},
				credentials: { redis: opts.redisClaim.credential },
			},
			{
				name: FIRST_COPY_NODE,
				type: 'n8n-nodes-base.if',
				typeVersion: 2.2,
				position: [x + 220, y + 120],
				parameters: {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
						conditions: [
							{
								id: 'first-copy',
								leftValue: '={{ Object.values($json)[0] }}',
								rightValue: 1,
								operator: { type: 'number', operation: 'equals' },
							},
						],
						combinator: 'and',
					},
					looseTypeValidation: true,
					options: {},
				},
			},
		);
		connections[TRIGGER_NODE] = { main: [[{ node: CLAIM_NODE, type: 'main', index: 0 }]] };
		connections[CLAIM_NODE] = { main: [[{ node: FIRST_COPY_NODE, type: 'main', index: 0 }]] };
		connections[FIRST_COPY_NODE] = { main: [[{ node: SWITCH_NODE, type: 'main', index: 0 }], []] };
		// After the claim the item is { <key>: n }: the Switch reads the event from the trigger.
		const sw = nodes.find((n) => n.name === SWITCH_NODE)!;
		const text = JSON.stringify(sw.parameters)
			.split('{{ $json.')
			.join(`{{ $('${TRIGGER_NODE}').item.json.`);
		sw.parameters = JSON.parse(text);
	}
	return { ...wf, name: opts.name, nodes, connections, webhookId };
}

export { mapLimit } from '../../../scripts/n8n/async';

/**
 * Polls the workflow's executions until at least `min` exist, none is running, and the count
 * has not changed for `quietMs`. Returns the final count.
 */
export function waitForQuietExecutions(
	env: Pick<E2eEnv, 'n8n'>,
	workflowId: string,
	min: number,
	opts: { timeoutMs?: number; quietMs?: number } = {},
): Promise<number> {
	return env.n8n.api.waitForQuietExecutions(workflowId, min, opts);
}
