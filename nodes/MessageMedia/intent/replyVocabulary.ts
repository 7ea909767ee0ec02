import { CUE, REPLY_CUES } from './replyCues';
import type { Token } from './replyText';
import { squeeze, tokenise } from './replyText';

/** One intent a list entry stands for, as the lists in use spell it. */
export interface IntentRef {
	intent: string;
	/** The user's own intent, not one of the defaults: it wins over them. */
	own: boolean;
	/** The entry as written in the list, for the output's `matched`. */
	entry: string;
}

/** A word, phrase or emoji the classifier knows: the intents it stands for and its cues. */
export interface VocabularyEntry {
	intents: IntentRef[];
	cues: number;
	/** How many tokens it spans. */
	size: number;
	emoji: boolean;
	/** One letter or digit (`Y`, `R`, `1`): it counts only as the whole reply. */
	single: boolean;
}

interface TrieNode {
	next: Map<string, TrieNode>;
	entry?: VocabularyEntry;
}

/** The compiled lists in use: a trie of token sequences, and the words it knows for stretch look-up. */
export interface ReplyVocabulary {
	root: TrieNode;
	/** Every word the trie holds, by its squeezed form: `yesss` finds `yes`. */
	squeezed: Map<string, string>;
	known: Set<string>;
	/** Whether the reschedule list is in use: without it, a proposed time is not a reschedule. */
	reschedules: boolean;
}

export interface IntentList {
	intent: string;
	own: boolean;
	entries: string[];
}

function entryTokens(text: string): Token[] {
	return tokenise(text).filter((token) => token.kind !== 'mark');
}

function nodeFor(vocabulary: ReplyVocabulary, tokens: Token[]): TrieNode {
	let node = vocabulary.root;
	for (const token of tokens) {
		let child = node.next.get(token.text);
		if (!child) {
			child = { next: new Map() };
			node.next.set(token.text, child);
		}
		node = child;
		if (token.kind === 'word') vocabulary.known.add(token.text);
	}
	return node;
}

function add(vocabulary: ReplyVocabulary, text: string, intent?: IntentRef, cues = 0): void {
	const tokens = entryTokens(text);
	if (!tokens.length) return;
	const node = nodeFor(vocabulary, tokens);
	node.entry ??= {
		intents: [],
		cues: 0,
		size: tokens.length,
		emoji: tokens.every((token) => token.kind === 'emoji'),
		single: tokens.length === 1 && [...tokens[0].text].length === 1 && tokens[0].kind === 'word',
	};
	node.entry.cues |= cues;
	if (intent && !node.entry.intents.some((ref) => ref.intent === intent.intent)) {
		node.entry.intents.push(intent);
	}
}

/**
 * Compiles intent lists, the user's own first, into one vocabulary with the classifier's cues.
 * An entry in several lists keeps them all, in list order, so the user's own intent comes first.
 */
export function compileVocabulary(lists: IntentList[]): ReplyVocabulary {
	const vocabulary: ReplyVocabulary = {
		root: { next: new Map() },
		squeezed: new Map(),
		known: new Set(),
		reschedules: lists.some(
			(list) => list.intent === 'reschedule' && !list.own && list.entries.length > 0,
		),
	};
	const ordered = [...lists.filter((list) => list.own), ...lists.filter((list) => !list.own)];
	for (const list of ordered) {
		for (const entry of list.entries)
			add(vocabulary, entry, { intent: list.intent, own: list.own, entry });
	}
	for (const [cue, phrases] of REPLY_CUES)
		for (const phrase of phrases) add(vocabulary, phrase, undefined, cue);
	for (const word of vocabulary.known) {
		const short = squeeze(word);
		if (!vocabulary.squeezed.has(short)) vocabulary.squeezed.set(short, word);
	}
	return vocabulary;
}

/** The longest entry starting at `start` (a clause mark ends every phrase), and where it ends. */
export function longestEntry(
	vocabulary: ReplyVocabulary,
	tokens: Token[],
	start: number,
): { entry: VocabularyEntry; end: number } | undefined {
	let node: TrieNode | undefined = vocabulary.root;
	let found: { entry: VocabularyEntry; end: number } | undefined;
	for (let i = start; i < tokens.length && tokens[i].kind !== 'mark'; i++) {
		node = node.next.get(tokens[i].text);
		if (!node) break;
		if (node.entry) found = { entry: node.entry, end: i + 1 };
	}
	return found;
}

const ENDINGS = /^(.{3,}?)(ing|ed|es|s)$/;

/** `confirming` → `confirm`, `rescheduling` → `reschedule`, `cancelled` → `cancel`. */
function stemOf(vocabulary: ReplyVocabulary, word: string): string | undefined {
	const ending = ENDINGS.exec(word);
	if (!ending) return undefined;
	const base = ending[1];
	return [base, `${base}e`, squeeze(base)].find((form) => vocabulary.known.has(form));
}

/**
 * A word the vocabulary does not hold, read as the word it stretches (`okkk` → `ok`) or the word
 * it is a form of (`confirming` → `confirm`); otherwise as written.
 */
export function knownSpelling(vocabulary: ReplyVocabulary, word: string): string {
	if (vocabulary.known.has(word)) return word;
	return vocabulary.squeezed.get(squeeze(word)) ?? stemOf(vocabulary, word) ?? word;
}

export { CUE };
