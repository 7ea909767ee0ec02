import { createHash, createHmac } from 'crypto';

/**
 * MessageMedia's docs say hmac-sha256, but their own examples are SHA-1 sized and the official
 * SDKs (with their unit tests) sign with hmac-sha1, `date` and `x-Content-MD5`. We follow the SDKs.
 * Switching to the documented variant is this one line (and the header names below if needed).
 */
export const HMAC_ALGORITHM: 'sha1' | 'sha256' = 'sha1';

const DATE_HEADER = 'date';
const MD5_HEADER = 'x-Content-MD5';

export interface HmacInput {
	apiKey: string;
	apiSecret: string;
	method: string;
	/** Path and query exactly as they appear on the request line, e.g. `/v1/messages?x=1`. */
	pathAndQuery: string;
	/** The exact body bytes that will be sent, or undefined for a request without a body. */
	body?: string;
	date?: Date;
}

export interface HmacHeaders {
	[header: string]: string;
}

export function md5Hex(body: string): string {
	return createHash('md5').update(body, 'utf8').digest('hex');
}

export function hmacSignature(signingString: string, apiSecret: string): string {
	return createHmac(HMAC_ALGORITHM, apiSecret).update(signingString, 'utf8').digest('base64');
}

/**
 * Builds the headers for MessageMedia's HMAC scheme: the signing string is each listed header as
 * `name: value` followed by the request line, joined by `\n`, and the header list in
 * `Authorization` names them in the same order and case. The MD5 covers the exact body bytes,
 * which is why callers must send the body as the same string they sign.
 */
export function buildHmacHeaders(input: HmacInput): HmacHeaders {
	const date = (input.date ?? new Date()).toUTCString();
	const headers: HmacHeaders = { [DATE_HEADER]: date };
	const signed: string[] = [DATE_HEADER];
	const lines: string[] = [`${DATE_HEADER}: ${date}`];
	if (input.body !== undefined && input.body !== '') {
		const md5 = md5Hex(input.body);
		headers[MD5_HEADER] = md5;
		signed.push(MD5_HEADER);
		lines.push(`${MD5_HEADER}: ${md5}`);
	}
	lines.push(`${input.method.toUpperCase()} ${input.pathAndQuery} HTTP/1.1`);
	const signature = hmacSignature(lines.join('\n'), input.apiSecret);
	headers.Authorization =
		`hmac username="${input.apiKey}", algorithm="hmac-${HMAC_ALGORITHM}", ` +
		`headers="${[...signed, 'request-line'].join(' ')}", signature="${signature}"`;
	return headers;
}
