/**
 * Stages this package in an n8n user folder as a community package, the two ways a user gets it:
 * copied from the checkout ('link') or packed and installed as n8n's own installer does ('pack').
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

import type { N8nRuntime } from './install';

const execFileAsync = promisify(execFile);

function copyDir(from: string, to: string) {
	fs.cpSync(from, to, { recursive: true, dereference: true });
}

/** Stages the package into <userFolder>/.n8n/nodes as a community package. */
export async function stagePackage(
	packageDir: string,
	userFolder: string,
	mode: 'link' | 'pack',
	runtime: N8nRuntime,
): Promise<void> {
	const pkgJson = path.join(packageDir, 'package.json');
	const dist = path.join(packageDir, 'dist');
	if (!fs.existsSync(dist)) {
		throw new Error(`${dist} does not exist: run \`npm run build\` first`);
	}
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const name = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).name as string;
	const target = path.join(nodesDir, 'node_modules', name);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(nodesDir, { recursive: true });
	if (!fs.existsSync(path.join(nodesDir, 'package.json'))) {
		// n8n creates this file itself when it installs a community package.
		fs.writeFileSync(
			path.join(nodesDir, 'package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
	}
	if (mode === 'link') {
		fs.mkdirSync(target, { recursive: true });
		fs.copyFileSync(pkgJson, path.join(target, 'package.json'));
		copyDir(dist, path.join(target, 'dist'));
		for (const extra of ['index.js', 'README.md', 'LICENSE']) {
			const file = path.join(packageDir, extra);
			if (fs.existsSync(file)) fs.copyFileSync(file, path.join(target, extra));
		}
		return;
	}
	// 'pack': what a user gets from npm.
	const env = {
		...process.env,
		PATH: `${path.join(runtime.nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
	};
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-mm-pack-'));
	try {
		const { stdout } = await execFileAsync(
			'npm',
			['pack', packageDir, '--pack-destination', packDir, '--ignore-scripts', '--json'],
			{ cwd: packDir, env, maxBuffer: 64 * 1024 * 1024 },
		);
		const tarball = path.join(packDir, JSON.parse(stdout)[0].filename as string);
		// Mirrors n8n 2.41.1's CommunityPackagesService.downloadPackage: unpack the tarball into
		// nodes/node_modules/<name>, drop dev/peer/optional dependencies from its package.json,
		// `npm install` its own dependencies there (none, for a verified package), then record it
		// in nodes/package.json. n8n-workflow is not installed: n8n puts its own on NODE_PATH.
		fs.mkdirSync(target, { recursive: true });
		await execFileAsync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
		const installedJson = path.join(target, 'package.json');
		const manifest = JSON.parse(fs.readFileSync(installedJson, 'utf8')) as Record<string, unknown>;
		delete manifest.devDependencies;
		delete manifest.peerDependencies;
		delete manifest.optionalDependencies;
		fs.writeFileSync(installedJson, JSON.stringify(manifest, null, 2));
		await execFileAsync(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
				'--loglevel=error',
			],
			{ cwd: target, env, maxBuffer: 64 * 1024 * 1024 },
		);
		const nodesJson = path.join(nodesDir, 'package.json');
		const nodesManifest = JSON.parse(fs.readFileSync(nodesJson, 'utf8'));
		nodesManifest.dependencies = { ...nodesManifest.dependencies, [name]: manifest.version };
		fs.writeFileSync(nodesJson, JSON.stringify(nodesManifest, null, 2));
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}
