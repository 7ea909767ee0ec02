import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiFullResponse } from '../../transport/messageMediaApi';
import { countryCodeOptions } from '../../shared/descriptions';
import { toApiNumber } from './optOutNumbers';
import { itemOperationError } from '../../shared/itemError';

const showOnlyForOptOutRemove = { resource: ['optOut'], operation: ['remove'] };

const description: INodeProperties[] = [
	{
		displayName: 'Phone Number',
		name: 'number',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +61491570156',
		description: 'The number to allow messages to again',
		displayOptions: { show: showOnlyForOptOutRemove },
	},
	countryCodeOptions(showOnlyForOptOutRemove),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const number = toApiNumber(
			this.getNode(),
			this.getNodeParameter('number', i),
			'Phone Number',
			i,
			(options.defaultCountryCode as string) ?? '',
		);
		const response = await messageMediaApiFullResponse.call(this, {
			method: 'DELETE',
			path: `/v1/number_authorisation/mt/blacklist/${encodeURIComponent(number)}`,
			acceptStatus: [404],
			itemIndex: i,
		});
		if (response.statusCode === 404) {
			throw itemOperationError(
				this.getNode(),
				i,
				`the number ${number} was not on the opt-out list`,
				'There was nothing to remove. Check the number and the sub-account.',
			);
		}
		return { number, removed: true };
	});
}

export const removeOptOuts: OperationDefinition = { description, run };
