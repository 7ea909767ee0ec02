import type { INodeProperties } from 'n8n-workflow';

import { confirmReplies } from './confirmReplies';
import { getAllReplies } from './getAllReplies';

export const replyOperations = { getAll: getAllReplies, confirm: confirmReplies };

const showOnlyForReplies = { resource: ['reply'] };

export const replyDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForReplies },
		options: [
			{
				name: 'Confirm',
				value: 'confirm',
				action: 'Confirm replies',
				description: 'Mark replies as received so MessageMedia stops returning them',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many replies',
				description: 'Get the oldest unconfirmed replies (up to 100)',
			},
		],
		default: 'getAll',
	},
	...getAllReplies.description,
	...confirmReplies.description,
];
