import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { returnAllFields } from '../../shared/descriptions';
import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequestAllItems, pageNumberPaging } from '../../transport/messageMediaApi';
import { simplifyWebhook } from './webhookFields';

const showOnlyForWebhookGetAll = { resource: ['webhook'], operation: ['getAll'] };

const description: INodeProperties[] = [...returnAllFields(showOnlyForWebhookGetAll)];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll ? undefined : (this.getNodeParameter('limit', i) as number);
		const webhooks = await messageMediaApiRequestAllItems.call(
			this,
			{ path: '/v1/webhooks/messages', itemIndex: i },
			pageNumberPaging('pageData'),
			limit,
		);
		return webhooks.map(simplifyWebhook);
	});
}

export const getAllWebhooks: OperationDefinition = { description, run };
