import type { INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { intentKeywordFields } from '../../nodes/MessageMedia/shared/descriptions';
import { DEFAULT_INTENT_LISTS } from '../../nodes/MessageMedia/intent/defaultIntentLists';
import { intentListsOf } from '../../nodes/MessageMedia/intent/replyIntentLists';

describe('Reply Keywords field', () => {
	const field = intentKeywordFields().find((f) => f.name === 'keywords') as INodeProperties;
	const lists = Object.fromEntries(
		Object.entries(DEFAULT_INTENT_LISTS).map(([intent, words]) => [intent, words.join(', ')]),
	);
	// How n8n reads a node's parameters: with defaults for the editor, without for saving.
	const read = (values: INodeParameters, returnDefaults: boolean) =>
		NodeHelpers.getNodeParameters([field], values, returnDefaults, false, null, null);

	it('a new node starts with the lists the classifier uses, so its panel is not "No properties"', () => {
		const shown = read({}, true);
		expect(shown).toEqual({ keywords: lists });
		expect(intentListsOf(shown!.keywords as never)).toEqual(intentListsOf(undefined));
	});

	it('n8n stores and shows the lists as they are', () => {
		expect(read({ keywords: lists }, false)).toEqual({ keywords: lists });
		expect(read({ keywords: lists }, true)).toEqual({ keywords: lists });
	});

	it('comes with a notice, shown wherever the lists are, that they label replies and filter none', () => {
		const show = { operation: ['sendAndWait'] };
		const [notice, keywords] = intentKeywordFields(show);
		expect(notice).toMatchObject({ type: 'notice', displayOptions: { show } });
		expect(notice.displayName).toMatch(/Switch/);
		expect(notice.displayName).toMatch(/never filter/);
		expect(keywords.displayOptions).toEqual({ show });
	});
});
