import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { confirmIds } from '../../shared/pollingLists';

const showOnlyForReplyConfirm = { resource: ['reply'], operation: ['confirm'] };

const description: INodeProperties[] = [
	{
		displayName: 'Reply IDs',
		name: 'replyIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 3ee1e7ab-ba4f-4b8a-a1e1-4b5e44a8f0d7, 40d8a4c6-8c9f-4c6e-a6f3-9f8d33b4d6a2',
		description:
			'Comma-separated reply IDs (not message IDs), or an expression returning an array. Sent 100 per request.',
		displayOptions: { show: showOnlyForReplyConfirm },
	},
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const ids = await confirmIds.call(
			this,
			{
				path: '/v1/replies/confirmed',
				bodyKey: 'reply_ids',
				noun: 'reply',
				field: 'Reply IDs',
				value: this.getNodeParameter('replyIds', i),
			},
			i,
		);
		return { confirmed: ids.length, replyIds: ids };
	});
}

export const confirmReplies: OperationDefinition = { description, run };
