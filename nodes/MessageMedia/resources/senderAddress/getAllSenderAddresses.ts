import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { returnAllFields } from '../../shared/descriptions';
import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequestAllItems, nextTokenPaging } from '../../transport/messageMediaApi';

const showOnlyForSenderAddressGetAll = { resource: ['senderAddress'], operation: ['getAll'] };

const description: INodeProperties[] = [
	...returnAllFields(showOnlyForSenderAddressGetAll),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: showOnlyForSenderAddressGetAll },
		options: [
			{
				displayName: 'Expiry Status',
				name: 'expiryStatus',
				type: 'string',
				default: '',
				description: 'Only sender addresses with this expiry status, as MessageMedia names it',
			},
			{
				displayName: 'Include Related Accounts',
				name: 'includeRelatedAccounts',
				type: 'boolean',
				default: false,
				description: 'Whether to include sender addresses of related accounts',
			},
			{
				displayName: 'Sender Address',
				name: 'senderAddress',
				type: 'string',
				default: '',
				placeholder: 'e.g. +61491570156',
				description: 'Only this number or alphanumeric sender ID',
			},
			{
				displayName: 'Sender Address Type',
				name: 'senderAddressType',
				type: 'options',
				options: [
					{ name: 'Alphanumeric', value: 'ALPHANUMERIC' },
					{ name: 'International', value: 'INTERNATIONAL' },
					{ name: 'Short Code', value: 'SHORT_CODE' },
				],
				default: 'INTERNATIONAL',
			},
			{
				displayName: 'Usage Type',
				name: 'usageType',
				type: 'options',
				options: [
					{ name: 'Alphanumeric', value: 'ALPHANUMERIC' },
					{ name: 'Dedicated', value: 'DEDICATED' },
					{ name: 'Hosted Number', value: 'HOSTED_NUMBER' },
					{ name: 'Own Number', value: 'OWN_NUMBER' },
				],
				default: 'DEDICATED',
			},
		],
	},
];

export function simplifySenderAddress(address: IDataObject): IDataObject {
	return {
		id: address.id,
		senderAddress: address.sender_address,
		senderAddressType: address.sender_address_type,
		usageType: address.usage_type,
		label: address.label,
		destinationCountries: address.destination_countries ?? [],
		displayStatus: address.display_status,
		expiry: address.expiry,
		accountId: address.account_id,
	};
}

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll ? undefined : (this.getNodeParameter('limit', i) as number);
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const addresses = await messageMediaApiRequestAllItems.call(
			this,
			{
				path: '/v1/messaging/numbers/sender_address/addresses',
				query: {
					sender_address: (filters.senderAddress as string | undefined)?.trim(),
					sender_address_type: filters.senderAddressType as string | undefined,
					usage_type: filters.usageType as string | undefined,
					include_related_accounts: filters.includeRelatedAccounts as boolean | undefined,
					expiry_status: (filters.expiryStatus as string | undefined)?.trim(),
				},
				itemIndex: i,
			},
			nextTokenPaging('data'),
			limit,
		);
		return addresses.map(simplifySenderAddress);
	});
}

export const getAllSenderAddresses: OperationDefinition = { description, run };
