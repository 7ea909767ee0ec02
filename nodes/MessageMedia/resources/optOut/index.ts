import type { INodeProperties } from 'n8n-workflow';

import { add } from './add';
import { check } from './check';
import { getAll } from './getAll';
import { remove } from './remove';

export const optOutOperations = { add, remove, getAll, check };

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
	...add.description,
	...remove.description,
	...getAll.description,
	...check.description,
];
