/**
 * Real-browser helpers for the e2e suite: Debian's Chromium (/usr/bin/chromium, installed by
 * scripts/ensure-chromium.sh) driven by playwright-core. Never `npx playwright install`: it
 * downloads a browser, which is not possible here.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, chromium, Page } from 'playwright-core';

const REPO = path.resolve(__dirname, '..', '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.join(REPO, 'test-artifacts', 'browser');

/** Runs scripts/ensure-chromium.sh (installs Debian's chromium with apt-get if it is missing). */
export function ensureChromium(): void {
	execFileSync(path.join(REPO, 'scripts', 'ensure-chromium.sh'), [], {
		stdio: ['ignore', 'inherit', 'inherit'],
		timeout: 10 * 60 * 1000,
	});
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing after ensure-chromium.sh`);
}

/** Runs `npm run build` if dist/ is missing. */
export function ensureBuilt(): void {
	if (fs.existsSync(path.join(REPO, 'dist', 'nodes'))) return;
	execFileSync('npm', ['run', 'build'], {
		cwd: REPO,
		stdio: ['ignore', 'inherit', 'inherit'],
		timeout: 5 * 60 * 1000,
	});
}

export interface BrowserSession {
	context: BrowserContext;
	page: Page;
	/** Saves test-artifacts/browser/<name>.png and returns its path. */
	screenshot(name: string): Promise<string>;
	/** Page errors and console errors seen so far. */
	errors: string[];
	close(): Promise<void>;
}

/** Launches a headless Chromium with a fresh profile and opens one page. */
export async function launchBrowser(
	opts: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserSession> {
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-chromium-'));
	fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
	// playwright-core wants the profile folder as launchPersistentContext's argument rather than
	// as a --user-data-dir flag; it passes it to Chromium as --user-data-dir=<dir>.
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: opts.viewport ?? { width: 1440, height: 900 },
	});
	const page = context.pages()[0] ?? (await context.newPage());
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
	page.on('console', (msg) => {
		if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
	});
	return {
		context,
		page,
		errors,
		async screenshot(name: string) {
			const file = path.join(ARTIFACTS_DIR, `${name}.png`);
			await page.screenshot({ path: file });
			return file;
		},
		async close() {
			await context.close().catch(() => {});
			fs.rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}
