import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import { itemOperationError } from '../../shared/itemError';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiFullResponse } from '../../transport/messageMediaApi';
import { messageIdField } from './messageById';

const showOnlyForMessageCancel = { resource: ['message'], operation: ['cancel'] };

const description: INodeProperties[] = [
	messageIdField(showOnlyForMessageCancel, 'The ID of the scheduled message to cancel'),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const id = (this.getNodeParameter('messageId', i) as string).trim();
		const response = await messageMediaApiFullResponse.call(this, {
			method: 'PUT',
			path: `/v1/messages/${encodeURIComponent(id)}`,
			body: { status: 'cancelled' },
			subject: `message "${id}"`,
			acceptStatus: [400],
			itemIndex: i,
		});
		if (response.problem) {
			// MessageMedia only cancels scheduled messages; anything else comes back as a bare 400.
			const parsed = response.problem;
			throw itemOperationError(
				this.getNode(),
				i,
				`message "${id}" cannot be cancelled because it is not scheduled`,
				[
					'Only messages sent with a future Scheduled time can be cancelled, and only before that time.',
					parsed.message ? `MessageMedia says: ${parsed.message}` : undefined,
					parsed.details.length ? `Details: ${parsed.details.join('; ')}` : undefined,
				]
					.filter(Boolean)
					.join(' '),
			);
		}
		return { messageId: id, status: 'cancelled' };
	});
}

export const cancelMessage: OperationDefinition = { description, run };
