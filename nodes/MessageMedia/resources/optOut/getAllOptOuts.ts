import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { returnAllFields } from '../../shared/descriptions';
import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequestAllItems, nextUriPaging } from '../../transport/messageMediaApi';

const showOnlyForOptOutGetAll = { resource: ['optOut'], operation: ['getAll'] };

const description: INodeProperties[] = [...returnAllFields(showOnlyForOptOutGetAll)];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll ? undefined : (this.getNodeParameter('limit', i) as number);
		const numbers = (await messageMediaApiRequestAllItems.call(
			this,
			{ path: '/v1/number_authorisation/mt/blacklist', itemIndex: i },
			nextUriPaging('numbers'),
			limit,
		)) as unknown[];
		// The API lists bare strings; objects are tolerated in case it ever returns richer entries.
		return numbers.map((entry) =>
			typeof entry === 'object' && entry !== null
				? { number: (entry as IDataObject).number, ...(entry as IDataObject) }
				: { number: String(entry) },
		);
	});
}

export const getAllOptOuts: OperationDefinition = { description, run };
