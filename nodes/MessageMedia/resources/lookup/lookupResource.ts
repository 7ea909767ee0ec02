import type { INodeProperties } from 'n8n-workflow';

import { getNumberLookup } from './getNumberLookup';

export const lookupOperations = { get: getNumberLookup };

const showOnlyForLookups = { resource: ['lookup'] };

export const lookupDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForLookups },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Look up a phone number',
				description: 'Get the country, and optionally the carrier and line type, of a number',
			},
		],
		default: 'get',
	},
	...getNumberLookup.description,
];
