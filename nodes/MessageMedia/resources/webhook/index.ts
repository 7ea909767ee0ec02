import type { INodeProperties } from 'n8n-workflow';

import { create } from './create';
import { deleteWebhook } from './delete';
import { getAll } from './getAll';
import { update } from './update';

export const webhookOperations = { create, getAll, update, delete: deleteWebhook };

const showOnlyForWebhooks = { resource: ['webhook'] };

export const webhookDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForWebhooks },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a webhook',
				description: 'Have MessageMedia call a URL on replies, opt-outs or delivery reports',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a webhook',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many webhooks',
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a webhook',
			},
		],
		default: 'create',
	},
	...create.description,
	...getAll.description,
	...update.description,
	...deleteWebhook.description,
];
