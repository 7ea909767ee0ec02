import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import {
	headersToMap,
	requireEvents,
	simplifyWebhook,
	webhookFieldDefinitions as f,
	webhookIdField,
} from './webhookFields';
import { itemOperationError } from '../../shared/itemError';

const showOnlyForWebhookUpdate = { resource: ['webhook'], operation: ['update'] };

const description: INodeProperties[] = [
	webhookIdField(showOnlyForWebhookUpdate, 'The ID of the webhook to change'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Retries, Retry Delay and Read Timeout cannot be changed after creation',
		displayOptions: { show: showOnlyForWebhookUpdate },
		options: [f.encoding, f.events, f.headers, f.method, f.template, f.url],
	},
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const node = this.getNode();
		const id = (this.getNodeParameter('webhookId', i) as string).trim();
		const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
		const body: IDataObject = {};
		if (fields.url !== undefined) body.url = String(fields.url).trim();
		if (fields.method !== undefined) body.method = fields.method;
		if (fields.encoding !== undefined) body.encoding = fields.encoding;
		if (fields.events !== undefined) body.events = requireEvents(node, fields.events, i);
		if (fields.headers !== undefined) {
			body.headers = headersToMap(node, fields.headers as IDataObject, i) ?? {};
		}
		if (fields.template !== undefined) body.template = fields.template;
		if (Object.keys(body).length === 0) {
			throw itemOperationError(
				node,
				i,
				`no field to update was set`,
				'Add at least one field under Update Fields.',
			);
		}
		const webhook = await messageMediaApiRequest.call(this, {
			method: 'PATCH',
			path: `/v1/webhooks/messages/${encodeURIComponent(id)}`,
			body,
			subject: `webhook "${id}"`,
			itemIndex: i,
		});
		return simplifyWebhook(webhook);
	});
}

export const updateWebhook: OperationDefinition = { description, run };
