/**
 * Turns a reply, or an entry of an intent list, into the tokens the classifier compares: lower
 * case, one apostrophe, contractions spelled out (`can't`, `can’t`, `cant` and `cannot` all read
 * `can not`), texting shorthand spelled out (`thx`, `pls`, `u`), emoticons read as emoji, and emoji
 * without skin tones or variation selectors. Stretched letters are left to the vocabulary lookup,
 * which knows which words exist.
 */

export type TokenKind = 'word' | 'emoji' | 'mark';

export interface Token {
	text: string;
	kind: TokenKind;
}

const APOSTROPHES = /[’‘ʼ´`′]/g;
// Skin tones, variation selectors and the zero-width joiner: `👍🏽` and `👍️` read as `👍`.
const EMOJI_MODIFIERS = /\p{Emoji_Modifier}|\uFE0E|\uFE0F|\u200D/gu;
const LATIN_ACCENTS = /(?<=[a-z])[\u0300-\u036f]+/g;
const SMILEY = /(^|\s)[:;=]-?[)D\]]+(?=\s|$)/g;
const FROWN = /(^|\s)[:;=]-?[([]+(?=\s|$)/g;
// Words (with an inner apostrophe), single emoji or tick marks, a question mark, and the marks
// that end a clause. Anything else (spaces, commas, dashes) only separates.
const TOKEN =
	/([\p{L}\p{N}]+(?:'[\p{L}]+)*)|([\p{Extended_Pictographic}\u2713\u2717\u2718])|(\?)|([.!;\n]+|,)/gu;

const SPELLED_OUT = new Map<string, string>(
	Object.entries({
		cant: 'can not',
		cannot: 'can not',
		wont: 'will not',
		dont: 'do not',
		didnt: 'did not',
		doesnt: 'does not',
		isnt: 'is not',
		arent: 'are not',
		wasnt: 'was not',
		werent: 'were not',
		couldnt: 'could not',
		wouldnt: 'would not',
		shouldnt: 'should not',
		havent: 'have not',
		hasnt: 'has not',
		aint: 'is not',
		im: 'i am',
		ive: 'i have',
		youre: 'you are',
		thats: 'that is',
		whats: 'what is',
		its: 'it is',
		lets: 'let us',
		gonna: 'going to',
		wanna: 'want to',
		gotta: 'got to',
		u: 'you',
		ur: 'your',
		b: 'be',
		thx: 'thanks',
		thnx: 'thanks',
		thanx: 'thanks',
		tnx: 'thanks',
		ty: 'thank you',
		tq: 'thank you',
		pls: 'please',
		plz: 'please',
		plse: 'please',
		tmrw: 'tomorrow',
		tmr: 'tomorrow',
		tmrow: 'tomorrow',
		tomoz: 'tomorrow',
		tomorow: 'tomorrow',
		'2moro': 'tomorrow',
		'2morrow': 'tomorrow',
		'2day': 'today',
		cya: 'see you',
		cu: 'see you',
		appt: 'appointment',
		l8r: 'later',
		'opt-out': 'opt out',
		"can't": 'can not',
		"won't": 'will not',
		"ain't": 'is not',
		"let's": 'let us',
	}),
);

// `I'll`, `we're`, `isn't`: the ending becomes a word of its own. (Maps, not objects: a reply may
// well say `constructor`.)
const CONTRACTION = /^(.+?)(n't|'ll|'m|'re|'ve|'d|'s)$/;
const CONTRACTION_ENDINGS = new Map<string, string>(
	Object.entries({
		"n't": 'not',
		"'ll": 'will',
		"'m": 'am',
		"'re": 'are',
		"'ve": 'have',
		"'d": 'would',
		"'s": 'is',
	}),
);
// `ill` is a word, but `ill be there` is `I'll be there` without its apostrophe.
const AFTER_ILL = new Set([
	'be',
	'come',
	'attend',
	'see',
	'make',
	'do',
	'try',
	'call',
	'let',
	'check',
]);

// Most replies are plain ASCII: they skip the Unicode passes.
const NON_ASCII = /[^ -~\t\n\r]/;
const EMOTICON_START = /[:;=]/;

function prepare(text: string): string {
	let prepared = text.toLowerCase().replace(APOSTROPHES, "'");
	if (NON_ASCII.test(prepared)) {
		prepared = prepared
			.normalize('NFD')
			.replace(LATIN_ACCENTS, '')
			.normalize('NFC')
			.replace(EMOJI_MODIFIERS, '');
	}
	if (!EMOTICON_START.test(prepared)) return prepared;
	return prepared.replace(SMILEY, '$1🙂').replace(FROWN, '$1🙁');
}

function spellOut(word: string, next: string | undefined, out: Token[]): void {
	const spelled = SPELLED_OUT.get(word);
	if (spelled) {
		for (const part of spelled.split(' ')) out.push({ text: part, kind: 'word' });
		return;
	}
	if (word === 'ill' && next !== undefined && AFTER_ILL.has(next)) {
		out.push({ text: 'i', kind: 'word' }, { text: 'will', kind: 'word' });
		return;
	}
	const contraction = CONTRACTION.exec(word);
	if (contraction) {
		out.push({ text: contraction[1], kind: 'word' });
		out.push({ text: CONTRACTION_ENDINGS.get(contraction[2])!, kind: 'word' });
		return;
	}
	out.push({ text: word, kind: 'word' });
}

/** The tokens of a reply or of a list entry, in order. */
export function tokenise(text: string): Token[] {
	const raw: Array<[string, TokenKind]> = [];
	for (const m of prepare(String(text ?? '')).matchAll(TOKEN)) {
		if (m[1] !== undefined) raw.push([m[1], 'word']);
		else if (m[2] !== undefined) raw.push([m[2], 'emoji']);
		else raw.push([m[3] ?? (m[4] === ',' ? ',' : '.'), 'mark']);
	}
	const out: Token[] = [];
	raw.forEach(([text, kind], i) => {
		if (kind === 'word') spellOut(text, raw[i + 1]?.[0], out);
		else out.push({ text, kind });
	});
	return out;
}

/** `yesss` → `yes`, `okkk` → `ok`, `nooo` → `no`: every run of one letter becomes one letter. */
export function squeeze(word: string): string {
	return word.replace(/(.)\1+/gu, '$1');
}
