import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { keyIdField, SIGNATURE_MANAGEMENT_PATH, simplifyKey } from './signatureKeyFields';

const showOnlyForSignatureKeyEnable = { resource: ['signatureKey'], operation: ['enable'] };

const description: INodeProperties[] = [
	{
		displayName:
			'Account-wide: MessageMedia signs every webhook with this key and disables the one enabled before, which may break other integrations.',
		name: 'enableNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: showOnlyForSignatureKeyEnable },
	},
	keyIdField(showOnlyForSignatureKeyEnable, 'The ID of the signature key to sign webhooks with'),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const id = (this.getNodeParameter('keyId', i) as string).trim();
		const key = await messageMediaApiRequest.call(this, {
			method: 'PATCH',
			path: `${SIGNATURE_MANAGEMENT_PATH}/enabled`,
			body: { key_id: id },
			subject: `signature key "${id}"`,
			itemIndex: i,
		});
		return simplifyKey(key);
	});
}

export const enableSignatureKey: OperationDefinition = { description, run };
