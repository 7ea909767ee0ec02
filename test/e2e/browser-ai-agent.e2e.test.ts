/**
 * The AI agent example in a real n8n 2.41.1 editor (Debian's Chromium, playwright-core): the
 * canvas shows the wiring, and the agent's Tool picker lists MessageMedia under "Human review",
 * whose panel has one message field. Screenshots: test-artifacts/browser-ai-agent/*.png; the
 * canvas one is the README's picture (docs/images/ai-agent-approval.png).
 *
 *   npx jest -c test/e2e/jest.config.js --runInBand test/e2e/browser-ai-agent.e2e.test.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';

import {
	createMessageMediaCredential,
	createScriptedModelCredential,
	N8nInstance,
	PACKAGE_NAME,
	pointChatModelsAt,
	readExample,
	startN8n,
} from '../../scripts/n8n/n8n';
import { MessageMedia } from '../../nodes/MessageMedia/MessageMedia.node';
import { DEMO_CREDENTIALS, SandboxHandle, startSandbox } from '../../sandbox';
import { BrowserSession, ensureBuilt, ensureChromium, launchBrowser } from './helpers/browser';

const UI_TIMEOUT_MS = 60_000;
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'browser-ai-agent');
const AGENT = 'AI Agent';
/** The first sentence of Send and Wait for Reply's notice, as the editor shows it. */
const SEND_AND_WAIT_NOTICE = String(
	new MessageMedia().description.properties.find((p) => p.name === 'sendAndWaitNotice')
		?.displayName,
)
	.replace(/<[^>]+>/g, '')
	.split('. ')[0];

async function shot(page: Page, name: string): Promise<string> {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	const file = path.join(ARTIFACTS, `${name}.png`);
	await page.screenshot({ path: file });
	return file;
}

/** The labels of the parameters the node panel shows, in order. */
function parameterLabels(page: Page): Promise<string[]> {
	return page
		.locator('[data-test-id="ndv"] [data-test-id="node-parameters"] label.n8n-input-label')
		.filter({ visible: true })
		.evaluateAll((els) =>
			els.map((el) => (el.querySelector('span.n8n-text')?.textContent ?? '').trim()),
		);
}

describe('the AI agent example in the n8n editor (Chromium)', () => {
	let n8n: N8nInstance;
	let sandbox: SandboxHandle;
	let session: BrowserSession;
	let page: Page;
	let workflowId = '';
	let nodeCount = 0;

	beforeAll(async () => {
		ensureChromium();
		ensureBuilt();
		sandbox = await startSandbox({ port: 0, quiet: true });
		n8n = await startN8n({ install: 'link', log: 'file' });
		const credential = await createMessageMediaCredential(n8n, {
			baseUrl: sandbox.url,
			authType: 'basic',
			...DEMO_CREDENTIALS.basic,
		});
		const model = await createScriptedModelCredential(n8n, sandbox.url);
		const wf = pointChatModelsAt(readExample('ai-agent-sms-approval.json', credential), model);
		nodeCount = wf.nodes.length;
		workflowId = (await n8n.api.createWorkflow(wf)).id;
		session = await launchBrowser({ viewport: { width: 1440, height: 900 } });
		page = session.page;
		page.setDefaultTimeout(UI_TIMEOUT_MS);
		// The editor's first load is the slowest step on a busy machine.
		page.setDefaultNavigationTimeout(3 * UI_TIMEOUT_MS);
	});

	afterAll(async () => {
		await session?.close();
		await n8n?.destroy();
		await sandbox?.close();
	});

	it('shows the agent, its chat model, the review and the guarded tool on the canvas', async () => {
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.getByLabel('Email').fill(n8n.owner.email);
		await page.getByLabel('Password').fill(n8n.owner.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
		await page.goto(`${n8n.baseUrl}/workflow/${workflowId}`);
		const nodes = page.locator('[data-test-id="canvas-node"]');
		await nodes.nth(nodeCount - 1).waitFor();
		await page.keyboard.press('Escape');
		await page.locator('[data-test-id="zoom-to-fit"]').click();
		await page.waitForTimeout(1_500);
		await shot(page, 'canvas');
		const review = page.locator(
			'[data-test-id="canvas-node"][data-node-name="Ask a manager by SMS"]',
		);
		expect(await review.getAttribute('data-node-type')).toBe(
			`${PACKAGE_NAME}.messageMediaHitlTool`,
		);
		expect(await review.locator('img').first().getAttribute('src')).toContain(
			`/icons/${PACKAGE_NAME}/`,
		);
	});

	it("lists MessageMedia under Human review in the agent's Tool picker, with one message field", async () => {
		const toolHandle = page.locator(
			`[data-test-id="canvas-node-input-handle"][data-connection-type="ai_tool"][data-node-name="${AGENT}"]`,
		);
		await toolHandle.locator('[data-test-id="canvas-handle-plus"]').first().click();
		const creator = page.locator('[data-test-id="node-creator"]');
		await creator.waitFor();
		await shot(page, 'tool-picker');
		await creator.getByText('Human review', { exact: true }).first().click();
		const items = creator
			.locator('[data-test-id="node-creator-item-name"]')
			.filter({ visible: true });
		await items.first().waitFor();
		const names = (await items.allInnerTexts()).map((name) => name.trim());
		console.log(`Human review lists: ${JSON.stringify(names)}`);
		expect(names).toContain('MessageMedia');
		await shot(page, 'human-review');

		// Picked from the keyboard: the first match, then (when n8n lists the item's actions first)
		// its first action.
		await creator.locator('input').first().fill('MessageMedia');
		await page.waitForTimeout(1_000);
		await page.keyboard.press('Enter');
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor({ timeout: 15_000 }).catch(async () => {
			await shot(page, 'human-review-actions');
			await page.keyboard.press('Enter');
		});
		await ndv.waitFor();
		await page.waitForTimeout(1_000);
		const labels = await parameterLabels(page);
		console.log(`Human review panel: ${JSON.stringify(labels)}`);
		await shot(page, 'human-review-panel');
		expect(labels.filter((label) => /message/i.test(label))).toEqual(['Message']);
		expect(labels).toContain('To');
		// Send and Wait's own notice is about branching a workflow, which the agent does itself.
		const notices = (await ndv.locator('.notice-content').allInnerTexts()).join(' ');
		expect(notices).not.toContain(SEND_AND_WAIT_NOTICE);
	});

	it('shows no browser error about the package', () => {
		expect(session.errors.filter((error) => /messagemedia/i.test(error))).toEqual([]);
	});
});
