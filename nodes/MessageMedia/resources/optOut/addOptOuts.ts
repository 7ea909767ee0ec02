import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { chunk } from '../../shared/chunk';
import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { countryCodeOptions } from '../../shared/descriptions';
import { NUMBERS_PER_REQUEST, numbersField, readNumbers } from './optOutNumbers';

const showOnlyForOptOutAdd = { resource: ['optOut'], operation: ['add'] };

const description: INodeProperties[] = [
	numbersField(
		showOnlyForOptOutAdd,
		'Comma-separated phone numbers, or an expression returning an array. MessageMedia will not send to them.',
	),
	countryCodeOptions(showOnlyForOptOutAdd),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const numbers = readNumbers.call(this, i);
		const added: string[] = [];
		for (const batch of chunk(numbers, NUMBERS_PER_REQUEST)) {
			const body = await messageMediaApiRequest.call(this, {
				method: 'POST',
				path: '/v1/number_authorisation/mt/blacklist',
				body: { numbers: batch },
				itemIndex: i,
			});
			added.push(...((body.numbers as string[] | undefined) ?? batch).map(String));
		}
		return { added: added.length, numbers: added };
	});
}

export const addOptOuts: OperationDefinition = { description, run };
