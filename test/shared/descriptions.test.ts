import { intentKeywordFields } from '../../nodes/MessageMedia/shared/descriptions';
import { DEFAULT_INTENT_KEYWORDS } from '../../nodes/MessageMedia/shared/intent';

describe('Reply Keywords field', () => {
	const field = intentKeywordFields();

	it('starts filled in with the lists the classifier uses (no "No properties" panel)', () => {
		const lists = Object.fromEntries(
			Object.entries(DEFAULT_INTENT_KEYWORDS).map(([intent, words]) => [intent, words.join(', ')]),
		);
		expect(field.default).toEqual(lists);
		const optionDefaults = Object.fromEntries(
			(field.options as Array<{ name: string; default: string }>).map((o) => [o.name, o.default]),
		);
		expect(optionDefaults).toEqual(lists);
	});
});
