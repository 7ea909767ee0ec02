import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { countryCodeOptions } from '../../shared/descriptions';
import { forEachItem } from '../../shared/forEachItem';
import { itemOperationError } from '../../shared/itemError';
import { requireE164 } from '../../shared/phone';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiFullResponse } from '../../transport/messageMediaApi';

const showOnlyForLookupGet = { resource: ['lookup'], operation: ['get'] };

const INVALID_NUMBER = 'The number could not be found or is invalid.';

const description: INodeProperties[] = [
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +61491570156',
		description: 'The number to look up, ideally in international E.164 format',
		displayOptions: { show: showOnlyForLookupGet },
	},
	{
		displayName: 'Include',
		name: 'include',
		type: 'multiOptions',
		options: [
			{ name: 'Carrier', value: 'carrier', description: 'The network the number belongs to' },
			{ name: 'Type', value: 'type', description: 'Whether it is a mobile or a landline' },
		],
		default: ['carrier', 'type'],
		description: 'Details to add to the country code and number. MessageMedia may charge for them.',
		displayOptions: { show: showOnlyForLookupGet },
	},
	countryCodeOptions(showOnlyForLookupGet),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const node = this.getNode();
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const include = this.getNodeParameter('include', i, []) as string[];
		const number = requireE164(
			node,
			this.getNodeParameter('phoneNumber', i),
			'Phone Number',
			i,
			(options.defaultCountryCode as string) ?? '',
		);
		const response = await messageMediaApiFullResponse.call(this, {
			method: 'GET',
			path: `/v1/lookups/phone/${encodeURIComponent(number)}`,
			query: { options: include.length ? include.join(',') : undefined },
			acceptStatus: [404, 410],
			itemIndex: i,
		});
		if (response.problem) {
			const { message } = response.problem;
			if (response.statusCode === 404 && message === INVALID_NUMBER) {
				throw itemOperationError(
					node,
					i,
					`the number ${number} is invalid`,
					`MessageMedia says: ${INVALID_NUMBER}`,
				);
			}
			// The Lookups API is gone from MessageMedia's current reference; any other 404 means it is off.
			throw itemOperationError(
				node,
				i,
				'The Lookups API is not available on your MessageMedia account',
				`MessageMedia answered HTTP ${response.statusCode}${message ? ` (${message})` : ''}. The Lookups API may have been retired; ask MessageMedia support whether it can be enabled.`,
			);
		}
		const body = response.body;
		const carrier = body.carrier as IDataObject | undefined;
		return {
			phoneNumber: body.phone_number ?? number,
			countryCode: body.country_code,
			type: body.type,
			carrier: carrier?.name,
			...Object.fromEntries(
				Object.entries(body).filter(
					([key]) => !['phone_number', 'country_code', 'type', 'carrier'].includes(key),
				),
			),
		};
	});
}

export const getNumberLookup: OperationDefinition = { description, run };
