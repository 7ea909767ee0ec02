/**
 * `npm start`: the demo. Builds the package, starts the MessageMedia sandbox and a real n8n
 * (installed on first use, which takes minutes) with the package loaded, a credential pointing at
 * the sandbox and the example workflows imported. n8n's data stays in one folder (printed in the
 * banner), so a stop and a start continue where the user left off. Ctrl-C stops both.
 *
 *   npm start -- [--port 5678] [--sandbox-port 8787] [--state-dir <dir>] [--fresh]
 *                [--auth basic|hmac] [--no-activate] [--skip-build] [--verbose]
 *   npm start -- --reply YES [--to <appointment id or phone number>] [--state-dir <dir>]
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { parseArgs } from 'util';
import { DEMO_CREDENTIALS, SandboxHandle, startSandbox } from '../sandbox';
import { portHolder, PortHolder } from './demo/ports';
import { playReply } from './demo/reply';
import { defaultStateDir, DemoLock, DemoState } from './demo/state';
import {
	CREDENTIAL_TYPE,
	N8nApiError,
	N8nInstance,
	N8nWorkflow,
	NODE_TYPES,
	OPENAI_CREDENTIAL_TYPE,
	pointChatModelsAt,
	rewriteCredentials,
	SCRIPTED_MODEL_CREDENTIAL_NAME,
	scriptedModelCredentialData,
	startN8n,
} from './n8n/n8n';
import { isPortFree } from './n8n/ports';

const REPO = path.resolve(__dirname, '..');
const EXAMPLES_DIR = path.join(REPO, 'examples');
const REMINDERS_FILE = 'appointment-reminders.json';
const REPLIES_FILE = 'appointment-confirmation.json';

interface Args {
	port: number;
	sandboxPort: number;
	auth: 'basic' | 'hmac';
	activate: boolean;
	stateDir: string;
	fresh: boolean;
	build: boolean;
	verbose: boolean;
	reply?: string;
	to?: string;
}

const USAGE = `Usage:
  npm start -- [--port 5678] [--sandbox-port 8787] [--state-dir <dir>] [--fresh]
               [--auth basic|hmac] [--no-activate] [--skip-build] [--verbose]
  npm start -- --reply YES [--to <appointment id or phone number>] [--state-dir <dir>]

  --state-dir   where n8n keeps its data between runs (default ${defaultStateDir()})
  --fresh       delete that folder first and start over
  --reply TEXT  play the customer: reply TEXT to the latest reminder of the running demo`;

const FLAGS = {
	port: { type: 'string' },
	'sandbox-port': { type: 'string' },
	auth: { type: 'string' },
	'no-activate': { type: 'boolean' },
	'state-dir': { type: 'string' },
	'user-folder': { type: 'string' },
	fresh: { type: 'boolean' },
	'skip-build': { type: 'boolean' },
	verbose: { type: 'boolean' },
	reply: { type: 'string' },
	to: { type: 'string' },
	help: { type: 'boolean', short: 'h' },
} as const;

function readArgs(argv: string[]): Args {
	const values = parseOrExplain(argv);
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	const auth = values.auth ?? 'basic';
	if (auth !== 'basic' && auth !== 'hmac') throw new Error('--auth must be basic or hmac');
	const stateDir = values['state-dir'] ?? values['user-folder'];
	const args: Args = {
		port: portNumber('--port', values.port ?? '5678'),
		sandboxPort: portNumber('--sandbox-port', values['sandbox-port'] ?? '8787'),
		auth,
		activate: !values['no-activate'],
		stateDir: stateDir ? path.resolve(stateDir) : defaultStateDir(),
		fresh: values.fresh ?? false,
		build: !values['skip-build'],
		verbose: values.verbose ?? false,
		reply: values.reply,
		to: values.to,
	};
	if (args.port === args.sandboxPort) throw new Error('--port and --sandbox-port must differ');
	return args;
}

/** The flags given, or an error that shows the usage after what was wrong. */
function parseOrExplain(argv: string[]) {
	try {
		return parseArgs({ args: argv, options: FLAGS }).values;
	} catch (error) {
		throw new Error(`${(error as Error).message}\n${USAGE}`);
	}
}

function portNumber(flag: string, text: string): number {
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${flag} needs a port`);
	return n;
}

const say = (line: string) => console.log(`[start] ${line}`);

/** Stops with one sentence (and no stack). */
class Refusal extends Error {}

/** The --state-dir flag to repeat in printed commands, when it is not the default. */
function stateFlag(args: Args): string {
	return args.stateDir === defaultStateDir() ? '' : ` --state-dir ${args.stateDir}`;
}

function replyCommand(args: Args, content = 'YES'): string {
	return `npm start -- --reply ${content}${stateFlag(args)}`;
}

/** Set once the ports are checked: a command with two ports that are free now. */
let portsHint = '';

async function suggestPorts(args: Args, withStateDir: boolean): Promise<string> {
	const taken = new Set([args.port, args.sandboxPort]);
	const next = async (from: number) => {
		for (let p = from + 1; p < from + 50; p++) {
			if (!taken.has(p) && (await isPortFree(p))) {
				taken.add(p);
				return p;
			}
		}
		return from + 50;
	};
	const port = await next(args.port);
	const sandboxPort = await next(args.sandboxPort);
	return (
		`npm start -- --port ${port} --sandbox-port ${sandboxPort}` +
		(withStateDir ? ` --state-dir ${args.stateDir}-2` : stateFlag(args))
	);
}

function describeHolder(
	port: number,
	holder: PortHolder,
	lock: (DemoLock & { dir: string }) | undefined,
): string {
	const role = port === lock?.port ? 'its n8n' : port === lock?.sandboxPort ? 'its sandbox' : '';
	if (lock && role) {
		return (
			`Port ${port} is taken by ${role}: this demo is already running from ${lock.dir} ` +
			`(npm start pid ${lock.pid}, editor ${lock.editorUrl}); use that one, or stop it with Ctrl-C ` +
			`in its terminal (or \`kill ${lock.pid}\`) and start again.`
		);
	}
	const what =
		holder === 'n8n'
			? 'an n8n this demo did not start'
			: holder === 'sandbox'
				? 'a MessageMedia sandbox this demo did not start'
				: 'another program';
	return `Port ${port} is taken by ${what}; stop it, or choose other ports: \`${portsHint}\`.`;
}

/** Refuses when the folder is in use or a port is taken; claims the folder otherwise. */
async function claimFolderAndPorts(args: Args, state: DemoState): Promise<void> {
	const running = state.runningDemo();
	if (running) {
		const taken = [args.port, args.sandboxPort].find(
			(p) => p === running.port || p === running.sandboxPort,
		);
		if (taken) {
			throw new Refusal(describeHolder(taken, 'unknown', { ...running, dir: state.dir }));
		}
		throw new Refusal(
			`This demo is already running from ${state.dir} (npm start pid ${running.pid}, editor ` +
				`${running.editorUrl}); use that one, stop it with Ctrl-C in its terminal (or ` +
				`\`kill ${running.pid}\`), or run a second one with its own folder and ports: ` +
				`\`${await suggestPorts(args, true)}\`.`,
		);
	}
	portsHint = await suggestPorts(args, false);
	for (const port of [args.port, args.sandboxPort]) {
		const holder = await portHolder(port);
		if (holder) throw new Refusal(describeHolder(port, holder, undefined));
	}
	const lock: DemoLock = {
		pid: process.pid,
		port: args.port,
		sandboxPort: args.sandboxPort,
		editorUrl: `http://localhost:${args.port}`,
		sandboxUrl: `http://127.0.0.1:${args.sandboxPort}`,
		startedAt: new Date().toISOString(),
	};
	const holder = state.claim(lock);
	if (holder) {
		throw new Refusal(
			`This demo is already running from ${state.dir} (npm start pid ${holder.pid}); use that ` +
				`one, or stop it with Ctrl-C in its terminal (or \`kill ${holder.pid}\`).`,
		);
	}
}

async function reply(args: Args): Promise<number> {
	const state = new DemoState(args.stateDir);
	const running = state.runningDemo();
	if (!running) {
		console.log(
			`The demo is not running from ${args.stateDir}: start it with ` +
				`\`npm start${stateFlag(args) ? ` --${stateFlag(args)}` : ''}\`, then follow the steps it prints.`,
		);
		return 1;
	}
	const outcome = await playReply({
		sandboxUrl: running.sandboxUrl,
		content: args.reply!,
		to: args.to,
		firstStep: firstStepText(running.remindersUrl ?? running.editorUrl),
	});
	for (const line of outcome.lines) console.log(line);
	return outcome.ok ? 0 : 1;
}

function firstStepText(remindersUrl: string, again = 'run this again'): string {
	return `First open ${remindersUrl} and click "Execute workflow" ("Send reminders now" texts three customers), then ${again}.`;
}

/** Points the demo credential at this run's sandbox (its port may differ), or creates it. */
async function upsertCredential(
	n8n: N8nInstance,
	args: Args,
	sandboxUrl: string,
	knownId: string | undefined,
): Promise<{ id: string; name: string }> {
	const demo = DEMO_CREDENTIALS[args.auth];
	return upsertCredentialOfType(n8n, CREDENTIAL_TYPE, `MessageMedia sandbox (${args.auth})`, {
		data: {
			authType: args.auth,
			apiKey: demo.apiKey,
			apiSecret: demo.apiSecret,
			region: 'custom',
			baseUrl: sandboxUrl,
			subAccount: '',
		},
		knownId,
	});
}

/** The OpenAI credential of the AI agent example, pointed at this run's scripted model. */
function upsertModelCredential(n8n: N8nInstance, sandboxUrl: string) {
	return upsertCredentialOfType(n8n, OPENAI_CREDENTIAL_TYPE, SCRIPTED_MODEL_CREDENTIAL_NAME, {
		data: scriptedModelCredentialData(sandboxUrl),
	});
}

async function upsertCredentialOfType(
	n8n: N8nInstance,
	type: string,
	name: string,
	{ data, knownId }: { data: Record<string, unknown>; knownId?: string },
): Promise<{ id: string; name: string }> {
	const existing = (
		await n8n.api.rest<Array<{ id: string; name: string; type: string }>>('GET', '/credentials')
	).find((c) => c.type === type && (c.id === knownId || c.name === name));
	if (existing) {
		await n8n.api.rest('PATCH', `/credentials/${existing.id}`, {
			name: existing.name,
			type,
			data,
		});
		return { id: existing.id, name: existing.name };
	}
	const created = await n8n.api.createCredential(name, type, data);
	return { id: created.id, name: created.name };
}

interface DemoWorkflow {
	file: string;
	id: string;
	name: string;
	active: boolean;
	isNew: boolean;
}

/**
 * Imports the examples this folder has not seen yet (a workflow the user deleted stays deleted,
 * one the user edited is left as it is) and activates the new ones that have a trigger.
 */
async function importOnce(
	n8n: N8nInstance,
	state: DemoState,
	credential: { id: string; name: string },
	model: { id: string; name: string },
	activate: boolean,
): Promise<DemoWorkflow[]> {
	const record = state.readRecord();
	record.credentialId = credential.id;
	const existing = await n8n.api.listWorkflows();
	const out: DemoWorkflow[] = [];
	const files = fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort();
	for (const file of files) {
		const wf = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as N8nWorkflow;
		if (!Array.isArray(wf.nodes)) continue;
		const known = existing.find((w) => w.id === record.imported[file]);
		if (record.imported[file]) {
			if (known)
				out.push({ file, id: known.id, name: known.name, active: !!known.active, isNew: false });
			continue;
		}
		const sameName = existing.find((w) => w.name === wf.name);
		if (sameName) {
			record.imported[file] = sameName.id;
			out.push({
				file,
				id: sameName.id,
				name: sameName.name,
				active: !!sameName.active,
				isNew: false,
			});
			continue;
		}
		const created = await n8n.api.createWorkflow(
			pointChatModelsAt(rewriteCredentials(wf, credential.id, credential.name), model),
		);
		record.imported[file] = created.id;
		state.writeRecord(record);
		let active = false;
		if (activate && wf.nodes.some((n) => n.type === NODE_TYPES.trigger)) {
			try {
				await n8n.api.activate(created.id);
				active = true;
			} catch (error) {
				say(`could not publish "${created.name}": ${String(error).slice(0, 300)}`);
			}
		}
		out.push({ file, id: created.id, name: created.name, active, isNew: true });
	}
	state.writeRecord(record);
	return out;
}

/**
 * n8n re-publishes its active workflows at boot, before the credential points at this run's
 * sandbox (a fresh one, on a port that may have changed): a trigger whose webhook the sandbox does
 * not know is published again, which registers it there.
 */
async function reregisterTriggers(n8n: N8nInstance, sandboxUrl: string): Promise<void> {
	const registered = (
		(await (await fetch(`${sandboxUrl}/_sandbox/webhooks`)).json()) as {
			webhooks: Array<{ url: string }>;
		}
	).webhooks.map((hook) => hook.url);
	for (const wf of await n8n.api.listWorkflows()) {
		if (!wf.active) continue;
		const triggers = wf.nodes.filter((n) => n.type === NODE_TYPES.trigger && !n.disabled);
		const missing = triggers.some(
			(node) => !registered.some((url) => url.includes(`/webhook/${node.webhookId}/`)),
		);
		if (!missing) continue;
		try {
			await n8n.api.deactivate(wf.id);
			await n8n.api.activate(wf.id);
		} catch (error) {
			say(`could not publish "${wf.name}" again: ${String(error).slice(0, 300)}`);
		}
	}
}

/** What is running, for the shutdown: filled in as the demo starts. */
interface Running {
	sandbox?: SandboxHandle;
	n8n?: N8nInstance;
}

async function main(): Promise<number> {
	const args = readArgs(process.argv.slice(2));
	if (args.reply !== undefined) return reply(args);

	const state = new DemoState(args.stateDir);
	if (args.fresh) startOver(state);
	state.secure();
	await claimFolderAndPorts(args, state);

	const running: Running = {};
	stopOnSignals(running, state);
	try {
		await runDemo(args, state, running);
		return -1; // keep running until Ctrl-C
	} catch (error) {
		console.error(error instanceof Refusal ? error.message : error);
		await stopAll(running, state);
		return 1;
	}
}

/** --fresh: deletes the folder, unless a demo runs from it. */
function startOver(state: DemoState): void {
	const running = state.runningDemo();
	if (running) {
		throw new Refusal(
			`Cannot start over while the demo runs from ${state.dir} (npm start pid ${running.pid}): stop it with Ctrl-C in its terminal (or \`kill ${running.pid}\`) first.`,
		);
	}
	const contents = state.describeContents();
	if (contents.length) {
		say(`--fresh: deleting ${state.dir}: ${contents.join(', ')}.`);
		state.wipe();
	} else say(`--fresh: ${state.dir} holds nothing yet; starting from scratch.`);
}

async function stopAll(running: Running, state: DemoState): Promise<void> {
	await running.n8n?.stop().catch(() => {});
	await running.sandbox?.close().catch(() => {});
	state.release();
}

/** Ctrl-C (or SIGTERM) stops n8n and the sandbox once, keeping the folder. */
function stopOnSignals(running: Running, state: DemoState): void {
	let stopping = false;
	const shutdown = async () => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n and the sandbox…');
		await stopAll(running, state);
		say(`stopped; your workflows and executions are kept in ${state.dir}.`);
		process.exit(0);
	};
	process.on('SIGINT', () => void shutdown());
	process.on('SIGTERM', () => void shutdown());
}

/** Builds, starts the sandbox and n8n, sets up the credential and examples, prints the banner. */
async function runDemo(args: Args, state: DemoState, running: Running): Promise<void> {
	if (args.build) {
		say('building the package (npm run build)…');
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
	}
	// Everything written from here on (n8n's database, key and log) is for the owner's eyes only.
	process.umask(0o077);
	const sandbox = (running.sandbox = await startDemoSandbox(args));
	say(`sandbox listening on ${sandbox.url}`);
	const n8n = (running.n8n = await startDemoN8n(args, state));
	state.secure();

	const credential = await upsertCredential(
		n8n,
		args,
		sandbox.url,
		state.readRecord().credentialId,
	);
	const model = await upsertModelCredential(n8n, sandbox.url);
	const workflows = await importOnce(n8n, state, credential, model, args.activate);
	await reregisterTriggers(n8n, sandbox.url);
	const editor = `http://localhost:${n8n.port}`;
	const reminders = workflows.find((w) => w.file === REMINDERS_FILE);
	const remindersUrl = reminders ? `${editor}/workflow/${reminders.id}` : editor;
	state.updateLock({
		pid: process.pid,
		port: args.port,
		sandboxPort: args.sandboxPort,
		editorUrl: editor,
		sandboxUrl: sandbox.url,
		remindersUrl,
		startedAt: new Date().toISOString(),
	});
	printBanner({ args, n8n, sandbox, state, credential, workflows, editor, remindersUrl });
	listenForReplies(sandbox.url, remindersUrl);
}

/** Refuses, naming the holder, when the port was taken since the check. */
async function refuseIfTaken(args: Args, port: number): Promise<void> {
	const holder = await portHolder(port);
	if (!holder) return;
	portsHint = await suggestPorts(args, false);
	throw new Refusal(describeHolder(port, holder, undefined));
}

async function startDemoSandbox(args: Args): Promise<SandboxHandle> {
	try {
		return await startSandbox({ port: args.sandboxPort, host: '127.0.0.1', quiet: true });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
			await refuseIfTaken(args, args.sandboxPort);
		}
		throw error;
	}
}

/**
 * Starts n8n on the port checked free just before: one bound there meanwhile makes ours exit with
 * EADDRINUSE, which is then reported as a taken port.
 */
async function startDemoN8n(args: Args, state: DemoState): Promise<N8nInstance> {
	await refuseIfTaken(args, args.port);
	say('starting n8n (progress below)…');
	try {
		return await startN8n({
			port: args.port,
			userFolder: state.dir,
			install: 'link',
			log: args.verbose ? 'inherit' : 'file',
			logLevel: args.verbose ? 'info' : 'warn',
			onProgress: say,
		});
	} catch (error) {
		await refuseIfTaken(args, args.port);
		throw error;
	}
}

function printBanner(o: {
	args: Args;
	n8n: N8nInstance;
	sandbox: SandboxHandle;
	state: DemoState;
	credential: { id: string; name: string };
	workflows: DemoWorkflow[];
	editor: string;
	remindersUrl: string;
}) {
	const { n8n, editor } = o;
	const pad = (s: string, n: number) => (s.length >= n ? `${s}  ` : s.padEnd(n));
	const width = Math.max(0, ...o.workflows.map((w) => w.name.length));
	const order = (w: DemoWorkflow) =>
		w.file === REMINDERS_FILE ? 0 : w.file === REPLIES_FILE ? 1 : 2;
	const wfLines = [...o.workflows]
		.sort((a, b) => order(a) - order(b))
		.map(
			(w) =>
				`${pad(w.name, width + 2)}${editor}/workflow/${w.id}` +
				`${w.active ? '   published' : ''}${w.isNew ? '   (imported now)' : ''}`,
		);
	const replying = o.workflows.find((w) => w.file === REPLIES_FILE);
	const lines = [
		'',
		'n8n with n8n-nodes-messagemedia is running.',
		'',
		`  Editor:      ${editor}   (sign in as ${n8n.owner.email} / ${n8n.owner.password})`,
		`  Sandbox:     ${o.sandbox.url}   (stands in for MessageMedia; texts sent: ${o.sandbox.url}/_sandbox/messages)`,
		`  Credential:  "${o.credential.name}" (${o.args.auth} auth)`,
		`  Workflows:   ${wfLines.join('\n               ') || 'none in examples/'}`,
		`  Data:        ${o.state.dir}`,
		`               kept between runs (Ctrl-C, then \`npm start${o.args.stateDir === defaultStateDir() ? '' : ` --${stateFlag(o.args)}`}\` continues);`,
		`               \`npm start -- --fresh${stateFlag(o.args)}\` starts over.`,
		`               The sandbox keeps its texts in memory only: they are gone after a stop.`,
		n8n.logFile ? `  n8n log:     ${n8n.logFile}` : '',
		'',
		'Try it, in this order:',
		`  1. Open the editor at ${editor} and sign in.`,
		`  2. Open "Appointment reminders (MessageMedia)" (${o.remindersUrl}) and click`,
		'     "Execute workflow": "Send reminders now" texts three customers through the sandbox.',
		"  3. Play the customer's answer to the latest reminder: type YES (or NO, STOP, anything)",
		'     here and press Enter, or run this in another terminal:',
		'',
		`       ${replyCommand(o.args)}`,
		'',
		`     ${replying ? `"${replying.name}"` : 'The confirmation workflow'} answers it; its Executions tab shows the run.`,
		'',
		'Ctrl-C stops n8n and the sandbox.',
		'',
	].filter((line, i, all) => line !== '' || all[i - 1] !== '');
	console.log(lines.join('\n'));
}

function listenForReplies(sandboxUrl: string, remindersUrl: string) {
	const rl = readline.createInterface({ input: process.stdin });
	let busy = false;
	rl.on('line', async (line) => {
		const content = line.trim();
		if (!content || busy) return;
		busy = true;
		try {
			const outcome = await playReply({
				sandboxUrl,
				content,
				firstStep: firstStepText(remindersUrl, 'type your reply again'),
			});
			for (const text of outcome.lines) say(text);
		} catch (error) {
			say(`reply failed: ${String(error)}`);
		} finally {
			busy = false;
		}
	});
	rl.on('close', () => {
		// stdin closed (e.g. not a terminal): keep running until Ctrl-C
	});
}

main().then(
	(code) => {
		if (code >= 0) process.exit(code);
	},
	(error) => {
		if (error instanceof Refusal) console.error(error.message);
		else if (error instanceof N8nApiError) console.error(error.message);
		else console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
