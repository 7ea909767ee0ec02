import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { buildHmacHeaders } from './hmac';
import { resolveBaseUrl } from './regions';

/** Query values as requests carry them; empty ones are left out of the URL. */
export type QueryValues = Record<string, string | number | boolean | undefined | null>;

/** Appends a query to a URL, leaving out empty values. The one place a query string is built. */
export function withQuery(url: string, query: QueryValues | undefined): string {
	if (!query) return url;
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		if (value !== undefined && value !== null && value !== '') search.append(key, String(value));
	}
	const qs = search.toString();
	if (!qs) return url;
	return `${url}${url.includes('?') ? '&' : '?'}${qs}`;
}

/**
 * Applies base URL, sub-account header and Basic or HMAC authentication to a request. HMAC signs
 * the request line, so the query string is folded into the URL here and the body is serialised
 * here, once: the bytes that are hashed are the bytes that are sent. Requests from other nodes
 * that use this credential (HTTP Request with a predefined credential) go through the same path.
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
		options.url = withQuery(options.url, options.qs as QueryValues);
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
				// The full request target: MessageMedia's HMAC follows the HTTP-signature scheme, whose
				// request line carries the query string.
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
