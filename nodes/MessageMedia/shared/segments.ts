/**
 * How carriers bill an SMS: GSM-7 or UCS-2 encoding and the number of segments, counted the way
 * GSM 03.38 and the concatenation header (UDH) define them, plus the look-alike replacement that
 * keeps a message in GSM-7.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

// The GSM 03.38 default alphabet, each one septet. ESC (0x1B) is left out: it only introduces the
// extension table and is not a character a user can type.
const GSM7_BASIC = new Set(
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
		'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

// The extension table: ESC plus the character, so two septets that must stay in one segment.
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export const SEGMENT_LIMITS = {
	'GSM-7': { single: 160, multipart: 153 },
	'UCS-2': { single: 70, multipart: 67 },
} as const;

/** A character outside GSM-7 and its 1-based position, counted in characters as a person reads them. */
export interface ForcingCharacter {
	character: string;
	position: number;
}

export interface SegmentCount {
	encoding: SmsEncoding;
	segments: number;
	/** Septets for GSM-7, UTF-16 code units for UCS-2: what the segment limits are counted in. */
	characters: number;
	/** Every character that forced UCS-2, in order of appearance; empty for GSM-7. */
	forcedBy: ForcingCharacter[];
}

export function septets(character: string): number | undefined {
	if (GSM7_BASIC.has(character)) return 1;
	if (GSM7_EXTENSION.has(character)) return 2;
	return undefined;
}

export function isGsm7(text: string): boolean {
	for (const character of text) if (septets(character) === undefined) return false;
	return true;
}

/**
 * Greedy packing, as phones and carriers split: a unit that would straddle the boundary starts the
 * next segment, so an escaped character or a surrogate pair can cost more than its width suggests.
 */
function pack(widths: number[], limits: { single: number; multipart: number }): number {
	const total = widths.reduce((sum, width) => sum + width, 0);
	if (total === 0) return 0;
	if (total <= limits.single) return 1;
	let segments = 1;
	let used = 0;
	for (const width of widths) {
		if (used + width > limits.multipart) {
			segments++;
			used = 0;
		}
		used += width;
	}
	return segments;
}

export function countSegments(text: string): SegmentCount {
	const characters = [...text];
	const forcedBy: ForcingCharacter[] = [];
	characters.forEach((character, index) => {
		if (septets(character) === undefined) forcedBy.push({ character, position: index + 1 });
	});
	const encoding: SmsEncoding = forcedBy.length === 0 ? 'GSM-7' : 'UCS-2';
	// A code point above U+FFFF is a surrogate pair in UTF-16: two units that cannot be split.
	const widths = characters.map((character) =>
		encoding === 'GSM-7' ? septets(character)! : character.length,
	);
	return {
		encoding,
		segments: pack(widths, SEGMENT_LIMITS[encoding]),
		characters: widths.reduce((sum, width) => sum + width, 0),
		forcedBy,
	};
}

/**
 * Characters that word processors, phones and web forms put in where a plain GSM-7 one was meant.
 * Letters are deliberately absent: "á" is not "a" in a customer's name.
 */
const LOOK_ALIKES: Record<string, string> = {
	'\u2018': "'", // ‘
	'\u2019': "'", // ’
	'\u201A': "'", // ‚
	'\u201B': "'", // ‛
	'\u2032': "'", // ′
	'\u00B4': "'", // ´
	'`': "'",
	'\u2039': '<', // ‹
	'\u203A': '>', // ›
	'\u201C': '"', // “
	'\u201D': '"', // ”
	'\u201E': '"', // „
	'\u201F': '"', // ‟
	'\u2033': '"', // ″
	'\u00AB': '"', // «
	'\u00BB': '"', // »
	'\u2010': '-', // hyphen
	'\u2011': '-', // non-breaking hyphen
	'\u2012': '-', // figure dash
	'\u2013': '-', // –
	'\u2014': '-', // —
	'\u2015': '-', // horizontal bar
	'\u2212': '-', // minus sign
	'\u2026': '...', // …
	'\u2022': '-', // •
	'\u2023': '-', // ‣
	'\u2043': '-', // hyphen bullet
	'\u00B7': '-', // middle dot
	'\u2219': '-', // bullet operator
	'\u02C6': '^', // ˆ
	'\u02DC': '~', // ˜
	'\t': ' ',
	'\u00A0': ' ', // no-break space
	'\u1680': ' ',
	'\u2000': ' ',
	'\u2001': ' ',
	'\u2002': ' ',
	'\u2003': ' ',
	'\u2004': ' ',
	'\u2005': ' ',
	'\u2006': ' ',
	'\u2007': ' ',
	'\u2008': ' ',
	'\u2009': ' ',
	'\u200A': ' ',
	'\u202F': ' ',
	'\u205F': ' ',
	'\u3000': ' ',
	'\u2028': '\n', // line separator
	'\u2029': '\n', // paragraph separator
	// Invisible characters pasted along with text carry nothing a customer can see.
	'\u00AD': '', // soft hyphen
	'\u200B': '', // zero-width space
	'\u2060': '', // word joiner
	'\uFEFF': '', // byte order mark
};

export interface Replacement {
	text: string;
	/** How many characters were replaced (or removed); 0 when the text was left as written. */
	replaced: number;
}

/**
 * Replaces look-alike characters only when every character of the result is GSM-7. A message that
 * stays UCS-2 anyway (an emoji, a name in Arabic) is returned exactly as written: replacing some
 * characters would change the text and save nothing.
 */
export function replaceLookAlikes(text: string): Replacement {
	let replaced = 0;
	let result = '';
	for (const character of text) {
		const substitute = LOOK_ALIKES[character];
		if (substitute === undefined) {
			if (septets(character) === undefined) return { text, replaced: 0 };
			result += character;
		} else {
			replaced++;
			result += substitute;
		}
	}
	return { text: result, replaced };
}
