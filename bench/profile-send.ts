/**
 * Profiling aid (not part of npm run bench):
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-send.ts [literal] [N]
 * Sends N messages batched (sandbox in a child process, 0 ms latency) a few times, so the
 * profile shows where the node's own CPU goes.
 */
import './lib/resolve-node-ts';

import { runBatched, SEND_PARAMETERS, SEND_PARAMETERS_LITERAL } from './lib/direct';
import { startSandboxProcess } from './lib/env';

async function main() {
	const literal = process.argv.includes('literal');
	const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10000);
	const sandbox = await startSandboxProcess();
	try {
		for (let r = 0; r < 3; r++) {
			const run = await runBatched(
				sandbox,
				n,
				0,
				literal ? SEND_PARAMETERS_LITERAL : SEND_PARAMETERS,
			);
			console.log(
				`${literal ? 'literal' : 'expressions'} N=${n}: ${run.wallMs.toFixed(0)} ms, ${(run.cpuUs / n).toFixed(1)} µs CPU/msg, ${run.requests} requests`,
			);
		}
	} finally {
		await sandbox.close();
	}
}

void main();
