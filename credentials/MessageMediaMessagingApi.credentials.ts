import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { signRequest } from '../nodes/MessageMedia/auth/signRequest';
import { REGIONS } from '../nodes/MessageMedia/auth/regions';

export class MessageMediaMessagingApi implements ICredentialType {
	name = 'messageMediaMessagingApi';

	displayName = 'MessageMedia API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-messagemedia#credentials';

	icon = {
		light: 'file:../nodes/MessageMedia/messagemedia.svg',
		dark: 'file:../nodes/MessageMedia/messagemedia.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'Basic',
					value: 'basic',
					description: 'HTTP Basic authentication with a Basic API key pair',
				},
				{
					name: 'HMAC',
					value: 'hmac',
					description: 'Each request is signed with an HMAC API key pair; the secret never travels',
				},
			],
			default: 'basic',
			hint: 'Create the key in the MessageMedia Hub under Settings, API Settings, as a key of this type: Basic and HMAC keys are different pairs.',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Only an account administrator can create API keys in the MessageMedia Hub',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Shown once, when the key is created. If it is lost, create a new key.',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{
					name: 'APAC (api.messagemedia.com)',
					value: REGIONS.apac,
					description: "Australia and Asia-Pacific accounts; the host MessageMedia's own SDKs use",
				},
				{
					name: 'APAC (au.app.api.sinch.com)',
					value: REGIONS.apacSinch,
					description: 'The same APAC region under its Sinch Engage name',
				},
				{
					name: 'EU (eu.app.api.sinch.com)',
					value: REGIONS.eu,
					description: 'Accounts hosted in Europe',
				},
				{
					name: 'Custom Base URL',
					value: 'custom',
					description: 'A proxy in front of MessageMedia',
				},
			],
			default: REGIONS.apac,
			description:
				'Where your MessageMedia account is hosted. The two APAC options reach the same region.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://messagemedia-proxy.example.com',
			description: 'Base URL of a proxy in front of the MessageMedia API, without /v1',
			displayOptions: { show: { region: ['custom'] } },
		},
		{
			displayName: 'Sub-Account ID',
			name: 'subAccount',
			type: 'string',
			default: '',
			description:
				'Act on behalf of this sub-account (sent as the Account header). Leave empty to use the account the key belongs to.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return signRequest(credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.region === "custom" ? $credentials.baseUrl : $credentials.region}}',
			// Reading the unconfirmed replies proves the key works and changes nothing at MessageMedia
			// (a reply stays unconfirmed until it is confirmed on purpose). No query string: the
			// official SDKs never sign one, so the first request a user makes cannot fail on how
			// HMAC covers a query.
			url: '/v1/replies',
			method: 'GET',
		},
	};
}
