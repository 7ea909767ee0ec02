import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { keyIdField, SIGNATURE_MANAGEMENT_PATH } from './signatureKeyFields';

const showOnlyForSignatureKeyDelete = { resource: ['signatureKey'], operation: ['delete'] };

const description: INodeProperties[] = [
	keyIdField(showOnlyForSignatureKeyDelete, 'The ID of the signature key to delete'),
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const id = (this.getNodeParameter('keyId', i) as string).trim();
		await messageMediaApiRequest.call(this, {
			method: 'DELETE',
			path: `${SIGNATURE_MANAGEMENT_PATH}/${encodeURIComponent(id)}`,
			subject: `signature key "${id}"`,
			itemIndex: i,
		});
		return { keyId: id, deleted: true };
	});
}

export const deleteSignatureKey: OperationDefinition = { description, run };
