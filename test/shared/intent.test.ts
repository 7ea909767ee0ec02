import { classifyIntent, parseIntentKeywords } from '../../nodes/MessageMedia/shared/intent';

describe('classifyIntent', () => {
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
		['👍', 'other'],
	])('%j → %s', (text, intent) => {
		expect(classifyIntent(text, keywords)).toBe(intent);
	});

	it('uses custom lists, in any script', () => {
		const custom = parseIntentKeywords({ confirm: 'نعم, JA', cancel: '', stop: 'HALT' });
		expect(classifyIntent('نعم', custom)).toBe('confirm');
		expect(classifyIntent('ja!', custom)).toBe('confirm');
		expect(classifyIntent('no', custom)).toBe('other');
		expect(classifyIntent('halt', custom)).toBe('stop');
	});
});
