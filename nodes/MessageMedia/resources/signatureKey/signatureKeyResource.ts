import type { INodeProperties } from 'n8n-workflow';

import { createSignatureKey } from './createSignatureKey';
import { deleteSignatureKey } from './deleteSignatureKey';
import { disableSignatureKey } from './disableSignatureKey';
import { enableSignatureKey } from './enableSignatureKey';
import { getSignatureKey } from './getSignatureKey';
import { getAllSignatureKeys } from './getAllSignatureKeys';
import { getEnabledSignatureKey } from './getEnabledSignatureKey';

export const signatureKeyOperations = {
	create: createSignatureKey,
	get: getSignatureKey,
	getAll: getAllSignatureKeys,
	delete: deleteSignatureKey,
	enable: enableSignatureKey,
	getEnabled: getEnabledSignatureKey,
	disable: disableSignatureKey,
};

const showOnlyForSignatureKeys = { resource: ['signatureKey'] };

export const signatureKeyDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForSignatureKeys },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a signature key',
				description: 'Create an RSA key pair; the public key is returned only once',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a signature key',
			},
			{
				name: 'Disable',
				value: 'disable',
				action: 'Disable webhook signing',
				description: 'Stop signing webhooks for the whole account',
			},
			{
				name: 'Enable',
				value: 'enable',
				action: 'Enable a signature key',
				description:
					'Sign all webhooks of the account with this key; replaces any key enabled before',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a signature key',
			},
			{
				name: 'Get Enabled',
				value: 'getEnabled',
				action: 'Get the enabled signature key',
				description:
					'Get the key webhooks are signed with; outputs enabled false when there is none',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many signature keys',
			},
		],
		default: 'create',
	},
	...createSignatureKey.description,
	...getSignatureKey.description,
	...getAllSignatureKeys.description,
	...deleteSignatureKey.description,
	...enableSignatureKey.description,
	...getEnabledSignatureKey.description,
	...disableSignatureKey.description,
];
