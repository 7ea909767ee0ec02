import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { SIGNATURE_MANAGEMENT_PATH } from './signatureKeyFields';

const description: INodeProperties[] = [
	{
		displayName:
			'This applies to the whole account: MessageMedia stops signing every webhook, including those of other integrations.',
		name: 'disableNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['signatureKey'], operation: ['disable'] } },
	},
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		await messageMediaApiRequest.call(this, {
			method: 'DELETE',
			path: `${SIGNATURE_MANAGEMENT_PATH}/enabled`,
			itemIndex: i,
		});
		return { disabled: true };
	});
}

export const disableSignatureKey: OperationDefinition = { description, run };
