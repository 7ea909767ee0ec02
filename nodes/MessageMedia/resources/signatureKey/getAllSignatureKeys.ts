import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { returnAllFields } from '../../shared/descriptions';
import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import type { PagingStrategy } from '../../transport/messageMediaApi';
import { messageMediaApiRequestAllItems } from '../../transport/messageMediaApi';
import { SIGNATURE_MANAGEMENT_PATH, simplifyKey } from './signatureKeyFields';

const showOnlyForSignatureKeyGetAll = { resource: ['signatureKey'], operation: ['getAll'] };

const description: INodeProperties[] = [...returnAllFields(showOnlyForSignatureKeyGetAll)];

const PAGE_SIZE = 100;

/** Signature keys page from 1 and answer with a bare array, so none of the shared strategies fit. */
const onePageNumberPaging: PagingStrategy = {
	first: { page: 1, page_size: PAGE_SIZE },
	items: (body) => (Array.isArray(body) ? (body as IDataObject[]) : []),
	next: (_body, items, query) =>
		items.length < PAGE_SIZE ? undefined : { ...query, page: Number(query.page) + 1 },
};

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll ? undefined : (this.getNodeParameter('limit', i) as number);
		const keys = await messageMediaApiRequestAllItems.call(
			this,
			{ path: SIGNATURE_MANAGEMENT_PATH, itemIndex: i },
			onePageNumberPaging,
			limit,
		);
		return keys.map(simplifyKey);
	});
}

export const getAllSignatureKeys: OperationDefinition = { description, run };
