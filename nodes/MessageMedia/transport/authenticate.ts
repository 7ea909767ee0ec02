import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { resolveBaseUrl } from './baseUrl';
import { buildHmacHeaders } from './hmac';

/**
 * Applies base URL, sub-account header and Basic or HMAC authentication to a request. HMAC signs
 * the request line, so the query string is folded into the URL here and the body is serialised
 * once: the bytes that are hashed are the bytes that are sent.
 */
export function signRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const options: IHttpRequestOptions = { ...requestOptions };
	const headers: IDataObject = { ...(options.headers ?? {}) };
	if (!options.baseURL && !/^https?:\/\//i.test(options.url)) {
		options.baseURL = resolveBaseUrl(credentials);
	}
	if (options.qs && Object.keys(options.qs).length > 0) {
		const search = new URLSearchParams();
		for (const [key, value] of Object.entries(options.qs)) {
			if (value !== undefined && value !== null) search.append(key, String(value));
		}
		options.url += (options.url.includes('?') ? '&' : '?') + search.toString();
		delete options.qs;
	}
	if (options.body !== undefined && typeof options.body !== 'string') {
		options.body = JSON.stringify(options.body);
		headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
	}
	const subAccount = ((credentials.subAccount as string) ?? '').trim();
	if (subAccount) headers.Account = subAccount;

	if (credentials.authType === 'hmac') {
		const full = /^https?:\/\//i.test(options.url)
			? new URL(options.url)
			: new URL(
					`${(options.baseURL ?? '').replace(/\/+$/, '')}/${options.url.replace(/^\/+/, '')}`,
				);
		Object.assign(
			headers,
			buildHmacHeaders({
				apiKey: credentials.apiKey as string,
				apiSecret: credentials.apiSecret as string,
				method: options.method ?? 'GET',
				pathAndQuery: full.pathname + full.search,
				body: options.body as string | undefined,
			}),
		);
	} else {
		options.auth = {
			username: credentials.apiKey as string,
			password: credentials.apiSecret as string,
		};
	}
	options.headers = headers;
	return options;
}
