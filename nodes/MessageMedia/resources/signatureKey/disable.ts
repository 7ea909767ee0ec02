import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/execute';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport';
import { SIGNATURE_MANAGEMENT_PATH } from './common';

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

export const disable: OperationDefinition = { description, run };
