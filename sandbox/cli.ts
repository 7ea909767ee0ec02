import { DEMO_CREDENTIALS, RESERVED_NUMBERS, startSandbox } from './index';

function usage(): never {
	console.log(
		'Usage: tsx sandbox/cli.ts [--port 8787] [--host 127.0.0.1] [--dr-interval-ms 1000] [--quiet]',
	);
	process.exit(0);
}

function parseArgs(argv: string[]) {
	const out: { port?: number; host?: string; drIntervalMs?: number; quiet?: boolean } = {};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		const num = () => {
			const n = Number(value());
			if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer`);
			return n;
		};
		if (flag === '--port') out.port = num();
		else if (flag === '--host') out.host = value();
		else if (flag === '--dr-interval-ms') out.drIntervalMs = num();
		else if (flag === '--quiet') out.quiet = true;
		else if (flag === '--help' || flag === '-h') usage();
		else throw new Error(`Unknown flag ${flag}`);
	}
	return out;
}

async function main() {
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2));
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
