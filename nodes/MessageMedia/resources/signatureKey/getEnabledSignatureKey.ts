import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiFullResponse } from '../../transport/messageMediaApi';
import { SIGNATURE_MANAGEMENT_PATH, simplifyKey } from './signatureKeyFields';

const description: INodeProperties[] = [];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const response = await messageMediaApiFullResponse.call(this, {
			method: 'GET',
			path: `${SIGNATURE_MANAGEMENT_PATH}/enabled`,
			acceptStatus: [404],
			itemIndex: i,
		});
		// "Currently no key is enabled" is an answer, not a failure: output it so workflows can branch.
		if (response.statusCode === 404) return { keyId: null, enabled: false };
		return simplifyKey(response.body);
	});
}

export const getEnabledSignatureKey: OperationDefinition = { description, run };
