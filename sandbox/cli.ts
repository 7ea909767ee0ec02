import { parseArgs } from 'util';

import { DEMO_CREDENTIALS, RESERVED_NUMBERS, startSandbox } from './index';

function usage(): never {
	console.log(
		'Usage: tsx sandbox/cli.ts [--port 8787] [--host 127.0.0.1] [--dr-interval-ms 1000] [--quiet]',
	);
	process.exit(0);
}

function readOptions(argv: string[]) {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: 'string' },
			host: { type: 'string' },
			'dr-interval-ms': { type: 'string' },
			quiet: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' },
		},
	});
	if (values.help) usage();
	return {
		port: nonNegativeInteger('--port', values.port),
		host: values.host,
		drIntervalMs: nonNegativeInteger('--dr-interval-ms', values['dr-interval-ms']),
		quiet: values.quiet,
	};
}

function nonNegativeInteger(flag: string, text: string | undefined): number | undefined {
	if (text === undefined) return undefined;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer`);
	return n;
}

async function main() {
	let opts;
	try {
		opts = readOptions(process.argv.slice(2));
	} catch (err) {
		console.error(`[sandbox] ${(err as Error).message}`);
		process.exit(2);
	}
	const handle = await startSandbox({ ...opts, quiet: true });
	console.log(`MessageMedia sandbox: ${handle.url}`);
	console.log(
		`  Basic auth: ${DEMO_CREDENTIALS.basic.apiKey} / ${DEMO_CREDENTIALS.basic.apiSecret}`,
	);
	console.log(`  HMAC auth:  ${DEMO_CREDENTIALS.hmac.apiKey} / ${DEMO_CREDENTIALS.hmac.apiSecret}`);
	console.log(
		`  Reserved numbers: failed ${RESERVED_NUMBERS.failed}, expired ${RESERVED_NUMBERS.expired}, rejected ${RESERVED_NUMBERS.rejected}, undeliverable ${RESERVED_NUMBERS.undeliverable}`,
	);
	console.log(`  Control API: ${handle.url}/_sandbox/ (see sandbox/README.md)`);
	const shutdown = () => {
		void handle.close().then(() => process.exit(0));
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

void main();
