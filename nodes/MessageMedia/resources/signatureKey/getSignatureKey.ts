import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { keyIdField, SIGNATURE_MANAGEMENT_PATH, simplifyKey } from './signatureKeyFields';

const showOnlyForSignatureKeyGet = { resource: ['signatureKey'], operation: ['get'] };

const description: INodeProperties[] = [
	keyIdField(showOnlyForSignatureKeyGet, 'The ID of the signature key to get'),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const id = (this.getNodeParameter('keyId', i) as string).trim();
		const key = await messageMediaApiRequest.call(this, {
			method: 'GET',
			path: `${SIGNATURE_MANAGEMENT_PATH}/${encodeURIComponent(id)}`,
			subject: `signature key "${id}"`,
			itemIndex: i,
		});
		return simplifyKey(key);
	});
}

export const getSignatureKey: OperationDefinition = { description, run };
