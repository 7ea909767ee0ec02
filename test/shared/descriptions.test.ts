import type { INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { intentKeywordFields } from '../../nodes/MessageMedia/shared/descriptions';
import {
	DEFAULT_INTENT_KEYWORDS,
	parseIntentKeywords,
} from '../../nodes/MessageMedia/shared/intent';

describe('Reply Keywords field', () => {
	const field = intentKeywordFields() as INodeProperties;
	const lists = Object.fromEntries(
		Object.entries(DEFAULT_INTENT_KEYWORDS).map(([intent, words]) => [intent, words.join(', ')]),
	);
	// How n8n reads a node's parameters: with defaults for the editor, without for saving.
	const read = (values: INodeParameters, returnDefaults: boolean) =>
		NodeHelpers.getNodeParameters([field], values, returnDefaults, false, null, null);

	it('a new node starts with the lists the classifier uses, so its panel is not "No properties"', () => {
		const shown = read({}, true);
		expect(shown).toEqual({ keywords: lists });
		expect(parseIntentKeywords(shown!.keywords as never)).toEqual(DEFAULT_INTENT_KEYWORDS);
	});

	it('n8n stores and shows the lists as they are', () => {
		expect(read({ keywords: lists }, false)).toEqual({ keywords: lists });
		expect(read({ keywords: lists }, true)).toEqual({ keywords: lists });
	});
});
