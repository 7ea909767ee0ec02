/**
 * Real-browser test: Debian's Chromium, driven by playwright-core, against a real
 * n8n 2.41.1 editor with this package loaded as a community package and the MessageMedia sandbox
 * behind the credential. It signs in, opens the appointment example, finds both MessageMedia nodes
 * in the node picker, and opens the trigger's node details view (events + test-mode notice).
 * Screenshots: test-artifacts/browser/*.png (plus console.log, the browser's console errors).
 *
 *   npx jest -c test/e2e/jest.config.js --runInBand test/e2e/browser.e2e.test.ts
 *
 * Chromium comes from scripts/ensure-chromium.sh (apt-get, only if /usr/bin/chromium is missing).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import {
	createMessageMediaCredential,
	importExamples,
	ImportedWorkflow,
	N8nInstance,
	NODE_TYPES,
	PACKAGE_NAME,
	startN8n,
} from '../../scripts/n8n/n8n';
import { DEMO_CREDENTIALS, SandboxHandle, startSandbox } from '../../sandbox';
import { MessageMedia } from '../../nodes/MessageMedia/MessageMedia.node';
import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import {
	ARTIFACTS_DIR,
	BrowserSession,
	ensureBuilt,
	ensureChromium,
	launchBrowser,
} from './helpers/browser';

/** The editor is slow on a 2-core machine: the first page load alone can take ~20 s. */
const UI_TIMEOUT_MS = 60_000;
const TRIGGER_NODE = 'Customer replied';

/** The trigger's Events options, from the node description. */
const EVENT_OPTIONS = (() => {
	const events = new MessageMediaTrigger().description.properties.find((p) => p.name === 'events');
	return (events?.options ?? []) as Array<{ name: string; value: string; action?: string }>;
})();
/**
 * What n8n 2.41's node picker lists under "Triggers": one item per Events option, except options
 * *named* '*', '' or ' ', labelled with the option's `action`, else "On <name>" lower-cased with
 * punctuation dropped.
 */
const PICKER_TRIGGERS = EVENT_OPTIONS.filter((o) => !['*', '', ' '].includes(o.name)).map(
	(o) =>
		o.action ??
		`On ${o.name
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, ' ')
			.trim()}`,
);

/** Polls `read` until `done(value)` or the timeout; returns the last value (assert on it). */
async function settle<T>(
	read: () => Promise<T>,
	done: (value: T) => boolean,
	timeoutMs = 20_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let value = await read();
	while (!done(value) && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		value = await read();
	}
	return value;
}

async function texts(locator: Locator): Promise<string[]> {
	return (await locator.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

/** Closes onboarding / survey / announcement popups if any is showing (none is expected). */
async function dismissPopups(page: Page): Promise<string[]> {
	const closed: string[] = [];
	const dialogs = page.locator('.el-dialog, [role="dialog"]').filter({ visible: true });
	for (let i = 0; i < 3 && (await dialogs.count()) > 0; i++) {
		const dialog = dialogs.first();
		closed.push((await dialog.innerText()).slice(0, 80).replace(/\s+/g, ' '));
		const close = dialog.locator(
			'.el-dialog__headerbtn, [aria-label="Close"], [data-test-id*="close"]',
		);
		if ((await close.count()) > 0) await close.first().click();
		else await page.keyboard.press('Escape');
		await page.waitForTimeout(300);
	}
	if (await closeProductionChecklist(page)) closed.push('Production Checklist');
	return closed;
}

/**
 * n8n 2.41.1's editor opens its Production Checklist popover over the canvas the first time a
 * browser profile shows a published workflow (it remembers `firstActivatedAt` per workflow in the
 * browser's own storage), a tick after the workflow loads. It is not a dialog, so close it here.
 */
async function closeProductionChecklist(page: Page): Promise<boolean> {
	const checklist = page
		.locator('[data-reka-popper-content-wrapper]')
		.filter({ hasText: 'Production Checklist' });
	const shown = await checklist
		.first()
		.waitFor({ state: 'visible', timeout: 1_000 })
		.then(() => true)
		.catch(() => false);
	if (!shown) return false;
	await page.keyboard.press('Escape');
	const hidden = await checklist
		.first()
		.waitFor({ state: 'hidden', timeout: 1_000 })
		.then(() => true)
		.catch(() => false);
	if (!hidden) await checklist.first().locator('button').first().click();
	await checklist.first().waitFor({ state: 'hidden', timeout: 5_000 });
	return true;
}

interface CanvasLabel {
	node: string;
	/** The label's box on the page, or null if the node shows no label. */
	box: { x: number; y: number; width: number; height: number } | null;
	/** What the page shows at the label's centre, if it is not the label itself. */
	coveredBy: string | null;
	/** What covers the node's box (its centre or a corner), if anything does. */
	boxCoveredBy: string | null;
}

/** Each canvas node's name label: where it is, and whether anything is drawn on top of it. */
function readLabels(page: Page): Promise<CanvasLabel[]> {
	return page.locator('[data-test-id="canvas-node"]').evaluateAll((els) =>
		els.map((el) => {
			const node = el.getAttribute('data-node-name') ?? '';
			// The label is the innermost element whose whole text is the node's name; n8n draws it
			// inside the node's element or, depending on the version, in its wrapper.
			const scope = el.closest('.vue-flow__node') ?? el;
			const label = [...scope.querySelectorAll('*')]
				.filter((c) => c.textContent?.trim() === node)
				.pop();
			const describe = (hit: typeof el | null) =>
				hit
					? `${hit.tagName.toLowerCase()}.${String(hit.className).slice(0, 60)} "${(hit.textContent ?? '').trim().slice(0, 40)}"`
					: 'nothing (outside the page)';
			const n = el.getBoundingClientRect();
			const points = [
				[n.x + n.width / 2, n.y + n.height / 2],
				[n.x + 4, n.y + 4],
				[n.x + n.width - 4, n.y + 4],
				[n.x + 4, n.y + n.height - 4],
				[n.x + n.width - 4, n.y + n.height - 4],
			];
			const boxHit = points
				.map(([x, y]) => el.ownerDocument.elementFromPoint(x, y))
				.find((hit) => !hit || !(el.contains(hit) || hit.contains(el)));
			const boxCoveredBy = boxHit === undefined ? null : describe(boxHit);
			if (!label) return { node, box: null, coveredBy: null, boxCoveredBy };
			const r = label.getBoundingClientRect();
			const hit = el.ownerDocument.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
			const coveredBy = hit && (label.contains(hit) || hit.contains(label)) ? null : describe(hit);
			return {
				node,
				box: { x: r.x, y: r.y, width: r.width, height: r.height },
				coveredBy,
				boxCoveredBy,
			};
		}),
	);
}

/** Labels that are missing, outside the viewport, covered, or overlapping each other. */
function labelProblems(labels: CanvasLabel[], viewport = { width: 1440, height: 900 }): string[] {
	const out: string[] = [];
	for (const { node, boxCoveredBy } of labels) {
		if (boxCoveredBy) out.push(`"${node}" is covered by ${boxCoveredBy}`);
	}
	for (const { node, box, coveredBy } of labels) {
		if (!box || box.width === 0 || box.height === 0) out.push(`"${node}" shows no label`);
		else if (
			box.x < 0 ||
			box.y < 0 ||
			box.x + box.width > viewport.width ||
			box.y + box.height > viewport.height
		)
			out.push(`"${node}" label is outside the window (${JSON.stringify(box)})`);
		else if (coveredBy) out.push(`"${node}" label is covered by ${coveredBy}`);
	}
	labels.forEach((a, i) => {
		for (const b of labels.slice(i + 1)) {
			if (!a.box || !b.box) continue;
			const apart =
				a.box.x + a.box.width <= b.box.x ||
				b.box.x + b.box.width <= a.box.x ||
				a.box.y + a.box.height <= b.box.y ||
				b.box.y + b.box.height <= a.box.y;
			if (!apart) out.push(`labels of "${a.node}" and "${b.node}" overlap`);
		}
	});
	return out;
}

/** The names of a workflow's nodes that the canvas draws as nodes (sticky notes are drawn apart). */
function canvasNodeNames(wf: { nodes: Array<{ name: string; type: string }> }): string[] {
	return wf.nodes
		.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
		.map((node) => node.name)
		.sort();
}

/** A subtitle under a canvas node: its text, and whether the canvas shows all of it. */
interface CanvasSubtitle {
	node: string;
	found: boolean;
	/** The text is wider than its box, or reaches outside a box that clips it. */
	cut: boolean;
}

/** Finds `text` under the canvas node `node` and measures whether it is shown whole. */
function readSubtitle(page: Page, node: string, text: string): Promise<CanvasSubtitle> {
	return page.locator(`[data-test-id="canvas-node"][data-node-name="${node}"]`).evaluate(
		(el, { node, text }) => {
			const scope = el.closest('.vue-flow__node') ?? el;
			const shown = [...scope.querySelectorAll('*')]
				.filter((c) => c.textContent?.trim() === text)
				.pop();
			if (!shown) return { node, found: false, cut: false };
			const range = el.ownerDocument.createRange();
			range.selectNodeContents(shown);
			const t = range.getBoundingClientRect();
			let cut = shown.scrollWidth > shown.clientWidth + 1;
			for (let box: typeof shown | null = shown; box && box !== scope.parentElement;) {
				const style = el.ownerDocument.defaultView!.getComputedStyle(box);
				if (style.overflow !== 'visible' || style.overflowX !== 'visible') {
					const b = box.getBoundingClientRect();
					if (t.left < b.left - 1 || t.right > b.right + 1) cut = true;
				}
				box = box.parentElement;
			}
			return { node, found: true, cut };
		},
		{ node, text },
	);
}

/**
 * The README as a page with GitHub's heading anchors, standing in for the npm package page (which
 * shows the README) where npmjs.com cannot be reached.
 */
function readmeAsPage(markdown: string): string {
	const escape = (text: string) =>
		text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
	const lines = markdown.split('\n').map((line) => {
		const heading = /^(#{1,6}) (.+)$/.exec(line);
		if (!heading) return escape(line);
		const id = heading[2]
			.toLowerCase()
			.replace(/[^\p{L}\p{N} _-]/gu, '')
			.replace(/ /g, '-');
		return `<h${heading[1].length} id="${id}">${escape(heading[2])}</h${heading[1].length}>`;
	});
	return `<!doctype html><meta charset="utf-8"><body style="font-family: sans-serif; white-space: pre-wrap">${lines.join('\n')}</body>`;
}

/** Sentences in a notice, as a reader counts them. */
function sentences(text: string): number {
	return (text.trim().match(/[.!?](?=\s+[A-Z]|$)/g) ?? []).length || 1;
}

describe('n8n editor in a real browser (Chromium)', () => {
	let n8n: N8nInstance;
	let sandbox: SandboxHandle;
	let session: BrowserSession;
	let page: Page;
	let appointment: ImportedWorkflow;
	let examples: ImportedWorkflow[] = [];
	const started = Date.now();
	const timings: Record<string, number> = {};
	let lap = Date.now();
	const mark = (step: string) => {
		timings[step] = Date.now() - lap;
		lap = Date.now();
	};

	beforeAll(async () => {
		ensureChromium();
		ensureBuilt();
		mark('chromium + build');
		fs.rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
		sandbox = await startSandbox({ port: 0, quiet: true });
		n8n = await startN8n({ install: 'link', log: 'file' });
		mark('n8n start');
		const credential = await createMessageMediaCredential(n8n, {
			baseUrl: sandbox.url,
			authType: 'basic',
			...DEMO_CREDENTIALS.basic,
		});
		const imported = await importExamples(n8n, {
			credentialId: credential.id,
			credentialName: credential.name,
		});
		examples = imported;
		// Published as `npm start` leaves them: the canvas then carries n8n's production checklist.
		for (const wf of imported) {
			if (wf.workflow.nodes.some((node) => node.type === NODE_TYPES.trigger)) {
				await n8n.api.activate(wf.id);
			}
		}
		const found = imported.find((wf) => wf.file === 'appointment-confirmation.json');
		if (!found) throw new Error('examples/appointment-confirmation.json was not imported');
		appointment = found;
		session = await launchBrowser({ viewport: { width: 1440, height: 900 } });
		page = session.page;
		page.setDefaultTimeout(UI_TIMEOUT_MS);
		mark('setup');
	});

	afterAll(async () => {
		if (session) {
			fs.writeFileSync(path.join(ARTIFACTS_DIR, 'console.log'), session.errors.join('\n') + '\n');
			await session.close();
		}
		await n8n?.destroy();
		await sandbox?.close();
		console.log(
			`browser e2e: ${JSON.stringify(timings)}; total ${Date.now() - started} ms; ` +
				`screenshots in ${ARTIFACTS_DIR}`,
		);
	});

	it('signs in to the editor', async () => {
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.getByLabel('Email').fill(n8n.owner.email);
		await page.getByLabel('Password').fill(n8n.owner.password);
		await session.screenshot('01-signin');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
		expect(new URL(page.url()).pathname).toMatch(/^\/home\//);
		// The workflow list shows the imported examples.
		await page.getByText(appointment.name).first().waitFor();
		const popups = await dismissPopups(page);
		if (popups.length) console.log(`closed popups: ${JSON.stringify(popups)}`);
		await session.screenshot('02-workflows');
		mark('sign in');
	});

	it('opens the appointment workflow with every node on the canvas and our icon', async () => {
		// From the workflow list, as a user does (also spares a second full load of the editor).
		await page.getByText(appointment.name, { exact: true }).first().click();
		await page.waitForURL((url) => url.pathname === `/workflow/${appointment.id}`);
		const nodes = page.locator('[data-test-id="canvas-node"]');
		await nodes.first().waitFor();
		await dismissPopups(page);
		const expected = canvasNodeNames(appointment.workflow);
		const names = await settle(
			async () =>
				(
					await nodes.evaluateAll((els) => els.map((el) => el.getAttribute('data-node-name') ?? ''))
				).sort(),
			(value) => value.length === expected.length,
		);
		expect(names).toEqual(expected);

		// Every MessageMedia node shows our icon, and the image actually loaded.
		const ours = page.locator(`[data-test-id="canvas-node"][data-node-type^="${PACKAGE_NAME}."]`);
		const ourCount = appointment.workflow.nodes.filter((n) =>
			n.type.startsWith(`${PACKAGE_NAME}.`),
		).length;
		expect(await ours.count()).toBe(ourCount);
		const icons = await ours.evaluateAll((els) =>
			els.map((el) => {
				const img = el.querySelector('img');
				return {
					node: el.getAttribute('data-node-name'),
					src: img?.getAttribute('src') ?? null,
					loaded: !!img && img.complete && img.naturalWidth > 0,
				};
			}),
		);
		for (const icon of icons) {
			expect(icon).toEqual({
				node: icon.node,
				src: `/icons/${PACKAGE_NAME}/dist/nodes/MessageMedia/messagemedia.svg`,
				loaded: true,
			});
		}
		const trigger = page.locator(`[data-test-id="canvas-node"][data-node-name="${TRIGGER_NODE}"]`);
		expect(await trigger.getAttribute('data-node-type')).toBe(NODE_TYPES.trigger);
		await session.screenshot('03-appointment-workflow');
		mark('open workflow');
	});

	it('shows every example with every node label readable (screenshot of each)', async () => {
		const problems: string[] = [];
		for (const wf of examples) {
			await page.goto(`${n8n.baseUrl}/workflow/${wf.id}`);
			const nodes = page.locator('[data-test-id="canvas-node"]');
			await settle(
				() => nodes.count(),
				(count) => count === canvasNodeNames(wf.workflow).length,
			);
			await dismissPopups(page);
			// The canvas fits the view once the nodes are measured; let it settle.
			await page.waitForTimeout(1_500);
			await closeProductionChecklist(page);
			await session.screenshot(`example-${wf.file.replace(/\.json$/, '')}`);
			const labels = await readLabels(page);
			expect(labels.map((label) => label.node).sort()).toEqual(canvasNodeNames(wf.workflow));
			for (const problem of labelProblems(labels)) problems.push(`${wf.file}: ${problem}`);
			const button = await page
				.locator('[data-test-id="execute-workflow-button"]')
				.first()
				.innerText()
				.catch(() => '');
			// One trigger per example, so the big button runs it (no "from <other trigger>").
			if (/\bfrom\b/.test(button))
				problems.push(`${wf.file}: the Execute button reads "${button}"`);
		}
		expect(problems).toEqual([]);
		await page.goto(`${n8n.baseUrl}/workflow/${appointment.id}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor();
		await dismissPopups(page);
		mark('examples');
	});

	it('finds MessageMedia in the node picker, with its actions and its trigger', async () => {
		await page.locator('[data-test-id="node-creator-plus-button"]').click();
		const creator = page.locator('[data-test-id="node-creator"]');
		const search = creator
			.locator('[data-test-id="node-creator-search-bar"] input, [data-test-id="search-bar"] input')
			.first();
		await search.fill('MessageMedia');
		const itemNames = creator.locator('[data-test-id="node-creator-item-name"]');
		// n8n 2.x merges an app's action node and its "<name>Trigger" node into one picker item,
		// named after the action node and described by the trigger node.
		const found = await settle(
			() => texts(itemNames),
			(value) => value.length > 0 && value.every((name) => /messagemedia/i.test(name)),
		);
		expect(found).toEqual(['MessageMedia']);
		const description = await texts(
			creator.locator('[data-test-id="node-creator-item-description"]'),
		);
		// (n8n gives the merged item the trigger node's description.)
		expect(description).toEqual([new MessageMediaTrigger().description.description]);
		await session.screenshot('04-node-picker-search');

		await itemNames.filter({ hasText: /^MessageMedia$/ }).click();
		const categories = creator.locator('[data-test-id="node-creator-category-item"]');
		const categoryNames = await settle(
			() => texts(categories),
			(value) => value.length >= 2,
		);
		// Both nodes: the action node's operations and the trigger node's events.
		expect(categoryNames).toHaveLength(2);
		expect(categoryNames[0]).toMatch(/^Actions \(\d+\)$/);
		expect(categoryNames[1]).toMatch(/^Triggers \(\d+\)$/);
		expect(await creator.innerText()).toContain('Installed'); // the community-node badge

		const category = (id: string) =>
			creator.locator('[data-category-collapsed]').filter({
				has: page.locator(`[data-keyboard-nav-id="${id}"]`),
			});
		// The header states the count; the list can still be rendering when it appears.
		const actionCount = Number(/\((\d+)\)/.exec(categoryNames[0])![1]);
		const actionNames = await settle(
			() => texts(category('Actions').locator('[data-keyboard-nav-type="action"]')),
			(value) => value.length >= actionCount,
		);
		console.log(`picker actions: ${JSON.stringify(actionNames)}`);
		expect(actionNames.length).toBe(actionCount);
		expect(actionNames).toEqual(expect.arrayContaining(['Send a message']));
		await session.screenshot('05-node-picker-actions');

		// Collapse the actions, expand the triggers.
		await creator.locator('[data-keyboard-nav-id="Actions"]').click();
		await creator.locator('[data-keyboard-nav-id="Triggers"]').click();
		const triggerItems = category('Triggers').locator('[data-keyboard-nav-type="action"]');
		const triggerNames = await settle(
			() => texts(triggerItems),
			(value) => value.length >= PICKER_TRIGGERS.length,
		);
		console.log(`picker triggers: ${JSON.stringify(triggerNames)}`);
		expect(triggerNames).toEqual(PICKER_TRIGGERS);
		expect(categoryNames[1]).toBe(`Triggers (${PICKER_TRIGGERS.length})`);
		await session.screenshot('06-node-picker-triggers');

		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
		await creator.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
		mark('node picker');
	});

	it("opens the trigger's details: credential, events and the test-mode notice", async () => {
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${TRIGGER_NODE}"]`).dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor();
		await expect(
			ndv.locator('[data-test-id="node-title-container"]').innerText(),
		).resolves.toContain(TRIGGER_NODE);
		const params = ndv.locator('[data-test-id="node-parameters"]');
		await params.waitFor();

		// The test-mode notice, first, as a warning.
		const notice = params.locator('.notice-content').first();
		const noticeText = (await notice.innerText()).replace(/\s+/g, ' ');
		expect(noticeText).toContain('/webhook-test/');
		expect(noticeText).toContain('/webhook/');

		await session.screenshot('07-trigger-ndv');
		// Parameter labels shown by default (Parameters tab), in order. Display names come from
		// the node description; a typo or a missing field fails here.
		const labels = await ndv
			.locator('label.n8n-input-label')
			.filter({ visible: true })
			.evaluateAll((els) =>
				els.map((el) => (el.querySelector('span.n8n-text')?.textContent ?? '').trim()),
			);
		console.log(`trigger parameter labels: ${JSON.stringify(labels)}`);
		expect(labels).toEqual([
			'Credential',
			'Events',
			'Reply Keywords',
			// shown filled in with the lists in use, not as an empty "No properties" panel
			'Cancel Keywords',
			'Confirm Keywords',
			'Reschedule Keywords',
			'Stop Keywords',
			'Verify Signature',
			'Options',
		]);

		// Above the lists, visible help that they label replies for a Switch and filter none.
		const keywordNotice = params.locator('.notice-content').filter({ hasText: 'Switch' });
		expect((await keywordNotice.innerText()).replace(/\s+/g, ' ')).toContain('never filter');

		// The credential points at the sandbox credential.
		const credential = ndv.locator('[data-test-id="node-credentials-select"] input');
		expect(await credential.inputValue()).toBe('MessageMedia (basic)');

		// Events: the example's selection, shown with their display names.
		const events = params.locator('[data-test-id="parameter-input-events"]');
		const selected = await texts(events.locator('.el-select__tags-text'));
		expect(selected).toEqual(['SMS Reply', 'MMS Reply', 'Opt-Out']);

		// The events dropdown lists "All Events" and every MessageMedia event.
		// By its arrow at the right edge: a click in the middle can land on a selected event's
		// remove icon, and n8n saves that change.
		const select = events.locator('.select-trigger, .el-select').first();
		const selectBox = (await select.boundingBox())!;
		await select.click({ position: { x: selectBox.width - 12, y: selectBox.height / 2 } });
		const options = page.locator('.el-select-dropdown__item').filter({ visible: true });
		const optionNames = await settle(
			() => texts(options),
			(value) => value.length >= EVENT_OPTIONS.length,
		);
		expect(optionNames).toEqual(EVENT_OPTIONS.map((option) => option.name));
		expect(optionNames[0]).toBe('All Events');
		expect(optionNames).toContain('SMS Reply');
		await session.screenshot('08-trigger-events-dropdown');
		await page.keyboard.press('Escape');
		mark('trigger ndv');
	});

	it('shows short subtitles under the nodes, whole', async () => {
		await page.goto(`${n8n.baseUrl}/workflow/${appointment.id}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor();
		await dismissPopups(page);
		await page.waitForTimeout(1_500);
		// n8n's own forms: "<operation>: <resource>" for the action node, the count of events for
		// the trigger (the example selects three).
		const expected: Array<[string, string]> = [
			[TRIGGER_NODE, 'Events: 3'],
			['Send confirmation', 'send: message'],
			['Opt out', 'add: optOut'],
		];
		const subtitles = await settle(
			() => Promise.all(expected.map(([node, text]) => readSubtitle(page, node, text))),
			(value) => value.every((subtitle) => subtitle.found),
		);
		expect(subtitles).toEqual(expected.map(([node]) => ({ node, found: true, cut: false })));
		await session.screenshot('09-canvas-subtitles');
		// A close-up of the trigger with its label and subtitle, which n8n draws below its box.
		const node = (await page
			.locator(`[data-test-id="canvas-node"][data-node-name="${TRIGGER_NODE}"]`)
			.boundingBox())!;
		await page.screenshot({
			path: path.join(ARTIFACTS_DIR, '09-canvas-trigger-subtitle.png'),
			clip: { x: node.x - 80, y: node.y - 10, width: node.width + 160, height: node.height + 80 },
		});
		mark('subtitles');
	});

	it('finds the package when the node panel is searched for SMS, text message or Sinch', async () => {
		await page.locator('[data-test-id="node-creator-plus-button"]').click();
		const creator = page.locator('[data-test-id="node-creator"]');
		const search = creator
			.locator('[data-test-id="node-creator-search-bar"] input, [data-test-id="search-bar"] input')
			.first();
		const items = creator.locator('[data-test-id="node-creator-item-name"]');
		for (const term of ['SMS', 'text message', 'Sinch']) {
			await search.fill(term);
			const found = await settle(
				() => texts(items),
				(names) => names.includes('MessageMedia'),
			);
			expect({ term, found: found.includes('MessageMedia') }).toEqual({ term, found: true });
			if (term === 'SMS') {
				console.log(`node panel search "SMS": ${JSON.stringify(found)}`);
				// The entry n8n merges from both nodes carries the trigger's description; it names
				// sending, which is what a user searching for SMS after a trigger wants.
				const entry = items
					.filter({ hasText: /^MessageMedia$/ })
					.first()
					.locator('xpath=ancestor::*[.//*[@data-test-id="node-creator-item-description"]][1]');
				const description = (
					await entry.locator('[data-test-id="node-creator-item-description"]').innerText()
				).trim();
				expect(description).toBe(new MessageMediaTrigger().description.description);
				expect(description).toMatch(/^Send SMS/);
				await entry.scrollIntoViewIfNeeded();
				await session.screenshot('10-node-panel-search-sms');
			}
		}
		await page.keyboard.press('Escape');
		await creator.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
		mark('search aliases');
	});

	it("shows the trigger's notice in two sentences and links each node's Docs to its README section", async () => {
		const docsUrls: Record<string, string> = {};
		for (const node of [TRIGGER_NODE, 'Send confirmation']) {
			await page.goto(`${n8n.baseUrl}/workflow/${appointment.id}`);
			const target = page.locator(`[data-test-id="canvas-node"][data-node-name="${node}"]`);
			await target.waitFor();
			await dismissPopups(page);
			await target.dblclick();
			const ndv = page.locator('[data-test-id="ndv"]');
			await ndv.waitFor();
			await ndv.locator('[data-test-id="node-parameters"]').waitFor();
			const docs = ndv.locator('a[href*="npmjs.com"]').first();
			docsUrls[node] = (await docs.getAttribute('href')) ?? '';
			if (node === TRIGGER_NODE) {
				const notice = (
					await ndv.locator('[data-test-id="node-parameters"] .notice-content').first().innerText()
				).replace(/\s+/g, ' ');
				expect(sentences(notice)).toBeLessThanOrEqual(2);
				expect(notice.length).toBeLessThan(250);
				await session.screenshot('11-trigger-short-notice');

				// npmjs.com cannot be reached here: the README stands in for the package page, so
				// the screenshot shows where the link lands.
				const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
				await session.context.route('https://www.npmjs.com/**', (route) =>
					route.fulfill({ contentType: 'text/html; charset=utf-8', body: readmeAsPage(readme) }),
				);
				const [docsPage] = await Promise.all([session.context.waitForEvent('page'), docs.click()]);
				await docsPage.waitForLoadState();
				expect(docsPage.url()).toBe(docsUrls[node]);
				// The section the link names exists, and the page scrolled to it.
				expect(await docsPage.evaluate('!!document.getElementById(location.hash.slice(1))')).toBe(
					true,
				);
				expect(await docsPage.locator('#the-trigger').isVisible()).toBe(true);
				await docsPage.screenshot({ path: path.join(ARTIFACTS_DIR, '12-docs-link-readme.png') });
				await docsPage.close();
			}
			await page.keyboard.press('Escape');
		}
		expect(docsUrls).toEqual({
			[TRIGGER_NODE]: new MessageMediaTrigger().description.documentationUrl,
			'Send confirmation': new MessageMedia().description.documentationUrl,
		});
		expect(docsUrls[TRIGGER_NODE]).toBe(
			'https://www.npmjs.com/package/n8n-nodes-messagemedia#the-trigger',
		);
		mark('notice and docs link');
	});

	it("shows the reminders example's Send Once with Key Fields and Key", async () => {
		const reminders = examples.find((wf) => wf.file === 'appointment-reminders.json')!;
		await page.goto(`${n8n.baseUrl}/workflow/${reminders.id}`);
		const send = page.locator('[data-test-id="canvas-node"][data-node-name="Send reminder"]');
		await send.waitFor();
		await dismissPopups(page);
		await send.dblclick();
		const params = page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]');
		await params.waitFor();
		// Each field named `key` (metadata entries have one too), with what it holds.
		const values = (name: string) =>
			params
				.locator(`[data-test-id="parameter-input-${name}"]`)
				.locator('input, textarea')
				.evaluateAll((inputs) =>
					inputs.map((input) => (input as unknown as { value: string }).value),
				);
		const keyFields = params.locator('[data-test-id="parameter-input-keyFields"]');
		await keyFields.scrollIntoViewIfNeeded();
		await expect(values('keyFields')).resolves.toEqual(['appointmentId']);
		await expect(values('key')).resolves.toContain('reminder');
		await session.screenshot('13-send-once-key-fields');
		await page.keyboard.press('Escape');
		mark('send once fields');
	});

	it('shows no browser error about the package', () => {
		const ours = session.errors.filter((error) => /messagemedia/i.test(error));
		expect(ours).toEqual([]);
	});
});
