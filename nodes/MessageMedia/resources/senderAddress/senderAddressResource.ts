import type { INodeProperties } from 'n8n-workflow';

import { getAllSenderAddresses } from './getAllSenderAddresses';

export const senderAddressOperations = { getAll: getAllSenderAddresses };

const showOnlyForSenderAddresses = { resource: ['senderAddress'] };

export const senderAddressDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForSenderAddresses },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many sender addresses',
				description: 'List the numbers and sender IDs registered to the account',
			},
		],
		default: 'getAll',
	},
	...getAllSenderAddresses.description,
];
