/**
 * Installing as a user does: n8n starts without the package; we `npm pack` it,
 * `npm install` the tarball into <userFolder>/.n8n/nodes (n8n's documented manual install), and
 * restart n8n. The nodes then load as `n8n-nodes-messagemedia.*`, and, with that installed copy,
 * the two example workflows import cleanly and the delivery-failures one routes each failed
 * delivery report to its branch.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

import { RESERVED_NUMBERS } from '../../sandbox';
import {
	CREDENTIAL_TYPE,
	ImportedWorkflow,
	importExamples,
	N8nWorkflow,
	PACKAGE_NAME,
} from '../../scripts/n8n/n8n';
import {
	activateTrigger,
	createSandboxCredential,
	deactivateTrigger,
	E2eEnv,
	expectExecutionCountStays,
	nodeOutput,
	nodesRun,
	NODE_TYPES,
	saveArtifact,
	startE2e,
} from './helpers/harness';
import { builtPackageDir, REPO_ROOT } from './helpers/package';

const execFileAsync = promisify(execFile);

/** The two headline examples (others in examples/ are imported too, but not checked here). */
const EXAMPLES = ['appointment-confirmation.json', 'delivery-failures.json'];

describe('installed as a user installs it', () => {
	let env: E2eEnv;
	let nodesDir: string;

	beforeAll(async () => {
		env = await startE2e({ name: 'user-install', install: 'none' });
		nodesDir = path.join(env.n8n.userFolder, '.n8n', 'nodes');
	});

	afterAll(async () => {
		await env?.stop();
	});

	it('n8n starts without the package', async () => {
		const types = await env.n8n.api.nodeTypeNames();
		expect(types.filter((t) => t.startsWith(`${PACKAGE_NAME}.`))).toEqual([]);
		expect(fs.existsSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME))).toBe(false);
	});

	it('npm pack, npm install the tarball into ~/.n8n/nodes, restart: the nodes load under n8n-nodes-messagemedia.*', async () => {
		const packageDir = await builtPackageDir();
		const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-e2e-pack-'));
		try {
			const { stdout } = await execFileAsync(
				'npm',
				['pack', packageDir, '--pack-destination', packDir, '--json'],
				{ cwd: packDir, maxBuffer: 16 * 1024 * 1024 },
			);
			const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: { path: string }[] }>;
			const shipped = packed.files.map((f) => f.path).sort();
			saveArtifact('user-install.tarball-files.json', shipped);
			expect(shipped).toContain('package.json');
			expect(shipped).toContain('dist/nodes/MessageMedia/MessageMedia.node.js');
			expect(shipped).toContain('dist/nodes/MessageMedia/MessageMediaTrigger.node.js');
			expect(shipped).toContain('dist/credentials/MessageMediaMessagingApi.credentials.js');
			expect(
				shipped.filter((f) => !/^(dist\/|package\.json$|index\.js$|README\.md$|LICENSE$)/.test(f)),
			).toEqual([]);

			fs.mkdirSync(nodesDir, { recursive: true });
			const tarball = path.join(packDir, packed.filename);
			const t0 = Date.now();
			const installed = await execFileAsync(
				'npm',
				['install', tarball, '--no-audit', '--no-fund', '--loglevel=error'],
				{ cwd: nodesDir, maxBuffer: 16 * 1024 * 1024 },
			);
			console.log(
				`npm install of the tarball took ${Date.now() - t0} ms ${installed.stdout.trim()}`,
			);
		} finally {
			fs.rmSync(packDir, { recursive: true, force: true });
		}
		const manifest = JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8'));
		expect(Object.keys(manifest.dependencies)).toContain(PACKAGE_NAME);

		await env.n8n.restart();
		const types = await env.n8n.api.nodeTypeNames();
		// n8n also derives AI-tool variants (messageMediaTool, …) from usableAsTool nodes.
		const ours = types.filter((t) => t.startsWith(`${PACKAGE_NAME}.`));
		expect(ours).toEqual(expect.arrayContaining([NODE_TYPES.action, NODE_TYPES.trigger]));
		expect(await env.n8n.api.credentialTypeNames()).toContain(CREDENTIAL_TYPE);
		await createSandboxCredential(env);
	});

	describe('the examples', () => {
		let imported: ImportedWorkflow[];

		beforeAll(async () => {
			await env.sandbox.reset({ drIntervalMs: 50 });
		});

		it('import cleanly through the public API, with the credential rewritten', async () => {
			imported = await importExamples(env.n8n, {
				credentialId: env.credential.id,
				credentialName: env.credential.name,
			});
			expect(imported.map((i) => i.file)).toEqual(expect.arrayContaining(EXAMPLES));
			imported = imported.filter((i) => EXAMPLES.includes(i.file));
			expect(imported).toHaveLength(2);
			for (const entry of imported) {
				const file = JSON.parse(
					fs.readFileSync(path.join(REPO_ROOT, 'examples', entry.file), 'utf8'),
				) as N8nWorkflow;
				const stored = await env.n8n.api.getWorkflow(entry.id);
				expect(stored.name).toBe(file.name);
				expect(stored.nodes.map((n) => `${n.name}|${n.type}`).sort()).toEqual(
					file.nodes.map((n) => `${n.name}|${n.type}`).sort(),
				);
				expect(stored.connections).toEqual(file.connections);
				for (const node of stored.nodes) {
					if (node.type.startsWith(`${PACKAGE_NAME}.`)) {
						expect(node.credentials).toEqual({
							[CREDENTIAL_TYPE]: { id: env.credential.id, name: env.credential.name },
						});
					}
				}
			}
		});

		it('both activate, each registering exactly one webhook', async () => {
			for (const entry of imported) {
				const trigger = entry.workflow.nodes.find((n) => n.type === NODE_TYPES.trigger)!;
				await activateTrigger(env, entry.id, trigger.webhookId!);
			}
			expect(await env.sandbox.webhooks()).toHaveLength(2);
		});

		it('delivery-failures routes a failed DR (reserved number) to its failed branch, and expired/rejected to theirs', async () => {
			const entry = imported.find((i) => i.file === 'delivery-failures.json')!;
			const failed = await env.sandbox.sendMessage(RESERVED_NUMBERS.failed, 'will fail');
			const executions = await env.n8n.api.waitForExecutions(entry.id, 1, { timeoutMs: 30_000 });
			saveArtifact('user-install.delivery-failures.json', executions);
			const [execution] = executions;
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'Delivery failed')[0]).toMatchObject({
				event: 'delivery_report',
				status: 'failed',
				statusCode: 400,
				messageId: failed.message_id,
			});
			expect(nodeOutput(execution, 'Why?', 0)).toHaveLength(1);
			expect(nodesRun(execution)).toEqual(
				['Delivery failed', 'Failed: try another channel', 'Why?'].sort(),
			);
			await expectExecutionCountStays(env, entry.id, 1, 1_000);

			await env.sandbox.sendMessage(RESERVED_NUMBERS.expired, 'will expire');
			await env.sandbox.sendMessage(RESERVED_NUMBERS.rejected, 'will be rejected');
			await env.sandbox.sendMessage('+61491570170', 'will arrive');
			const all = await env.n8n.api.waitForExecutions(entry.id, 3, { timeoutMs: 30_000 });
			const routed = all.slice(1).map((e) => ({
				status: nodeOutput(e, 'Delivery failed')[0]?.status as string,
				ran: nodesRun(e).filter((n) => n !== 'Delivery failed' && n !== 'Why?'),
			}));
			expect(routed.sort((a, b) => a.status.localeCompare(b.status))).toEqual([
				{ status: 'expired', ran: ['Expired: resend later'] },
				{ status: 'rejected', ran: ['Rejected: check the number'] },
			]);
			await expectExecutionCountStays(env, entry.id, 3, 1_500);
		});

		afterAll(async () => {
			for (const entry of imported ?? []) {
				const trigger = entry.workflow.nodes.find((n) => n.type === NODE_TYPES.trigger)!;
				await deactivateTrigger(env, entry.id, trigger.webhookId!).catch(() => {});
			}
		});
	});
});
