import { CARRIER_OPT_OUT_KEYWORDS } from './defaultIntentLists';
import { CUE, TIME_TOKEN } from './replyCues';
import type { Token } from './replyText';
import { tokenise } from './replyText';
import type { IntentRef, ReplyVocabulary, VocabularyEntry } from './replyVocabulary';
import { knownSpelling, longestEntry } from './replyVocabulary';

/** Why a reply came out `other`. */
export type OtherReason = 'question' | 'unsure' | 'negated' | 'mixed' | 'unknown';

/** What a reply means and what decided it, as the trigger and Send and Wait output it. */
export interface IntentMatch {
	intent: string;
	/** A single word, a phrase or an emoji decided it; `none` for `other`. */
	by: 'keyword' | 'phrase' | 'emoji' | 'none';
	/** The list entry that matched, as the list spells it; empty for `other`. */
	matched: string;
	/** For `other`: what kept the reply from an intent. */
	reason?: OtherReason;
	/** The whole reply is a keyword carriers treat as an opt-out (`CANCEL` among them). */
	carrierKeyword: boolean;
}

/** A stretch of the reply: a vocabulary entry, or a word or emoji it does not know. */
interface Piece {
	entry?: VocabularyEntry;
	text: string;
	clause: number;
	/** A comma or clause mark stands between this piece and the one before. */
	afterBreak: boolean;
}

interface Reading {
	pieces: Piece[];
	/** Clauses that ask something. */
	questions: Set<number>;
	/** Clauses that ask the clinic to do something (`could you cancel it?`): not a question. */
	requests: Set<number>;
	/** The pieces that say something: neither pleasantries nor inert phrases. */
	content: Piece[];
	/** Per intent, whether every content piece names it (worked out once). */
	alone: Map<string, boolean>;
}

const AUXILIARIES = new Set([
	'is',
	'are',
	'am',
	'was',
	'were',
	'do',
	'does',
	'did',
	'can',
	'could',
	'will',
	'would',
	'should',
	'shall',
	'may',
	'have',
	'has',
]);
const SUBJECTS = new Set([
	'i',
	'you',
	'we',
	'it',
	'there',
	'this',
	'that',
	'they',
	'he',
	'she',
	'my',
]);
const ASKING = new Set(['can', 'could', 'would', 'will']);
const CARRIER_KEYWORDS = new Set(CARRIER_OPT_OUT_KEYWORDS.map((k) => wordsOf(tokenise(k))));

function wordsOf(tokens: Token[]): string {
	return tokens
		.filter((token) => token.kind !== 'mark')
		.map((token) => token.text)
		.join(' ');
}

const has = (piece: Piece | undefined, cue: number) => ((piece?.entry?.cues ?? 0) & cue) !== 0;
const isPolite = (piece: Piece) =>
	has(piece, CUE.polite) && !piece.entry?.intents.length && !(piece.entry!.cues & ~CUE.polite);
const names = (piece: Piece, intent: string) =>
	piece.entry?.intents.some((ref) => ref.intent === intent) ?? false;

/** Splits the reply into vocabulary entries (longest first) and unknown words, clause by clause. */
function read(tokens: Token[], vocabulary: ReplyVocabulary): Reading {
	const reading: Reading = {
		pieces: [],
		questions: new Set(),
		requests: new Set(),
		content: [],
		alone: new Map(),
	};
	let clause = 0;
	let afterBreak = false;
	let clauseStart = true;
	for (let i = 0; i < tokens.length;) {
		const token = tokens[i];
		if (token.kind === 'mark') {
			if (token.text === '?') reading.questions.add(clause);
			if (token.text !== ',') {
				clause += 1;
				clauseStart = true;
			}
			afterBreak = true;
			i += 1;
			continue;
		}
		if (clauseStart) markAsking(tokens, i, clause, reading);
		const found = longestEntry(vocabulary, tokens, i);
		const end = found ? found.end : i + 1;
		const text = wordsOf(tokens.slice(i, end));
		const piece: Piece = { entry: found?.entry, text, clause, afterBreak };
		if (!found && TIME_TOKEN.test(token.text)) piece.entry = TIME_ENTRY;
		reading.pieces.push(piece);
		if (has(piece, CUE.question)) reading.questions.add(clause);
		afterBreak = false;
		if (!isPolite(piece)) clauseStart = false;
		i = end;
	}
	reading.content = reading.pieces.filter((piece) => !isPolite(piece) && !has(piece, CUE.inert));
	return reading;
}

const TIME_ENTRY: VocabularyEntry = {
	intents: [],
	cues: CUE.when,
	size: 1,
	emoji: false,
	single: false,
};

/** `is it …`, `do you …`: a clause that opens with a verb and its subject asks something. */
function markAsking(tokens: Token[], i: number, clause: number, reading: Reading): void {
	const [first, second] = [tokens[i]?.text, tokens[i + 1]?.text];
	if (!AUXILIARIES.has(first) || (!SUBJECTS.has(second) && second !== 'u')) return;
	reading.questions.add(clause);
	if (ASKING.has(first) && ['you', 'u', 'we', 'i'].includes(second)) reading.requests.add(clause);
}

/** Replaces each word the vocabulary does not hold by the word it stretches, if any. */
function canonical(tokens: Token[], vocabulary: ReplyVocabulary): Token[] {
	for (const token of tokens) {
		if (token.kind === 'word') token.text = knownSpelling(vocabulary, token.text);
	}
	return tokens;
}

/** A negator (`not`, `never`) one or two words before, in the same part of the clause. */
function negated(pieces: Piece[], index: number): boolean {
	for (let back = 1; back <= 2; back++) {
		const before = pieces[index - back];
		if (!before || before.clause !== pieces[index].clause) return false;
		if (has(before, CUE.negator)) return true;
		if (pieces[index - back + 1].afterBreak) return false;
	}
	return false;
}

interface Hit {
	piece: Piece;
	ref: IntentRef;
	index: number;
}

function hitsFor(reading: Reading, accept: (ref: IntentRef) => boolean): Hit[] {
	const hits: Hit[] = [];
	reading.pieces.forEach((piece, index) => {
		for (const ref of piece.entry?.intents ?? []) if (accept(ref)) hits.push({ piece, ref, index });
	});
	return hits;
}

/** `Y`, `R`, `1` count only as the whole reply, give or take pleasantries and repeats. */
function standsAlone(hit: Hit, reading: Reading): boolean {
	const intent = hit.ref.intent;
	let alone = reading.alone.get(intent);
	if (alone === undefined) {
		alone = reading.content.every((piece) => names(piece, intent));
		reading.alone.set(intent, alone);
	}
	return alone;
}

function usable(hit: Hit, reading: Reading): boolean {
	if (negated(reading.pieces, hit.index)) return false;
	return !hit.piece.entry!.single || standsAlone(hit, reading);
}

function matchOf(hit: Hit, carrierKeyword: boolean): IntentMatch {
	const entry = hit.piece.entry!;
	return {
		intent: hit.ref.intent,
		by: entry.emoji ? 'emoji' : entry.size > 1 ? 'phrase' : 'keyword',
		matched: hit.ref.entry,
		carrierKeyword,
	};
}

function other(reason: OtherReason, carrierKeyword: boolean): IntentMatch {
	return { intent: 'other', by: 'none', matched: '', reason, carrierKeyword };
}

/**
 * An opt-out counts wherever it stands (`I want to unsubscribe`), except a word of everyday
 * English (`end`, `quit`), which counts in a short reply or at the head of a clause. `Don't stop`
 * and `stop by` are no opt-out.
 */
function optOut(reading: Reading): Hit | undefined {
	const short = reading.content.length <= 3;
	const heads = new Set(reading.content.filter((p, i, all) => p.clause !== all[i - 1]?.clause));
	return hitsFor(reading, (ref) => ref.intent === 'stop' && !ref.own).find((hit) => {
		if (!usable(hit, reading)) return false;
		if (hit.piece.entry!.size > 1 || short || !has(hit.piece, CUE.everyday)) return true;
		return heads.has(hit.piece);
	});
}

/** A named reschedule, or a proposal beside a time: `how about 11?`, `Friday instead`. */
function rescheduleOf(reading: Reading, vocabulary: ReplyVocabulary): IntentMatch | undefined {
	const named = hitsFor(reading, (ref) => ref.intent === 'reschedule' && !ref.own).find((hit) =>
		usable(hit, reading),
	);
	if (named) return matchOf(named, false);
	if (!vocabulary.reschedules) return undefined;
	const time = reading.pieces.find((piece) => has(piece, CUE.when));
	const proposal = reading.pieces.find((piece) => has(piece, CUE.proposal)) ?? offer(reading);
	if (!proposal || !time) return undefined;
	return {
		intent: 'reschedule',
		by: 'phrase',
		matched: `${proposal.text} … ${time.text}`,
		carrierKeyword: false,
	};
}

/** `Can't make 3, is 4 ok?`: a refusal beside a question that names a time offers that time. */
function offer(reading: Reading): Piece | undefined {
	if (!reading.pieces.some((piece) => names(piece, 'cancel'))) return undefined;
	return reading.pieces.find(
		(piece) => reading.questions.has(piece.clause) && has(piece, CUE.when),
	);
}

/** Confirm or cancel from words, else from emoji; anything unclear is `other`. */
function answerOf(reading: Reading, carrierKeyword: boolean): IntentMatch {
	const answers = hitsFor(reading, (ref) => ref.intent === 'confirm' || ref.intent === 'cancel');
	const words = answers.filter((hit) => !hit.piece.entry!.emoji);
	const decisive = words.length ? words : answers;
	const live = decisive.filter((hit) => usable(hit, reading));
	if (!decisive.length) return other('unknown', carrierKeyword);
	if (live.length < decisive.length) return other('negated', carrierKeyword);
	const intents = new Set(live.map((hit) => hit.ref.intent));
	if (intents.size > 1) return other('mixed', carrierKeyword);
	const [first] = live;
	if (first.ref.intent === 'confirm' && takenBack(reading, first.index)) {
		return other('negated', carrierKeyword);
	}
	return matchOf(first, carrierKeyword);
}

/** A yes followed by `but`, or beside a `not` that belongs to no phrase, is not a yes. */
function takenBack(reading: Reading, index: number): boolean {
	return reading.pieces.some(
		(piece, i) => (i > index && has(piece, CUE.contrast)) || has(piece, CUE.negator),
	);
}

function asks(reading: Reading): boolean {
	const cancelling = new Set(reading.pieces.filter((p) => names(p, 'cancel')).map((p) => p.clause));
	for (const clause of reading.questions) {
		if (!(reading.requests.has(clause) && cancelling.has(clause))) return true;
	}
	return false;
}

/**
 * Classifies a reply: stop, then the user's own intents, then reschedule, then confirm or cancel.
 * A reply that asks, hedges, negates or mixes signals is `other`: a false confirmation costs the
 * most, a false cancellation next, so doubt never becomes either.
 */
export function classifyReply(text: string | undefined, vocabulary: ReplyVocabulary): IntentMatch {
	const tokens = canonical(tokenise(text ?? ''), vocabulary);
	const carrierKeyword = CARRIER_KEYWORDS.has(wordsOf(tokens));
	const reading = read(tokens, vocabulary);
	const stop = optOut(reading);
	if (stop) return matchOf(stop, carrierKeyword);
	const own = hitsFor(reading, (ref) => ref.own).find((hit) => usable(hit, reading));
	if (own) return matchOf(own, carrierKeyword);
	const reschedule = rescheduleOf(reading, vocabulary);
	if (reschedule) return reschedule;
	if (reading.pieces.some((piece) => has(piece, CUE.hedge))) return other('unsure', carrierKeyword);
	if (asks(reading)) return other('question', carrierKeyword);
	return answerOf(reading, carrierKeyword);
}
