/**
 * Ports for the n8n processes the harness starts: a free one for each, never the same one twice in
 * a run, whether one can be bound, and a wait until a stopped process has let its port go.
 */
import * as net from 'net';

import { sleep } from './async';

const handedOut = new Set<number>();

/**
 * A port nothing listens on. The OS may offer a just-released port again, and processes started
 * side by side (queue mode) bind theirs only later, so a port is never handed out twice here.
 */
export async function freePort(): Promise<number> {
	for (;;) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = net.createServer();
			server.unref();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const { port: bound } = server.address() as net.AddressInfo;
				server.close(() => resolve(bound));
			});
		});
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
}

/** Whether 127.0.0.1:<port> can be bound now, tested by binding it: what n8n and the sandbox do. */
export function isPortFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** Resolves once nothing listens on `port` (or after the timeout: the next bind then says why). */
export async function waitPortFree(port: number, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await isPortFree(port)) && Date.now() <= deadline) await sleep(200);
}
