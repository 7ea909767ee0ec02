import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { itemParameterReader } from '../../nodes/MessageMedia/shared/itemParameterReader';
import { actionNode as node } from '../helpers/node';

/** A context whose getNodeParameter resolves `={{ item }}` to the item index, and counts reads. */
function contextFor(n: INode) {
	const reads: string[] = [];
	const ctx = {
		getNodeParameter: (name: string, itemIndex: number) => {
			reads.push(name);
			let value: unknown = n.parameters;
			for (const segment of name.split('.')) value = (value as Record<string, unknown>)?.[segment];
			return value === '={{ item }}' ? `item-${itemIndex}` : value;
		},
	} as unknown as IExecuteFunctions;
	return { ctx, reads };
}

describe('itemParameterReader', () => {
	it('reads a dotted parameter that holds an expression for every item', () => {
		const n = node({ options: { callbackUrl: '={{ item }}', region: 'au' } });
		const { ctx, reads } = contextFor(n);
		const read = itemParameterReader(ctx, n);
		expect([0, 1, 2].map((i) => read('options.callbackUrl', i))).toEqual([
			'item-0',
			'item-1',
			'item-2',
		]);
		expect(reads.filter((r) => r === 'options.callbackUrl')).toHaveLength(3);
	});

	it('reads a dotted literal once', () => {
		const n = node({ options: { callbackUrl: '={{ item }}', region: 'au' } });
		const { ctx, reads } = contextFor(n);
		const read = itemParameterReader(ctx, n);
		expect([0, 1, 2].map((i) => read('options.region', i))).toEqual(['au', 'au', 'au']);
		expect(reads).toEqual(['options.region']);
	});

	it('reads a parameter whose path is not stored (a default) per item, to be safe', () => {
		const n = node({});
		const { ctx, reads } = contextFor(n);
		const read = itemParameterReader(ctx, n);
		read('options.missing', 0);
		read('options.missing', 1);
		expect(reads).toHaveLength(2);
	});

	it('treats a collection holding an expression anywhere as per item', () => {
		const n = node({ options: { metadata: { entries: [{ key: 'k', value: '={{ item }}' }] } } });
		const { ctx, reads } = contextFor(n);
		const read = itemParameterReader(ctx, n);
		read('options', 0);
		read('options', 1);
		expect(reads).toEqual(['options', 'options']);
	});
});
