/**
 * npx tsx bench/send-once.ts [--quick] [--skip-n8n]
 *
 * Only Send Once's cost (off and on, in-process and in a real n8n), without the rest of
 * `npm run bench`, which runs the same measurement. Build first (`npm run build`): the real n8n
 * loads dist/. Prints the table and writes bench/results/send-once.json.
 */
import './lib/resolve-node-ts';

import * as fs from 'fs';
import * as path from 'path';

import { log } from './lib/config';
import { startSandboxProcess } from './lib/env';
import { RealEnv, startReal } from './lib/real';
import { sendOnceBenchmark, sendOnceMarkdown } from './lib/send-once-bench';

const args = new Set(process.argv.slice(2));

async function main() {
	const sandbox = await startSandboxProcess();
	let real: RealEnv | undefined;
	try {
		if (!args.has('--skip-n8n')) {
			log('starting n8n');
			real = await startReal(sandbox);
		}
		const results = await sendOnceBenchmark(sandbox, args.has('--quick'), real);
		const file = path.join(__dirname, 'results', 'send-once.json');
		fs.writeFileSync(file, `${JSON.stringify(results, null, '\t')}\n`);
		console.log(`\n${sendOnceMarkdown(results)}\n`);
	} finally {
		await real?.n8n.destroy().catch(() => undefined);
		await sandbox.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
