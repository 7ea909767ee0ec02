import type { IDataObject } from 'n8n-workflow';

import type { DefaultIntent } from './defaultIntentLists';
import {
	DEFAULT_INTENT_LISTS,
	DEFAULT_INTENTS,
	PREVIOUS_DEFAULT_LISTS,
} from './defaultIntentLists';
import type { IntentList, ReplyVocabulary } from './replyVocabulary';
import { compileVocabulary } from './replyVocabulary';

/** The lists as the editor shows them: one comma-separated string per default intent. */
export const DEFAULT_INTENT_FIELD_VALUES = Object.fromEntries(
	DEFAULT_INTENTS.map((intent) => [intent, DEFAULT_INTENT_LISTS[intent].join(', ')]),
) as Record<DefaultIntent, string>;

function splitList(value: unknown): string[] {
	const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
	return items.map((item) => item.trim()).filter(Boolean);
}

const sameWords = (a: string, b: string) =>
	splitList(a).join(',').toUpperCase() === splitList(b).join(',').toUpperCase();

/** A list the user never opened keeps its default; a list the user emptied matches nothing. */
function defaultList(intent: DefaultIntent, value: unknown): IntentList {
	const first = PREVIOUS_DEFAULT_LISTS[intent];
	const untouched =
		value === undefined ||
		value === null ||
		(first !== undefined && sameWords(String(value), first));
	return {
		intent,
		own: false,
		entries: untouched ? DEFAULT_INTENT_LISTS[intent] : splitList(value),
	};
}

/** The user's own intents: `{ intents: [{ name, keywords }] }` from the editor's fixed collection. */
function ownLists(raw: IDataObject | undefined): IntentList[] {
	const own = (raw?.own as IDataObject | undefined)?.intents;
	if (!Array.isArray(own)) return [];
	return (own as IDataObject[])
		.map((item) => ({
			intent: String(item.name ?? '').trim(),
			own: true,
			entries: splitList(item.keywords ?? ''),
		}))
		.filter((list) => list.intent && list.entries.length);
}

/** Every list in use, the user's own intents first. */
export function intentListsOf(raw: IDataObject | undefined): IntentList[] {
	return [...ownLists(raw), ...DEFAULT_INTENTS.map((intent) => defaultList(intent, raw?.[intent]))];
}

/** The first entry of a default intent's list in use, as a reply would type it (`YES`). */
export function firstEntryOf(
	raw: IDataObject | undefined,
	intent: DefaultIntent,
): string | undefined {
	return defaultList(intent, raw?.[intent]).entries[0]?.toUpperCase();
}

// Compiling takes far longer than classifying; a node's lists change only when its workflow is
// saved, so the few in use are kept, keyed by their text.
const compiled = new Map<string, ReplyVocabulary>();
const KEEP = 32;

/**
 * Reads the Reply Keywords field (`keywords`: a comma-separated list per default intent, and the
 * user's own intents) into the vocabulary the classifier uses.
 */
export function parseIntentKeywords(raw: IDataObject | undefined): ReplyVocabulary {
	const lists = intentListsOf(raw);
	const key = JSON.stringify(lists);
	let vocabulary = compiled.get(key);
	if (!vocabulary) {
		vocabulary = compileVocabulary(lists);
		if (compiled.size >= KEEP) compiled.delete(compiled.keys().next().value as string);
		compiled.set(key, vocabulary);
	}
	return vocabulary;
}

/** The vocabulary of the default lists alone. */
export const defaultVocabulary = (): ReplyVocabulary => parseIntentKeywords(undefined);
