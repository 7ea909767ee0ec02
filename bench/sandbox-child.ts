/**
 * The sandbox in its own process, so that its CPU is never counted as the node's. Prints one JSON
 * line `{"url": ...}` once listening. Delivery reports are pushed out of the way (1 h apart) so
 * that DR traffic does not interfere with send benchmarks.
 */
import { startSandbox } from '../sandbox';

async function main() {
	const handle = await startSandbox({ port: 0, quiet: true, drIntervalMs: 3_600_000 });
	process.stdout.write(`${JSON.stringify({ url: handle.url, pid: process.pid })}\n`);
	const shutdown = () => void handle.close().then(() => process.exit(0));
	process.on('SIGTERM', shutdown);
	process.on('SIGINT', shutdown);
	process.on('disconnect', shutdown);
}

void main();
