import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { atItem, itemFailure } from '../../nodes/MessageMedia/shared/itemError';
import { actionNode as node } from '../helpers/node';

describe('itemFailure', () => {
	const n = node({});

	it('keeps n8n’s own errors and records the item', () => {
		const api = new NodeApiError(n, { message: 'x' }, { message: 'API said no' });
		expect(itemFailure(n, api, 3)).toBe(api);
		expect(api.context.itemIndex).toBe(3);
		const op = new NodeOperationError(n, 'bad');
		expect(itemFailure(n, op, 1)).toBe(op);
		expect(op.context.itemIndex).toBe(1);
	});

	it('wraps anything else in a NodeOperationError that names the item once', () => {
		const error = itemFailure(n, Object.assign(new Error('boom'), { description: 'why' }), 2);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('boom [item 2]');
		expect(error.description).toBe('why');
		expect(error.context.itemIndex).toBe(2);
	});
});

describe('atItem', () => {
	it('names the item in n8n’s form, once', () => {
		expect(atItem('"To" is empty', 4)).toBe('"To" is empty [item 4]');
		expect(atItem(atItem('"To" is empty', 4), 4)).toBe('"To" is empty [item 4]');
		expect(atItem('no item', undefined)).toBe('no item');
	});
});
