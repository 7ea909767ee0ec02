import { classifyReply } from '../../nodes/MessageMedia/intent/classifyReply';
import {
	DEFAULT_INTENT_FIELD_VALUES,
	parseIntentKeywords,
} from '../../nodes/MessageMedia/intent/replyIntentLists';

const intentOf = (text: string, keywords = parseIntentKeywords({})) =>
	classifyReply(text, keywords).intent;

describe('classifyReply', () => {
	const keywords = parseIntentKeywords({});
	it.each([
		['YES', 'confirm'],
		[' yes!! ', 'confirm'],
		['Y', 'confirm'],
		['Yes, see you then', 'confirm'],
		['no', 'cancel'],
		['No thanks.', 'cancel'],
		['Cancel please', 'cancel'],
		['STOP', 'stop'],
		['stop yes', 'stop'],
		['unsubscribe', 'stop'],
		['maybe', 'other'],
		['yesterday', 'other'],
		['', 'other'],
		['👍', 'confirm'],
	])('%j → %s', (text, intent) => {
		expect(classifyReply(text, keywords).intent).toBe(intent);
	});

	it('says what decided: a keyword, a phrase or an emoji, and the entry as the list spells it', () => {
		expect(classifyReply('Yesss!', keywords)).toEqual({
			intent: 'confirm',
			by: 'keyword',
			matched: 'yes',
			carrierKeyword: false,
		});
		expect(classifyReply('Can’t make it, sorry', keywords)).toMatchObject({
			intent: 'cancel',
			by: 'phrase',
			matched: "can't make it",
		});
		expect(classifyReply('👍🏾', keywords)).toMatchObject({ by: 'emoji', matched: '👍' });
		expect(classifyReply('Yes or no?', keywords)).toMatchObject({
			intent: 'other',
			by: 'none',
			reason: 'question',
		});
	});

	it('reads CANCEL alone as a cancellation, and says carriers treat it as an opt-out', () => {
		expect(classifyReply('CANCEL', keywords)).toMatchObject({
			intent: 'cancel',
			carrierKeyword: true,
		});
	});

	it('uses custom lists, in any script', () => {
		const custom = parseIntentKeywords({ confirm: 'نعم, JA', cancel: '', stop: 'HALT' });
		expect(intentOf('نعم', custom)).toBe('confirm');
		expect(intentOf('ja!', custom)).toBe('confirm');
		expect(intentOf('no', custom)).toBe('other');
		expect(intentOf('halt', custom)).toBe('stop');
	});
});

describe("the user's own intents", () => {
	const keywords = parseIntentKeywords({
		own: {
			intents: [
				{ name: 'late', keywords: 'running late, 10 minutes late' },
				{ name: 'first', keywords: '1' },
				{ name: 'second', keywords: '2' },
			],
		},
	});

	it.each([
		['Sorry, running late!', 'late'],
		['I am 10 minutes late', 'late'],
		['1', 'first'],
		['2 please', 'second'],
		// A lone digit counts only as the whole reply: this `2` is a time.
		['Yes, see you at 2', 'confirm'],
		['not running late', 'other'],
		// An opt-out still wins: missing one costs more than any label.
		['STOP 1', 'stop'],
	])('%j → %s', (text, intent) => {
		expect(intentOf(text, keywords)).toBe(intent);
	});

	it('win over the defaults for the same words', () => {
		const own = parseIntentKeywords({ own: { intents: [{ name: 'attending', keywords: 'yes' }] } });
		expect(classifyReply('Yes', own)).toMatchObject({ intent: 'attending', matched: 'yes' });
		expect(intentOf('Yep', own)).toBe('confirm');
	});

	it('skip an intent without a name or without words', () => {
		const own = parseIntentKeywords({
			own: {
				intents: [
					{ name: '', keywords: 'yes' },
					{ name: 'late', keywords: ' , ' },
				],
			},
		});
		expect(intentOf('Yes', own)).toBe('confirm');
	});
});

describe('the default lists, changed by the user', () => {
	it('an emptied reschedule list turns reschedule off, proposed times included', () => {
		const keywords = parseIntentKeywords({ reschedule: '' });
		expect(intentOf('Reschedule', keywords)).toBe('other');
		expect(intentOf('How about Friday?', keywords)).toBe('other');
	});

	it('a changed list replaces its default', () => {
		const keywords = parseIntentKeywords({ confirm: 'JA' });
		expect(intentOf('ja', keywords)).toBe('confirm');
		expect(intentOf('yes', keywords)).toBe('other');
	});

	it('the previous default lists, saved in a workflow, still classify every word they list', () => {
		const saved = parseIntentKeywords({
			confirm: 'YES, Y, CONFIRM',
			cancel: 'NO, N, CANCEL',
			stop: 'STOP, UNSUBSCRIBE, OPTOUT',
		});
		for (const [words, intent] of [
			[['YES', 'Y', 'CONFIRM'], 'confirm'],
			[['NO', 'N', 'CANCEL'], 'cancel'],
			[['STOP', 'UNSUBSCRIBE', 'OPTOUT'], 'stop'],
		] as const) {
			for (const word of words)
				expect({ word, intent: intentOf(word, saved) }).toEqual({ word, intent });
		}
		// They never chose those lists (n8n saved the field's default), so they read as today's.
		expect(intentOf('Yep', saved)).toBe('confirm');
	});

	it('the lists the editor shows are the lists the classifier uses', () => {
		expect(parseIntentKeywords({ ...DEFAULT_INTENT_FIELD_VALUES })).toBe(parseIntentKeywords({}));
	});
});
