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
} from './webhookFields';

const showOnlyForWebhookCreate = { resource: ['webhook'], operation: ['create'] };

const description: INodeProperties[] = [
	{ ...f.url, required: true, displayOptions: { show: showOnlyForWebhookCreate } },
	{ ...f.method, displayOptions: { show: showOnlyForWebhookCreate } },
	{ ...f.encoding, displayOptions: { show: showOnlyForWebhookCreate } },
	{ ...f.events, required: true, displayOptions: { show: showOnlyForWebhookCreate } },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: showOnlyForWebhookCreate },
		options: [
			f.headers,
			{
				displayName: 'Read Timeout (Ms)',
				name: 'readTimeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 60000 },
				default: 20000,
				description: 'How long MessageMedia waits for the URL to answer, in milliseconds',
			},
			{
				displayName: 'Retries',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 5 },
				default: 0,
				description:
					'How often MessageMedia retries after a non-2xx answer or a timeout. Cannot be changed later.',
			},
			{
				displayName: 'Retry Delay (Seconds)',
				name: 'retryDelay',
				type: 'number',
				typeOptions: { minValue: 5, maxValue: 60 },
				default: 30,
				description: 'Seconds between retries. Cannot be changed later.',
			},
			f.template,
		],
	},
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const node = this.getNode();
		const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
		const body: IDataObject = {
			url: (this.getNodeParameter('url', i) as string).trim(),
			method: this.getNodeParameter('method', i) as string,
			encoding: this.getNodeParameter('encoding', i) as string,
			events: requireEvents(node, this.getNodeParameter('events', i), i),
		};
		const headers = headersToMap(node, extra.headers as IDataObject | undefined, i);
		if (headers) body.headers = headers;
		if (extra.template) body.template = extra.template;
		if (extra.readTimeout !== undefined) body.read_timeout = extra.readTimeout;
		if (extra.retries !== undefined) body.retries = extra.retries;
		if (extra.retryDelay !== undefined) body.retry_delay = extra.retryDelay;
		const webhook = await messageMediaApiRequest.call(this, {
			method: 'POST',
			path: '/v1/webhooks/messages',
			body,
			// Retrying cannot duplicate: MessageMedia rejects a second webhook with the same url and method.
			itemIndex: i,
		});
		return simplifyWebhook(webhook);
	});
}

export const createWebhook: OperationDefinition = { description, run };
