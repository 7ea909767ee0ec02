/**
 * The example workflows as a newcomer sees them: nodes that do not sit on each other, one trigger
 * per workflow (so the editor's big button runs what the banner says), and outbound texts that a
 * reply can be correlated from.
 */
import * as fs from 'fs';
import * as path from 'path';

import { DEFAULT_INTENT_FIELD_VALUES } from '../../nodes/MessageMedia/intent/replyIntentLists';
import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');
const ACTION = 'n8n-nodes-messagemedia.messageMedia';
const TRIGGER = 'n8n-nodes-messagemedia.messageMediaTrigger';
const STICKY = 'n8n-nodes-base.stickyNote';
/** n8n's size for a sticky note that does not set its own. */
const STICKY_SIZE = { width: 240, height: 160 };

/**
 * What one node takes on n8n's canvas: its 100 px square plus the name and subtitle drawn under
 * it, which n8n lets run wider than the square.
 */
const NODE_FOOTPRINT = { width: 200, height: 160 };
/** n8n grows a node past its square once it has more outputs than fit its side. */
const OUTPUT_SPACING = 32;

interface ExampleNode {
	name: string;
	type: string;
	position: [number, number];
	typeVersion?: number;
	disabled?: boolean;
	parameters: Record<string, unknown> & {
		resource?: string;
		operation?: string;
		content?: string;
		options?: { metadata?: { entries?: Array<{ key: string; value: string }> } };
	};
}
interface Example {
	file: string;
	name: string;
	nodes: ExampleNode[];
	connections: Record<string, Record<string, Array<Array<{ node: string }>>>>;
}

const examples: Example[] = fs
	.readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => ({ file, ...JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) }));

function footprintHeight(wf: Example, node: ExampleNode): number {
	const outputs = wf.connections[node.name]?.main?.length ?? 1;
	return Math.max(NODE_FOOTPRINT.height, NODE_FOOTPRINT.height - 100 + outputs * OUTPUT_SPACING);
}

/** Pairs of nodes whose footprints overlap (a node's position is its top-left corner). */
function overlappingPairs(wf: Example): string[] {
	const out: string[] = [];
	const nodes = wf.nodes.filter((node) => node.type !== STICKY);
	nodes.forEach((a, i) => {
		for (const b of nodes.slice(i + 1)) {
			const [top, bottom] = a.position[1] <= b.position[1] ? [a, b] : [b, a];
			const dx = Math.abs(a.position[0] - b.position[0]);
			const dy = bottom.position[1] - top.position[1];
			if (dx < NODE_FOOTPRINT.width && dy < footprintHeight(wf, top)) {
				out.push(`"${a.name}" and "${b.name}" (${dx} px apart across, ${dy} px down)`);
			}
		}
	});
	return out;
}

interface Box {
	name: string;
	left: number;
	top: number;
	right: number;
	bottom: number;
}

function boxOf(wf: Example, node: ExampleNode): Box {
	const [left, top] = node.position;
	const sticky = node.type === STICKY;
	const width = sticky ? Number(node.parameters.width ?? STICKY_SIZE.width) : NODE_FOOTPRINT.width;
	const height = sticky
		? Number(node.parameters.height ?? STICKY_SIZE.height)
		: footprintHeight(wf, node);
	return { name: node.name, left, top, right: left + width, bottom: top + height };
}

const overlap = (a: Box, b: Box) =>
	a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Sticky notes that cover a node or another note. */
function stickyOverlaps(wf: Example): string[] {
	const boxes = wf.nodes.map((node) => ({ sticky: node.type === STICKY, box: boxOf(wf, node) }));
	const out: string[] = [];
	boxes.forEach((a, i) => {
		for (const b of boxes.slice(i + 1)) {
			if ((a.sticky || b.sticky) && overlap(a.box, b.box))
				out.push(`"${a.box.name}" and "${b.box.name}"`);
		}
	});
	return out;
}

const isTrigger = (node: ExampleNode) =>
	node.type === TRIGGER || /trigger$/i.test(node.type) || node.type === 'n8n-nodes-base.webhook';

/** Every node that sends a text (Send, Send and Wait). */
const senders = (wf: Example) =>
	wf.nodes.filter(
		(node) =>
			node.type === ACTION &&
			(node.parameters.resource ?? 'message') === 'message' &&
			['send', 'sendAndWait'].includes(node.parameters.operation ?? ''),
	);

const metadataOf = (node: ExampleNode): Record<string, string> =>
	Object.fromEntries(
		(
			(node.parameters.options?.metadata?.entries ?? []) as Array<{ key: string; value: string }>
		).map((entry) => [entry.key, entry.value]),
	);

describe('examples/*.json', () => {
	it('there are examples to check, among them one that answers replies', () => {
		expect(examples.length).toBeGreaterThanOrEqual(3);
		const answering = examples.filter((wf) => wf.nodes.some((node) => node.type === TRIGGER));
		expect(answering.flatMap(senders).length).toBeGreaterThanOrEqual(3);
	});

	describe.each(examples.map((wf) => [wf.file, wf] as const))('%s', (_file, wf) => {
		it('has no two nodes closer than a node footprint', () => {
			expect(overlappingPairs(wf)).toEqual([]);
		});

		it("has exactly one trigger, so the editor's Execute button starts what the banner says", () => {
			// With two triggers n8n 2.41 preselects a community trigger over the Manual Trigger, and
			// the big button would start listening for a test event instead.
			expect(wf.nodes.filter(isTrigger).map((node) => node.name)).toHaveLength(1);
		});

		it('puts the appointment id (and what the text is) in every outbound text’s metadata', () => {
			for (const node of senders(wf)) {
				const metadata = metadataOf(node);
				expect({ node: node.name, appointmentId: metadata.appointmentId }).toEqual({
					node: node.name,
					appointmentId: expect.stringMatching(/^=\{\{.*appointmentId.*\}\}$/),
				});
				expect({ node: node.name, kind: metadata.kind }).toEqual({
					node: node.name,
					kind: expect.stringMatching(/^(reminder|confirmation|cancellation|rebooking)$/),
				});
			}
		});

		it('names the appointment in every text sent in answer to a reply', () => {
			if (!wf.nodes.some((node) => node.type === TRIGGER)) return;
			const answers = senders(wf);
			for (const node of answers) {
				expect({ node: node.name, content: node.parameters.content }).toEqual({
					node: node.name,
					content: expect.stringContaining('metadata_appointmentId'),
				});
			}
		});

		it('shows Reply Keywords filled in with the lists the node ships (an empty collection reads "No properties")', () => {
			for (const node of wf.nodes.filter((n) => n.type === TRIGGER || n.type === ACTION)) {
				const keywords = node.parameters.keywords as Record<string, string> | undefined;
				if (keywords === undefined) continue;
				expect({ node: node.name, lists: keywords }).toEqual({
					node: node.name,
					lists: DEFAULT_INTENT_FIELD_VALUES,
				});
			}
		});

		it('keeps sticky notes clear of the nodes and of each other', () => {
			expect(stickyOverlaps(wf)).toEqual([]);
		});

		it('starts with the trigger version new nodes get', () => {
			for (const node of wf.nodes.filter((n) => n.type === TRIGGER)) {
				expect({ node: node.name, typeVersion: node.typeVersion }).toEqual({
					node: node.name,
					typeVersion: new MessageMediaTrigger().description.defaultVersion,
				});
			}
		});
	});

	describe.each([
		['appointment-confirmation.json', 'What did they say?', 'intent'],
		['appointment-send-and-wait.json', 'Route the answer', 'decision'],
	])('%s, the flow a clinic finishes', (file, switchName, field) => {
		const wf = examples.find((example) => example.file === file)!;
		const byName = new Map(wf.nodes.map((node) => [node.name, node]));
		const rules = (
			byName.get(switchName)!.parameters.rules as {
				values: Array<{ outputKey: string; conditions: { conditions: unknown[] } }>;
			}
		).values;
		const branchOf = (key: string) => {
			const index = rules.findIndex((rule) => rule.outputKey === key);
			return wf.connections[switchName].main[index]?.map((link) => byName.get(link.node)!) ?? [];
		};

		it(`routes every default intent by \`${field}\`, each to a node of its own`, () => {
			for (const intent of ['confirm', 'cancel', 'stop', 'reschedule', 'other']) {
				const rule = rules.find((r) => r.outputKey === intent);
				expect({ intent, condition: rule?.conditions.conditions[0] }).toEqual({
					intent,
					condition: expect.objectContaining({
						leftValue: `={{ $json.${field} }}`,
						rightValue: intent,
					}),
				});
				expect({ intent, branch: branchOf(intent).length }).toEqual({ intent, branch: 1 });
			}
		});

		it('really opts the customer out on stop', () => {
			const [optOut] = branchOf('stop');
			expect(optOut).toMatchObject({
				type: ACTION,
				parameters: { resource: 'optOut', operation: 'add' },
			});
		});

		it('says on a sticky note what to put in every placeholder branch', () => {
			const notes = wf.nodes
				.filter((node) => node.type === STICKY)
				.map((node) => String(node.parameters.content));
			const placeholders = wf.nodes.filter((node) => node.type === 'n8n-nodes-base.noOp');
			expect(placeholders.length).toBeGreaterThan(0);
			for (const node of placeholders) {
				expect({ node: node.name, noted: notes.some((note) => note.includes(node.name)) }).toEqual({
					node: node.name,
					noted: true,
				});
			}
		});
	});

	describe('free-text-replies-ai-agent.json', () => {
		const wf = examples.find((example) => example.file === 'free-text-replies-ai-agent.json')!;
		const byType = (type: string) => wf.nodes.filter((node) => node.type === type);

		it('sends other replies to an AI Agent that waits, switched off, for the user’s chat model', () => {
			const [agent] = byType('@n8n/n8n-nodes-langchain.agent');
			expect(agent).toMatchObject({ disabled: true, parameters: { text: '={{ $json.text }}' } });
			const [test] = byType('n8n-nodes-base.if');
			expect(JSON.stringify(test.parameters)).toContain('"rightValue":"other"');
			expect(wf.connections[test.name].main[0].map((link) => link.node)).toEqual([agent.name]);
			const notes = byType(STICKY).map((node) => String(node.parameters.content));
			expect(notes.some((note) => /chat model/i.test(note))).toBe(true);
		});

		it('keys the agent’s memory by the reply’s sessionId', () => {
			const [memory] = byType('@n8n/n8n-nodes-langchain.memoryBufferWindow');
			expect(memory.parameters).toMatchObject({
				sessionIdType: 'customKey',
				sessionKey: '={{ $json.sessionId }}',
			});
			const [agent] = byType('@n8n/n8n-nodes-langchain.agent');
			expect(wf.connections[memory.name].ai_memory[0].map((link) => link.node)).toEqual([
				agent.name,
			]);
		});
	});

	it('the overlap check catches nodes stacked 100 px apart (as the examples once were)', () => {
		const stacked: Example = {
			file: 'x.json',
			name: 'x',
			connections: {},
			nodes: [0, 100].map((y, i) => ({
				name: `n${i}`,
				type: 'n8n-nodes-base.noOp',
				position: [0, y] as [number, number],
				parameters: {},
			})),
		};
		expect(overlappingPairs(stacked)).toEqual(['"n0" and "n1" (0 px apart across, 100 px down)']);
	});
});
