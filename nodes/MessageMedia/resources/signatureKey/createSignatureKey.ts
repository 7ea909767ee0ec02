import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { SIGNATURE_MANAGEMENT_PATH, simplifyKey, toPem } from './signatureKeyFields';

const showOnlyForSignatureKeyCreate = { resource: ['signatureKey'], operation: ['create'] };

const description: INodeProperties[] = [
	{
		displayName:
			'The public key is returned only now. Store it, e.g. paste the PEM into the MessageMedia Trigger, to verify signed webhooks.',
		name: 'publicKeyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: showOnlyForSignatureKeyCreate },
	},
	{
		displayName: 'Digest',
		name: 'digest',
		type: 'options',
		options: [
			{ name: 'SHA-224', value: 'SHA224' },
			{ name: 'SHA-256', value: 'SHA256' },
			{ name: 'SHA-512', value: 'SHA512' },
		],
		default: 'SHA256',
		description: 'The hash MessageMedia uses when signing webhook requests with this RSA key',
		displayOptions: { show: showOnlyForSignatureKeyCreate },
	},
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const key = await messageMediaApiRequest.call(this, {
			method: 'POST',
			path: SIGNATURE_MANAGEMENT_PATH,
			body: { digest: this.getNodeParameter('digest', i) as string, cipher: 'RSA' },
			// A retry after a lost answer would create a second key whose public key is never seen.
			retry: 'none',
			itemIndex: i,
		});
		const publicKey = String(key.public_key ?? '');
		return {
			...simplifyKey(key),
			public_key: publicKey,
			publicKeyPem: publicKey ? toPem(publicKey) : undefined,
		};
	});
}

export const createSignatureKey: OperationDefinition = { description, run };
