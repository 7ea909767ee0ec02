/**
 * `npm start`: builds the package, starts the MessageMedia sandbox and a real n8n (installed on
 * first use, which takes minutes) with the package loaded, a credential pointing at the sandbox
 * and the example workflows imported. Ctrl-C stops both.
 *
 *   npm start -- [--port 5678] [--sandbox-port 8787] [--auth basic|hmac] [--no-activate]
 *                [--user-folder <dir>] [--skip-build] [--verbose]
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';
import { DEMO_CREDENTIALS, startSandbox } from '../sandbox';
import {
	createMessageMediaCredential,
	importExamples,
	N8nInstance,
	NODE_TYPES,
	startN8n,
} from './n8n/n8n';

interface Args {
	port: number;
	sandboxPort: number;
	auth: 'basic' | 'hmac';
	activate: boolean;
	userFolder?: string;
	build: boolean;
	verbose: boolean;
}

function parseArgs(argv: string[]): Args {
	const args: Args = {
		port: 5678,
		sandboxPort: 8787,
		auth: 'basic',
		activate: true,
		build: true,
		verbose: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		if (flag === '--port') args.port = Number(value());
		else if (flag === '--sandbox-port') args.sandboxPort = Number(value());
		else if (flag === '--auth') {
			const v = value();
			if (v !== 'basic' && v !== 'hmac') throw new Error('--auth must be basic or hmac');
			args.auth = v;
		} else if (flag === '--no-activate') args.activate = false;
		else if (flag === '--user-folder') args.userFolder = path.resolve(value());
		else if (flag === '--skip-build') args.build = false;
		else if (flag === '--verbose') args.verbose = true;
		else if (flag === '--help' || flag === '-h') {
			console.log(
				'Usage: npm start -- [--port 5678] [--sandbox-port 8787] [--auth basic|hmac] [--no-activate] [--user-folder <dir>] [--skip-build] [--verbose]',
			);
			process.exit(0);
		} else throw new Error(`Unknown flag ${flag}`);
	}
	return args;
}

const say = (line: string) => console.log(`[start] ${line}`);

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const repo = path.resolve(__dirname, '..');

	if (args.build) {
		say('building the package (npm run build)…');
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
	}

	const sandbox = await startSandbox({ port: args.sandboxPort, host: '127.0.0.1', quiet: true });
	say(`sandbox listening on ${sandbox.url}`);

	let n8n: N8nInstance | undefined;
	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n and the sandbox…');
		await n8n?.destroy().catch(() => {});
		await sandbox.close().catch(() => {});
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	try {
		say('starting n8n (the first run installs it: about 7 minutes, progress below)…');
		n8n = await startN8n({
			port: args.port,
			userFolder: args.userFolder,
			install: 'link',
			log: args.verbose ? 'inherit' : 'file',
			logLevel: args.verbose ? 'info' : 'warn',
			onProgress: say,
		});
	} catch (error) {
		console.error(error);
		await shutdown(1);
		return;
	}

	const demo = DEMO_CREDENTIALS[args.auth];
	const credential = await createMessageMediaCredential(n8n, {
		name: `MessageMedia sandbox (${args.auth})`,
		baseUrl: sandbox.url,
		apiKey: demo.apiKey,
		apiSecret: demo.apiSecret,
		authType: args.auth,
	});
	const imported = await importExamples(n8n, {
		credentialId: credential.id,
		credentialName: credential.name,
	});
	const activated: string[] = [];
	if (args.activate) {
		for (const wf of imported) {
			const hasTrigger = wf.workflow.nodes.some((n) => n.type === NODE_TYPES.trigger);
			if (!hasTrigger) continue;
			try {
				await n8n.api.activate(wf.id);
				activated.push(wf.name);
			} catch (error) {
				say(`could not activate "${wf.name}": ${String(error).slice(0, 300)}`);
			}
		}
	}

	const editor = `http://localhost:${n8n.port}`;
	const messages = `${sandbox.url}/_sandbox/messages`;
	const latestId = `$(curl -s ${messages} | node -pe 'JSON.parse(require("fs").readFileSync(0)).messages.at(-1).message_id')`;
	const curl = `curl -s -X POST ${sandbox.url}/_sandbox/replies -H 'content-type: application/json' -d "{\\"message_id\\":\\"${latestId}\\",\\"content\\":\\"YES\\"}"`;
	const lines = [
		'',
		'n8n with n8n-nodes-messagemedia is running.',
		'',
		`  Editor:        ${editor}`,
		`  Login:         ${n8n.owner.email} / ${n8n.owner.password}`,
		`  Sandbox:       ${sandbox.url}   (MessageMedia API stand-in; sent messages: ${messages})`,
		`  Credential:    "${credential.name}" (${args.auth} auth, id ${credential.id})`,
		`  Workflows:     ${imported.length ? imported.map((w) => `${w.name} (${editor}/workflow/${w.id})`).join('\n                 ') : 'none in examples/'}`,
		`  Active:        ${activated.length ? activated.join(', ') : 'none'}`,
		`  User folder:   ${n8n.userFolder}${n8n.logFile ? `   (n8n log: ${n8n.logFile})` : ''}`,
		'',
		'Play the customer replying YES to the most recent message:',
		'',
		`  ${curl}`,
		'',
		'Or type a reply here (e.g. YES, NO, STOP) and press Enter. Ctrl-C stops n8n and the sandbox.',
		'',
	];
	console.log(lines.join('\n'));

	const rl = readline.createInterface({ input: process.stdin });
	rl.on('line', async (line) => {
		const content = line.trim();
		if (!content) return;
		try {
			const list = (await (await fetch(messages)).json()) as {
				messages: Array<{ message_id: string; destination_number: string }>;
			};
			const last = list.messages[list.messages.length - 1];
			if (!last) {
				say('no message has been sent yet: run a workflow that sends one first');
				return;
			}
			const res = await fetch(`${sandbox.url}/_sandbox/replies`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ message_id: last.message_id, content }),
			});
			say(
				`customer ${last.destination_number} replied "${content}" to ${last.message_id}: HTTP ${res.status}`,
			);
		} catch (error) {
			say(`reply failed: ${String(error)}`);
		}
	});
	rl.on('close', () => {
		// stdin closed (e.g. not a terminal): keep running until Ctrl-C
	});
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
