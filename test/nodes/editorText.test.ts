import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { MessageMediaMessagingApi } from '../../credentials/MessageMediaMessagingApi.credentials';
import { MessageMedia } from '../../nodes/MessageMedia/MessageMedia.node';
import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';

/** One piece of text the editor shows, and where it comes from. */
interface EditorText {
	where: string;
	kind: 'notice' | 'hint' | 'description' | 'other';
	text: string;
}

/** Every text a property, its options and its nested properties put in front of the user. */
function textsOf(properties: unknown[], where: string): EditorText[] {
	const out: EditorText[] = [];
	for (const item of properties as Array<Partial<INodeProperties> & Record<string, unknown>>) {
		const here = `${where}/${String(item.name ?? item.displayName)}`;
		if (item.type === 'notice' && typeof item.displayName === 'string')
			out.push({ where: here, kind: 'notice', text: item.displayName });
		else if (typeof item.displayName === 'string')
			out.push({ where: here, kind: 'other', text: item.displayName });
		if (typeof item.hint === 'string') out.push({ where: here, kind: 'hint', text: item.hint });
		if (typeof item.description === 'string')
			out.push({ where: here, kind: 'description', text: item.description });
		for (const key of ['placeholder', 'action', 'name'] as const) {
			const value = item[key];
			if (typeof value === 'string') out.push({ where: here, kind: 'other', text: value });
		}
		for (const nested of [item.options, item.values]) {
			if (Array.isArray(nested)) out.push(...textsOf(nested, here));
		}
	}
	return out;
}

function nodeTexts(description: INodeTypeDescription): EditorText[] {
	const top = [description.description, description.subtitle, description.waitingNodeTooltip];
	return [
		...top
			.filter((text): text is string => typeof text === 'string')
			.map((text) => ({ where: description.name, kind: 'other' as const, text })),
		...textsOf(description.properties, description.name),
	];
}

const credential = new MessageMediaMessagingApi();
const ALL_TEXTS = [
	...nodeTexts(new MessageMedia().description),
	...nodeTexts(new MessageMediaTrigger().description),
	...textsOf(credential.properties, credential.name),
];

/** Sentences in a text: a full stop, question or exclamation mark, then a capital or the end. */
function sentences(text: string): number {
	const plain = text.replace(/<[^>]+>/g, '').trim();
	return (plain.match(/[.!?](?=\s+[A-Z]|$)/g) ?? []).length || 1;
}

describe('what the editor shows', () => {
	it('finds the texts of both nodes and the credential', () => {
		expect(ALL_TEXTS.filter((t) => t.kind === 'notice').length).toBeGreaterThan(3);
		expect(ALL_TEXTS.filter((t) => t.kind === 'description').length).toBeGreaterThan(50);
		expect(ALL_TEXTS.some((t) => t.where.startsWith('messageMediaMessagingApi/'))).toBe(true);
	});

	it('never mentions the demo, the sandbox or this repository and its scripts', () => {
		const repositoryWords =
			/\b(demo|sandbox|npm (start|run|test)|scripts?\/|localhost|127\.0\.0\.1|this repository|README)\b/i;
		const found = ALL_TEXTS.filter((t) => repositoryWords.test(t.text));
		expect(found).toEqual([]);
	});

	it('keeps every notice and hint to two sentences at most', () => {
		const long = ALL_TEXTS.filter(
			(t) => (t.kind === 'notice' || t.kind === 'hint') && sentences(t.text) > 2,
		);
		expect(long).toEqual([]);
	});

	it('counts sentences as a reader would', () => {
		expect(sentences('One. Two, e.g. this one. Three.')).toBe(3);
		expect(sentences('The <code>outcome</code> is set.')).toBe(1);
		expect(sentences('No full stop')).toBe(1);
	});
});
