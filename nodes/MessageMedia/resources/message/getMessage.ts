import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { messageIdField, simplifyMessage } from './messageById';

const showOnlyForMessageGet = { resource: ['message'], operation: ['get'] };

const description: INodeProperties[] = [
	messageIdField(showOnlyForMessageGet, 'The ID of the message to look up'),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const id = this.getNodeParameter('messageId', i) as string;
		const message = await messageMediaApiRequest.call(this, {
			method: 'GET',
			path: `/v1/messages/${encodeURIComponent(id.trim())}`,
			subject: `message "${id}"`,
			itemIndex: i,
		});
		return simplifyMessage(message as IDataObject);
	});
}

export const getMessage: OperationDefinition = { description, run };
