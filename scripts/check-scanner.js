#!/usr/bin/env node
/*
 * Lints the compiled dist/ exactly as `@n8n/scan-community-package` does: the two rules
 * no-restricted-globals and no-restricted-imports, with eslint-disable comments ignored.
 * tsc emits CommonJS, so the import allowlist is also applied to require() calls
 * (no-restricted-modules is the CommonJS twin of no-restricted-imports); otherwise a forbidden
 * import would slip through the compiled output unseen.
 */
const { ESLint } = require('eslint');
const fs = require('fs');
const path = require('path');

const RESTRICTED_GLOBALS = [
	'clearInterval',
	'clearTimeout',
	'global',
	'globalThis',
	'process',
	'setInterval',
	'setTimeout',
	'setImmediate',
	'clearImmediate',
	'__dirname',
	'__filename',
].map((name) => ({ name, message: `Use of ${name} is not allowed in n8n community nodes` }));

const ALLOWED_MODULES = ['n8n-workflow', 'lodash', 'moment', 'p-limit', 'luxon', 'zod', 'crypto', 'node:crypto'];

const isAllowed = (source) =>
	source.startsWith('./') ||
	source.startsWith('../') ||
	ALLOWED_MODULES.some((m) => source === m || source.startsWith(`${m}/`));

function collectModuleSources(file) {
	const text = fs.readFileSync(file, 'utf8');
	const sources = new Set();
	for (const re of [/require\(\s*['"]([^'"]+)['"]\s*\)/g, /\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]/g]) {
		let m;
		while ((m = re.exec(text))) sources.add(m[1]);
	}
	return [...sources];
}

function listJs(dir) {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return listJs(full);
		return entry.name.endsWith('.js') ? [full] : [];
	});
}

async function main() {
	const dist = path.resolve(__dirname, '..', 'dist');
	const files = listJs(dist);
	if (files.length === 0) {
		console.error('check:scanner: no compiled files in dist/. Run `npm run build` first.');
		process.exit(1);
	}
	const forbidden = [];
	for (const file of files) {
		for (const source of collectModuleSources(file)) {
			if (!isAllowed(source)) forbidden.push(source);
		}
	}
	const restrictedPaths = [...new Set(forbidden)];
	const eslint = new ESLint({
		useEslintrc: false,
		allowInlineConfig: false,
		baseConfig: {
			parserOptions: { ecmaVersion: 'latest', sourceType: 'script' },
			env: { es2022: true },
			rules: {
				'no-restricted-globals': ['error', ...RESTRICTED_GLOBALS],
				'no-restricted-imports': ['error', { paths: restrictedPaths }],
				'no-restricted-modules': ['error', { paths: restrictedPaths }],
			},
		},
	});
	const results = await eslint.lintFiles(files);
	let problems = 0;
	for (const result of results) {
		for (const msg of result.messages) {
			problems++;
			console.error(`${path.relative(process.cwd(), result.filePath)}:${msg.line}:${msg.column} ${msg.ruleId ?? 'parse'}: ${msg.message}`);
		}
	}
	if (problems > 0) {
		console.error(`check:scanner: ${problems} problem(s) in ${files.length} compiled files.`);
		process.exit(1);
	}
	console.log(`check:scanner: ${files.length} compiled files clean (restricted globals and imports).`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
