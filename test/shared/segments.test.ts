import { countSegments, isGsm7, replaceLookAlikes } from '../../nodes/MessageMedia/shared/segments';

const a = (n: number) => 'a'.repeat(n);
// 'Ж' (Cyrillic) is one UTF-16 unit outside GSM-7, so it makes a message UCS-2 without surrogates.
const ucs2 = (n: number) => 'Ж'.repeat(n);

describe('countSegments', () => {
	it.each([
		['empty', '', 'GSM-7', 0, 0],
		['160 GSM-7 characters', a(160), 'GSM-7', 1, 160],
		['161 GSM-7 characters', a(161), 'GSM-7', 2, 161],
		['306 GSM-7 characters', a(306), 'GSM-7', 2, 306],
		['307 GSM-7 characters', a(307), 'GSM-7', 3, 307],
		['70 UCS-2 units', ucs2(70), 'UCS-2', 1, 70],
		['71 UCS-2 units', ucs2(71), 'UCS-2', 2, 71],
		['134 UCS-2 units', ucs2(134), 'UCS-2', 2, 134],
		['135 UCS-2 units', ucs2(135), 'UCS-2', 3, 135],
		['a single €', '€', 'GSM-7', 1, 2],
		['80 € (160 septets)', '€'.repeat(80), 'GSM-7', 1, 160],
		['159 GSM-7 and a € (161 septets)', a(159) + '€', 'GSM-7', 2, 161],
		// 306 septets would be 2 segments, but the € cannot straddle the first boundary.
		['€ at the first boundary', a(152) + '€' + a(152), 'GSM-7', 3, 306],
		['€ just before the boundary', a(151) + '€' + a(153), 'GSM-7', 2, 306],
		['every extension character', '^{}\\[~]|€\f', 'GSM-7', 1, 20],
		['GSM basic accents and Greek', 'àéÑüΔΩ£¥§¿¡', 'GSM-7', 1, 11],
		['Arabic', 'مرحبا، موعدك غدا', 'UCS-2', 1, 16],
		['CJK', '您的预约是明天上午十点', 'UCS-2', 1, 11],
		['an emoji counts two units', 'See you 😀', 'UCS-2', 1, 10],
		['35 emoji (70 units)', '😀'.repeat(35), 'UCS-2', 1, 70],
		// 134 units would be 2 segments, but the surrogate pair cannot straddle the boundary.
		['emoji at the first boundary', ucs2(66) + '😀' + ucs2(66), 'UCS-2', 3, 134],
		['emoji just before the boundary', ucs2(65) + '😀' + ucs2(67), 'UCS-2', 2, 134],
	])('%s', (_name, text, encoding, segments, characters) => {
		const count = countSegments(text);
		expect({
			encoding: count.encoding,
			segments: count.segments,
			characters: count.characters,
		}).toEqual({ encoding, segments, characters });
	});

	it('names every character that forced UCS-2 with its position as a person counts it', () => {
		const count = countSegments('Hi 😀 it’s 10–11');
		expect(count.forcedBy).toEqual([
			{ character: '😀', position: 4 },
			{ character: '’', position: 8 },
			{ character: '–', position: 13 },
		]);
		expect(countSegments('plain text').forcedBy).toEqual([]);
	});

	it('treats the lowercase ç and backtick as outside GSM-7', () => {
		expect(isGsm7('Ç')).toBe(true);
		expect(isGsm7('ç')).toBe(false);
		expect(isGsm7('`')).toBe(false);
	});
});

describe('replaceLookAlikes', () => {
	it('turns a pasted reminder into GSM-7 and counts the replacements', () => {
		const pasted = 'Hi Sam, it’s “tomorrow” at 10\u00a0am – reply YES…\u200b';
		expect(countSegments(pasted).encoding).toBe('UCS-2');
		const { text, replaced } = replaceLookAlikes(pasted);
		expect(text).toBe('Hi Sam, it\'s "tomorrow" at 10 am - reply YES...');
		expect(replaced).toBe(7);
		expect(countSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
	});

	it('leaves a message that stays UCS-2 exactly as written', () => {
		const text = 'It’s confirmed 😀 – see you';
		expect(replaceLookAlikes(text)).toEqual({ text, replaced: 0 });
	});

	it('never changes letters, so a name outside GSM-7 keeps the message as written', () => {
		const text = 'Hi José’s mum, it’s Zoë… no: Łukasz';
		expect(replaceLookAlikes(text)).toEqual({ text, replaced: 0 });
	});

	it('returns GSM-7 text unchanged with no replacements', () => {
		expect(replaceLookAlikes('Reply YES')).toEqual({ text: 'Reply YES', replaced: 0 });
	});
});
