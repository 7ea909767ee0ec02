/**
 * A private build of the package for the e2e suite. Other people (and `npm run build`, which
 * starts with `rimraf dist`) may rebuild the repo's dist/ while a suite runs; staging a half-deleted
 * dist would fail at random. So the suite compiles the current sources once into
 * test-artifacts/e2e-package/<hash of the sources>/ (package.json, index.js, README, LICENSE and
 * dist/, exactly what `npm pack` ships) and every test file reuses it.
 */
import { createHash } from 'crypto';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

function listFiles(dir: string, out: string[] = []): string[] {
	if (!fs.existsSync(dir)) return out;
	for (const entry of fs
		.readdirSync(dir, { withFileTypes: true })
		.sort((a, b) => a.name.localeCompare(b.name))) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) listFiles(full, out);
		else out.push(full);
	}
	return out;
}

function sourcesHash(): string {
	const hash = createHash('sha256');
	const files = [
		...listFiles(path.join(REPO_ROOT, 'nodes')),
		...listFiles(path.join(REPO_ROOT, 'credentials')),
		...[
			'package.json',
			'tsconfig.json',
			'tsconfig.build.json',
			'index.js',
			'README.md',
			'LICENSE',
		].map((f) => path.join(REPO_ROOT, f)),
	];
	for (const file of files) {
		if (!fs.existsSync(file)) continue;
		hash.update(path.relative(REPO_ROOT, file));
		hash.update(fs.readFileSync(file));
	}
	return hash.digest('hex').slice(0, 16);
}

function copyIcons(from: string, to: string) {
	for (const file of listFiles(from)) {
		if (!/\.(svg|png)$/.test(file)) continue;
		const target = path.join(to, path.relative(from, file));
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.copyFileSync(file, target);
	}
}

/** Written last, so a folder with it is a finished build. */
const COMPLETE = '.e2e-build-complete';

let cached: Promise<string> | undefined;

/** Compiles the current sources (once per content hash) and returns the package folder. */
export function builtPackageDir(): Promise<string> {
	cached ??= build();
	return cached;
}

async function build(): Promise<string> {
	const root = path.join(ARTIFACTS, 'e2e-package');
	const final = path.join(root, sourcesHash());
	if (fs.existsSync(path.join(final, COMPLETE))) return final;
	fs.mkdirSync(root, { recursive: true });
	const tmp = fs.mkdtempSync(path.join(root, 'tmp-'));
	try {
		const dist = path.join(tmp, 'dist');
		await execFileAsync(
			process.execPath,
			[
				path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
				'-p',
				'tsconfig.build.json',
				'--outDir',
				dist,
				'--incremental',
				'false',
			],
			{ cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
		);
		copyIcons(path.join(REPO_ROOT, 'nodes'), path.join(dist, 'nodes'));
		copyIcons(path.join(REPO_ROOT, 'credentials'), path.join(dist, 'credentials'));
		for (const file of ['package.json', 'index.js', 'README.md', 'LICENSE']) {
			const src = path.join(REPO_ROOT, file);
			if (fs.existsSync(src)) fs.copyFileSync(src, path.join(tmp, file));
		}
		fs.writeFileSync(path.join(tmp, COMPLETE), new Date().toISOString());
		try {
			fs.renameSync(tmp, final);
		} catch {
			if (fs.existsSync(path.join(final, COMPLETE))) {
				// Another process finished the same build first: use theirs.
				fs.rmSync(tmp, { recursive: true, force: true });
			} else {
				// A leftover without the marker (an interrupted build): replace it.
				fs.rmSync(final, { recursive: true, force: true });
				fs.renameSync(tmp, final);
			}
		}
		return final;
	} catch (error) {
		fs.rmSync(tmp, { recursive: true, force: true });
		throw error;
	}
}
