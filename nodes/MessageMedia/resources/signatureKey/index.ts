import type { INodeProperties } from 'n8n-workflow';

import { create } from './create';
import { deleteKey } from './delete';
import { disable } from './disable';
import { enable } from './enable';
import { get } from './get';
import { getAll } from './getAll';
import { getEnabled } from './getEnabled';

export const signatureKeyOperations = {
	create,
	get,
	getAll,
	delete: deleteKey,
	enable,
	getEnabled,
	disable,
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
	...create.description,
	...get.description,
	...getAll.description,
	...deleteKey.description,
	...enable.description,
	...getEnabled.description,
	...disable.description,
];
