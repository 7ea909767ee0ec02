import type { INodeProperties } from 'n8n-workflow';

import { createWebhook } from './createWebhook';
import { deleteWebhook } from './deleteWebhook';
import { getAllWebhooks } from './getAllWebhooks';
import { updateWebhook } from './updateWebhook';

export const webhookOperations = {
	create: createWebhook,
	getAll: getAllWebhooks,
	update: updateWebhook,
	delete: deleteWebhook,
};

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
	...createWebhook.description,
	...getAllWebhooks.description,
	...updateWebhook.description,
	...deleteWebhook.description,
];
