import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { webhookIdField } from './webhookFields';

const showOnlyForWebhookDelete = { resource: ['webhook'], operation: ['delete'] };

const description: INodeProperties[] = [
	webhookIdField(showOnlyForWebhookDelete, 'The ID of the webhook to delete'),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const id = (this.getNodeParameter('webhookId', i) as string).trim();
		await messageMediaApiRequest.call(this, {
			method: 'DELETE',
			path: `/v1/webhooks/messages/${encodeURIComponent(id)}`,
			subject: `webhook "${id}"`,
			itemIndex: i,
		});
		return { id, deleted: true };
	});
}

export const deleteWebhook: OperationDefinition = { description, run };
