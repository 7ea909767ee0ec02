/**
 * `npm start`, the demo, as a newcomer meets it: the real script (scripts/start.ts) with a real
 * n8n and the sandbox, in a folder of its own and on free ports. One demo at a time (a second
 * start refuses within seconds and leaves the first untouched), a reply command that works before
 * and after a reminder exists, and data that survives Ctrl-C until `--fresh`.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { readHarnessState } from '../../scripts/n8n/owner';
import { freePort } from '../../scripts/n8n/ports';
import { N8nApi } from '../../scripts/n8n/api';
import { pollUntil, SandboxClient } from './helpers/harness';
import { REPO_ROOT } from './helpers/package';

const BANNER = 'n8n with n8n-nodes-messagemedia is running.';
const EXAMPLES = fs
	.readdirSync(path.join(REPO_ROOT, 'examples'))
	.filter((f) => f.endsWith('.json'));

interface Run {
	child: ChildProcess;
	output: () => string;
	exited: Promise<number | null>;
}

/** `npm start -- <args>` as docs/development.md gives it (tsx scripts/start.ts), without the rebuild. */
function npmStart(args: string[]): Run {
	const child = spawn(
		process.execPath,
		[path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start.ts', ...args],
		{ cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
	);
	let out = '';
	child.stdout!.on('data', (d) => (out += d));
	child.stderr!.on('data', (d) => (out += d));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	return { child, output: () => out, exited };
}

async function untilOutput(run: Run, text: string, timeoutMs: number): Promise<void> {
	await pollUntil(
		`"${text}" from npm start`,
		async () => run.output(),
		(out) => {
			if (run.child.exitCode !== null && !out.includes(text)) {
				throw new Error(`npm start exited ${run.child.exitCode} before "${text}":\n${out}`);
			}
			return out.includes(text);
		},
		{ timeoutMs, intervalMs: 250 },
	);
}

/** Runs a command that ends by itself; returns its exit code, output and how long it took. */
async function finished(
	args: string[],
): Promise<{ code: number | null; output: string; ms: number }> {
	const started = Date.now();
	const run = npmStart(args);
	const code = await run.exited;
	return { code, output: run.output(), ms: Date.now() - started };
}

describe('npm start (the demo) in real n8n', () => {
	const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-demo-'));
	let port: number;
	let sandboxPort: number;
	let demo: Run | undefined;

	const flags = () => [
		'--state-dir',
		stateDir,
		'--port',
		String(port),
		'--sandbox-port',
		String(sandboxPort),
		'--skip-build',
	];

	/** The running demo's n8n, through its public API with the key the demo keeps in its folder. */
	const n8nApi = () => new N8nApi(`http://127.0.0.1:${port}`, readHarnessState(stateDir)!.apiKey);

	async function workflowNames(): Promise<string[]> {
		return (await n8nApi().listWorkflows()).map((w) => w.name).sort();
	}

	async function start(extra: string[] = []): Promise<Run> {
		const run = npmStart([...flags(), ...extra]);
		demo = run;
		await untilOutput(run, BANNER, 5 * 60_000);
		return run;
	}

	async function stop(run: Run): Promise<string> {
		run.child.kill('SIGINT');
		expect(await run.exited).toBe(0);
		demo = undefined;
		return run.output();
	}

	beforeAll(async () => {
		port = await freePort();
		sandboxPort = await freePort();
	});

	afterAll(async () => {
		if (demo && demo.child.exitCode === null) {
			demo.child.kill('SIGINT');
			await demo.exited;
		}
		fs.rmSync(stateDir, { recursive: true, force: true });
	});

	it('starts, imports every example once, and says where its data lives', async () => {
		const run = await start();
		expect(run.output()).toContain(`Data:        ${stateDir}`);
		expect(await workflowNames()).toHaveLength(EXAMPLES.length);
		// Nobody but the owner can read the folder that holds the password and the API key.
		expect(fs.statSync(stateDir).mode & 0o077).toBe(0);
	});

	it('a second npm start refuses within seconds, naming the port, and leaves the first untouched', async () => {
		const before = await workflowNames();
		const otherFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-demo-2-'));
		try {
			const sameFolder = await finished(flags());
			expect(sameFolder.code).not.toBe(0);
			expect(sameFolder.ms).toBeLessThan(20_000);
			expect(sameFolder.output).toContain(`Port ${port} is taken by its n8n`);
			expect(sameFolder.output).toContain(`already running from ${stateDir}`);
			expect(sameFolder.output).not.toContain(BANNER);

			const samePorts = await finished([...flags().slice(2), '--state-dir', otherFolder]);
			expect(samePorts.code).not.toBe(0);
			expect(samePorts.ms).toBeLessThan(20_000);
			expect(samePorts.output).toMatch(new RegExp(`Port (${port}|${sandboxPort}) is taken by`));
			expect(samePorts.output).not.toContain(BANNER);
		} finally {
			fs.rmSync(otherFolder, { recursive: true, force: true });
		}
		expect(await workflowNames()).toEqual(before);
	});

	it('the reply command says what to do first, then answers the latest reminder', async () => {
		const early = await finished(['--reply', 'YES', '--state-dir', stateDir]);
		expect(early.code).toBe(1);
		expect(early.output).toContain('No reminder has been sent yet');
		expect(early.output).toContain('Send reminders now');

		// What "Send reminders now" sends: a reminder carrying its appointment in the metadata.
		await new SandboxClient({ url: `http://127.0.0.1:${sandboxPort}` }).sendMessage(
			'+61491570156',
			'Reminder: your appointment is tomorrow. Reply YES to confirm, NO to cancel.',
			{ appointmentId: 'APT-2001', kind: 'reminder' },
		);

		const answered = await finished(['--reply', 'YES', '--state-dir', stateDir]);
		expect(answered.output).toContain('(APT-2001) replied "YES"');
		expect(answered.output).toContain(
			'The workflow texted back: "Thanks! Appointment APT-2001 is confirmed.',
		);
		expect(answered.code).toBe(0);

		// A second reply goes to the reminder again, not to the workflow's own confirmation.
		const again = await finished(['--reply', 'YES', '--state-dir', stateDir]);
		expect(again.output).toContain('Appointment APT-2001 is confirmed.');
	});

	it('keeps a workflow made in the editor across Ctrl-C and a new start; --fresh removes it', async () => {
		await n8nApi().createWorkflow({ name: 'Made in the editor', nodes: [], connections: {} });

		expect(await stop(demo!)).toContain(`your workflows and executions are kept in ${stateDir}`);
		await start();
		const kept = await workflowNames();
		expect(kept).toContain('Made in the editor');
		expect(kept).toHaveLength(EXAMPLES.length + 1);
		await stop(demo!);

		const fresh = await start(['--fresh']);
		expect(fresh.output()).toContain(`--fresh: deleting ${stateDir}`);
		const after = await workflowNames();
		expect(after).not.toContain('Made in the editor');
		expect(after).toHaveLength(EXAMPLES.length);
		await stop(fresh);
	});
});
