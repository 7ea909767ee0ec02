/**
 * The demo's one folder: n8n's user folder (database, encryption key, the harness's owner login
 * and API key), what the demo imported, and a lock naming the running demo. It lives outside the
 * repository so that lint, tests and `git clean` never see it, and it is readable by its owner
 * only because it holds secrets.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export function defaultStateDir(): string {
	const data = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
	return path.join(data, 'n8n-nodes-messagemedia', 'demo');
}

/** Written while a demo runs; a stale one (its pid gone) is ignored. */
export interface DemoLock {
	pid: number;
	port: number;
	sandboxPort: number;
	editorUrl: string;
	sandboxUrl: string;
	/** The reminders workflow, for the reply command's "do this first". */
	remindersUrl?: string;
	startedAt: string;
}

/** What the demo created in n8n, so that a restart imports nothing twice. */
export interface DemoRecord {
	credentialId?: string;
	/** examples/<file> -> workflow id */
	imported: Record<string, string>;
}

const LOCK_FILE = 'demo.lock.json';
const RECORD_FILE = 'demo.json';
/** Files that hold secrets; the folder's 0700 already hides them, this keeps copies safe too. */
const SECRET_FILES = ['harness-state.json', path.join('.n8n', 'config'), RECORD_FILE, LOCK_FILE];

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export class DemoState {
	constructor(readonly dir: string) {}

	get lockPath() {
		return path.join(this.dir, LOCK_FILE);
	}

	/** Creates the folder (0700) and tightens what an older run may have left readable. */
	secure(): void {
		fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
		fs.chmodSync(this.dir, 0o700);
		for (const file of SECRET_FILES) {
			const full = path.join(this.dir, file);
			if (fs.existsSync(full)) fs.chmodSync(full, 0o600);
		}
	}

	/** The running demo's lock, or undefined (no lock, or a stale one). */
	runningDemo(): DemoLock | undefined {
		try {
			const lock = JSON.parse(fs.readFileSync(this.lockPath, 'utf8')) as DemoLock;
			return isAlive(lock.pid) && lock.pid !== process.pid ? lock : undefined;
		} catch {
			return undefined;
		}
	}

	/**
	 * Claims the folder for this process. Returns the demo that already holds it, if one does;
	 * the exclusive create makes two simultaneous starts agree on one winner.
	 */
	claim(lock: DemoLock): DemoLock | undefined {
		for (let attempt = 0; attempt < 2; attempt++) {
			try {
				fs.writeFileSync(this.lockPath, JSON.stringify(lock, null, 2), { flag: 'wx', mode: 0o600 });
				return undefined;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
				const holder = this.runningDemo();
				if (holder) return holder;
				fs.rmSync(this.lockPath, { force: true }); // stale: its demo is gone
			}
		}
		return this.runningDemo();
	}

	updateLock(lock: DemoLock): void {
		fs.writeFileSync(this.lockPath, JSON.stringify(lock, null, 2), { mode: 0o600 });
	}

	/** Removes the lock if it is this process's. */
	release(): void {
		try {
			const lock = JSON.parse(fs.readFileSync(this.lockPath, 'utf8')) as DemoLock;
			if (lock.pid === process.pid) fs.rmSync(this.lockPath, { force: true });
		} catch {
			// already gone
		}
	}

	readRecord(): DemoRecord {
		try {
			return {
				imported: {},
				...JSON.parse(fs.readFileSync(path.join(this.dir, RECORD_FILE), 'utf8')),
			};
		} catch {
			return { imported: {} };
		}
	}

	writeRecord(record: DemoRecord): void {
		fs.writeFileSync(path.join(this.dir, RECORD_FILE), JSON.stringify(record, null, 2), {
			mode: 0o600,
		});
	}

	/** What --fresh deletes, in words. */
	describeContents(): string[] {
		if (!fs.existsSync(this.dir)) return [];
		const out: string[] = [];
		if (fs.existsSync(path.join(this.dir, '.n8n', 'database.sqlite')))
			out.push("n8n's database (every workflow, execution and credential made in this demo)");
		if (fs.existsSync(path.join(this.dir, '.n8n', 'config'))) out.push("n8n's encryption key");
		if (fs.existsSync(path.join(this.dir, 'harness-state.json')))
			out.push('the owner login and API key');
		if (fs.existsSync(path.join(this.dir, 'n8n.log'))) out.push("n8n's log");
		return out;
	}

	wipe(): void {
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}
