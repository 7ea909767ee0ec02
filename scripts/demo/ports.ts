/**
 * Who holds a TCP port, so that `npm start` can refuse with a sentence instead of an EADDRINUSE
 * stack. Linux's /proc names the process when it is ours to see; elsewhere only "something" is
 * known, which is still enough to refuse.
 */
import * as fs from 'fs';
import * as net from 'net';

export interface PortHolder {
	pid?: number;
	/** The holder's command line, shortened. */
	command?: string;
	/** What answers on the port over HTTP, when it says. */
	kind: 'n8n' | 'sandbox' | 'unknown';
	/** pid of the `npm start` (scripts/start.ts) that runs it, when it is one of ours. */
	demoPid?: number;
}

/** Whether 127.0.0.1:<port> can be bound now (what n8n and the sandbox will do). */
export function isPortFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The socket inode listening on `port`, from /proc/net/tcp{,6}. */
function listeningInode(port: number): string | undefined {
	const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text: string;
		try {
			text = fs.readFileSync(table, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const cols = line.trim().split(/\s+/);
			// local_address is ADDR:PORT in hex; st 0A is LISTEN
			if (cols.length > 9 && cols[1].endsWith(`:${hexPort}`) && cols[3] === '0A') return cols[9];
		}
	}
	return undefined;
}

function pidOfInode(inode: string): number | undefined {
	let pids: string[];
	try {
		pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
	} catch {
		return undefined;
	}
	const target = `socket:[${inode}]`;
	for (const pid of pids) {
		let fds: string[];
		try {
			fds = fs.readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue; // not ours to see, or gone
		}
		for (const fd of fds) {
			try {
				if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return Number(pid);
			} catch {
				// closed meanwhile
			}
		}
	}
	return undefined;
}

function commandOf(pid: number): string | undefined {
	try {
		const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
		const short = argv.map((arg) => (arg.includes('/') ? arg.split('/').pop()! : arg)).join(' ');
		return short.length > 60 ? `${short.slice(0, 57)}...` : short;
	} catch {
		return undefined;
	}
}

async function whatAnswers(port: number): Promise<PortHolder['kind']> {
	const get = async (urlPath: string) => {
		const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
			signal: AbortSignal.timeout(2000),
		});
		return { ok: res.ok, text: await res.text() };
	};
	try {
		const health = await get('/_sandbox/health');
		if (health.ok && health.text.includes('"ok"')) return 'sandbox';
	} catch {
		// not HTTP, or slow
	}
	try {
		const settings = await get('/rest/settings');
		// n8n's public settings (before sign-in) carry these
		if (settings.ok && settings.text.includes('"settingsMode"')) return 'n8n';
	} catch {
		// not n8n
	}
	return 'unknown';
}

function parentOf(pid: number): number | undefined {
	try {
		// "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
	} catch {
		return undefined;
	}
}

/** The scripts/start.ts process among `pid` and its ancestors, if any. */
function demoAncestor(pid: number): number | undefined {
	let current: number | undefined = pid;
	for (let depth = 0; current && current > 1 && depth < 6; depth++) {
		try {
			if (fs.readFileSync(`/proc/${current}/cmdline`, 'utf8').includes('scripts/start.ts'))
				return current;
		} catch {
			return undefined;
		}
		current = parentOf(current);
	}
	return undefined;
}

/** undefined when the port is free; otherwise what can be told about its holder. */
export async function portHolder(port: number): Promise<PortHolder | undefined> {
	if (await isPortFree(port)) return undefined;
	const inode = listeningInode(port);
	const pid = inode ? pidOfInode(inode) : undefined;
	return {
		pid,
		command: pid ? commandOf(pid) : undefined,
		kind: await whatAnswers(port),
		demoPid: pid ? demoAncestor(pid) : undefined,
	};
}
