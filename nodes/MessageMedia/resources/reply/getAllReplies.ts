import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { pollingListFields, vendorFields } from '../../shared/pollingLists';

const showOnlyForReplyGetAll = { resource: ['reply'], operation: ['getAll'] };

const description: INodeProperties[] = [...pollingListFields(showOnlyForReplyGetAll, 'replies')];

export function simplifyReply(reply: IDataObject): IDataObject {
	return {
		replyId: reply.reply_id,
		messageId: reply.message_id,
		content: reply.content,
		source: reply.source_number,
		destination: reply.destination_number,
		dateReceived: reply.date_received,
		callbackUrl: reply.callback_url,
		metadata: reply.metadata ?? {},
		...vendorFields(reply),
	};
}

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const body = await messageMediaApiRequest.call(this, {
			method: 'GET',
			path: '/v1/replies',
			itemIndex: i,
		});
		const replies = ((body.replies as IDataObject[] | undefined) ?? []).map(simplifyReply);
		return returnAll ? replies : replies.slice(0, this.getNodeParameter('limit', i) as number);
	});
}

export const getAllReplies: OperationDefinition = { description, run };
