import type { INodeProperties } from 'n8n-workflow';

import { addOptOuts } from './addOptOuts';
import { checkOptOuts } from './checkOptOuts';
import { getAllOptOuts } from './getAllOptOuts';
import { removeOptOuts } from './removeOptOuts';

export const optOutOperations = {
	add: addOptOuts,
	remove: removeOptOuts,
	getAll: getAllOptOuts,
	check: checkOptOuts,
};

const showOnlyForOptOuts = { resource: ['optOut'] };

export const optOutDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForOptOuts },
		options: [
			{
				name: 'Add',
				value: 'add',
				action: 'Add numbers to the opt out list',
				description: 'Stop messages to these numbers',
			},
			{
				name: 'Check',
				value: 'check',
				action: 'Check whether numbers may be messaged',
				description: 'Tell for each number whether it is not on the opt-out list',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many opted out numbers',
			},
			{
				name: 'Remove',
				value: 'remove',
				action: 'Remove a number from the opt out list',
				description: 'Allow messages to this number again',
			},
		],
		default: 'add',
	},
	...addOptOuts.description,
	...removeOptOuts.description,
	...getAllOptOuts.description,
	...checkOptOuts.description,
];
