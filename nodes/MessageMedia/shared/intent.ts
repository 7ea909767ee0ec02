import type { IDataObject } from 'n8n-workflow';

/** What a reply means, by the keyword lists of `intentKeywordFields`. */
export type ReplyIntent = 'confirm' | 'cancel' | 'stop' | 'other';

export interface IntentKeywords {
	confirm: string[];
	cancel: string[];
	stop: string[];
}

/** The defaults shown in `intentKeywordFields`; used when a list is left empty or unset. */
export const DEFAULT_INTENT_KEYWORDS: IntentKeywords = {
	confirm: ['YES', 'Y', 'CONFIRM'],
	cancel: ['NO', 'N', 'CANCEL'],
	stop: ['STOP', 'UNSUBSCRIBE', 'OPTOUT'],
};

// Letters and digits of any script survive; everything else (spaces, punctuation, emoji) separates.
const SEPARATORS = /[^\p{L}\p{N}]+/gu;

/** Upper-cases and trims surrounding punctuation and spaces: ` Yes!! ` → `YES`. */
export function normaliseIntentText(text: string): string {
	return String(text ?? '')
		.normalize('NFKC')
		.toUpperCase()
		.replace(SEPARATORS, ' ')
		.trim();
}

function parseList(value: unknown, fallback: string[]): string[] {
	if (value === undefined || value === null) return fallback;
	const list = (Array.isArray(value) ? value.map(String) : String(value).split(','))
		.map(normaliseIntentText)
		.filter(Boolean);
	return list;
}

/**
 * Reads the `keywords` collection of `intentKeywordFields` (comma-separated strings). A list the
 * user never opened keeps its default; a list the user emptied matches nothing.
 */
export function parseIntentKeywords(raw: IDataObject | undefined): IntentKeywords {
	return {
		confirm: parseList(raw?.confirm, DEFAULT_INTENT_KEYWORDS.confirm),
		cancel: parseList(raw?.cancel, DEFAULT_INTENT_KEYWORDS.cancel),
		stop: parseList(raw?.stop, DEFAULT_INTENT_KEYWORDS.stop),
	};
}

/**
 * Classifies a reply. The whole message is compared first (`"No thanks"` can be a keyword), then
 * its first word, so `"Yes, see you then"` confirms. Stop wins over cancel over confirm, because a
 * missed opt-out costs more than a missed confirmation.
 */
export function classifyIntent(
	text: string | undefined,
	keywords: IntentKeywords = DEFAULT_INTENT_KEYWORDS,
): ReplyIntent {
	const normalised = normaliseIntentText(text ?? '');
	if (!normalised) return 'other';
	const firstWord = normalised.split(' ')[0];
	const order: Array<Exclude<ReplyIntent, 'other'>> = ['stop', 'cancel', 'confirm'];
	for (const candidate of [normalised, firstWord]) {
		for (const intent of order) {
			if (keywords[intent].includes(candidate)) return intent;
		}
	}
	return 'other';
}
