#!/usr/bin/env node
/*
 * Runs the analysis of @n8n/scan-community-package, the scanner n8n applies before it verifies a
 * community package, on what we are about to publish. Its CLI only scans a version already on
 * npm, after a provenance check; this calls the same `analyzePackage` on the two things it lints
 * there: the source tree (with its SOURCE_FILE_PATTERNS) and the files of the `npm pack`
 * tarball. Any finding fails the run.
 *
 *   node scripts/scan-package.mjs             build, then scan source and tarball
 *   node scripts/scan-package.mjs --no-build  scan the dist/ that is already there
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

// The patterns the scanner's analyzePackageByName applies to the downloaded tarball: compiled
// JavaScript and the published package.json (they are inline there, not exported).
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args, cwd = root) {
	const result = spawnSync(command, args, {
		cwd,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
	}
	return result.stdout;
}

/** The tarball's files, extracted into a fresh temporary directory. */
function packAndExtract(workDir) {
	const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', workDir]));
	const packageDir = path.join(workDir, 'package');
	mkdirSync(packageDir);
	run('tar', [
		'-xzf',
		path.join(workDir, packed.filename),
		'-C',
		packageDir,
		'--strip-components=1',
	]);
	return { packageDir, filename: packed.filename, entries: packed.files.length };
}

/**
 * A tarball without the compiled nodes would pass the scan with nothing to lint, so check first
 * that every file package.json registers with n8n is in it.
 */
function assertRegisteredFilesPresent(packageDir) {
	const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	const registered = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const missing = registered.filter((file) => !existsSync(path.join(packageDir, file)));
	if (registered.length === 0 || missing.length > 0) {
		throw new Error(
			`The tarball lacks the files package.json registers with n8n: ${missing.join(', ') || 'none registered'}`,
		);
	}
}

function report(label, result) {
	if (result.passed) {
		console.log(`✅ ${label}: no findings${result.message ? ` (${result.message})` : ''}`);
		return true;
	}
	console.log(`❌ ${label}: ${result.message}`);
	if (result.details) console.log(result.details);
	return false;
}

async function main() {
	if (!process.argv.includes('--no-build')) run('npm', ['run', 'build']);
	const workDir = mkdtempSync(path.join(tmpdir(), 'n8n-nodes-messagemedia-scan-'));
	try {
		const source = await analyzePackage(root, SOURCE_FILE_PATTERNS);
		const { packageDir, filename, entries } = packAndExtract(workDir);
		assertRegisteredFilesPresent(packageDir);
		const tarball = await analyzePackage(packageDir, TARBALL_FILE_PATTERNS);
		const sourceClean = report(`source tree (${SOURCE_FILE_PATTERNS.join(', ')})`, source);
		const tarballClean = report(`${filename} (${entries} files)`, tarball);
		if (!sourceClean || !tarballClean) process.exitCode = 1;
	} finally {
		rmSync(workDir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`scan failed: ${error.message}`);
	process.exitCode = 1;
});
