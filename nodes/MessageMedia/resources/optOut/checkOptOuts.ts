import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { chunk } from '../../shared/chunk';
import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { countryCodeOptions } from '../../shared/descriptions';
import { NUMBERS_PER_REQUEST, numbersField, readNumbers } from './optOutNumbers';

const showOnlyForOptOutCheck = { resource: ['optOut'], operation: ['check'] };

const description: INodeProperties[] = [
	numbersField(
		showOnlyForOptOutCheck,
		'Comma-separated phone numbers, or an expression returning an array. Outputs one item per number.',
	),
	countryCodeOptions(showOnlyForOptOutCheck),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const numbers = readNumbers.call(this, i);
		const results: IDataObject[] = [];
		for (const batch of chunk(numbers, NUMBERS_PER_REQUEST)) {
			const body = await messageMediaApiRequest.call(this, {
				method: 'GET',
				// The API takes the numbers as one comma-separated path segment.
				path: `/v1/number_authorisation/is_authorised/${batch.map(encodeURIComponent).join(',')}`,
				itemIndex: i,
			});
			for (const entry of (body.numbers as IDataObject[] | undefined) ?? []) {
				results.push({ number: String(entry.number), authorised: entry.authorised === true });
			}
		}
		return results;
	});
}

export const checkOptOuts: OperationDefinition = { description, run };
