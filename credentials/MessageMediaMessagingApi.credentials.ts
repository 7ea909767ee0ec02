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

	documentationUrl = 'https://messagemedia.github.io/documentation/';

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
			hint: 'Basic and HMAC use different key pairs in MessageMedia. Use the key and secret created for the type you pick.',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'APAC (api.messagemedia.com)', value: REGIONS.apac },
				{ name: 'APAC (au.app.api.sinch.com)', value: REGIONS.apacSinch },
				{ name: 'EU (eu.app.api.sinch.com)', value: REGIONS.eu },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: REGIONS.apac,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8787',
			description: 'A proxy in front of MessageMedia, or the local sandbox',
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
