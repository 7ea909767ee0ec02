import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** MessageMedia's v1 error body: `{ message, details: ["/messages/3/destination_number: ..."] }`. */
export interface MessageMediaErrorBody {
	message?: string;
	details?: string[];
}

export function parseErrorBody(body: unknown): MessageMediaErrorBody {
	if (typeof body === 'string') {
		try {
			return parseErrorBody(JSON.parse(body));
		} catch {
			return body.trim() ? { message: body.trim().slice(0, 500) } : {};
		}
	}
	if (body && typeof body === 'object') {
		const { message, details } = body as MessageMediaErrorBody;
		return {
			message: typeof message === 'string' ? message : undefined,
			details: Array.isArray(details) ? details.map(String) : undefined,
		};
	}
	return {};
}

export interface ErrorContext {
	/** What was being acted on, e.g. `message "4d1f…"`, used to make a 404 actionable. */
	subject?: string;
	itemIndex?: number;
}

function headline(statusCode: number, context: ErrorContext): string {
	switch (statusCode) {
		case 400:
			return 'MessageMedia rejected the request as invalid';
		case 401:
			return 'MessageMedia rejected the API key or secret';
		case 403:
			return 'This feature is not enabled on your MessageMedia account';
		case 404:
			return context.subject
				? `MessageMedia could not find ${context.subject}`
				: 'MessageMedia could not find the requested resource';
		case 409:
			return 'MessageMedia reports a conflict with an existing resource';
		case 429:
			return 'MessageMedia is rate limiting requests and the retry budget ran out';
		default:
			return statusCode >= 500
				? `MessageMedia had a server error (${statusCode})`
				: `MessageMedia answered with HTTP ${statusCode}`;
	}
}

function hint(statusCode: number): string | undefined {
	if (statusCode === 401) {
		return 'Check the API key and secret in the credential. Basic and HMAC are different key pairs at MessageMedia: a Basic key will not work with HMAC selected, and the reverse. With HMAC, the machine clock must also be correct.';
	}
	if (statusCode === 403) {
		return 'Ask MessageMedia support to enable it for this account, or for the sub-account set in the credential.';
	}
	return undefined;
}

/** Maps an HTTP error answer from MessageMedia to an error a person can act on. */
export function apiError(
	node: INode,
	statusCode: number,
	body: unknown,
	context: ErrorContext = {},
): NodeApiError {
	const parsed = parseErrorBody(body);
	const description = [
		parsed.message ? `MessageMedia says: ${parsed.message}` : undefined,
		parsed.details?.length ? `Details: ${parsed.details.join('; ')}` : undefined,
		hint(statusCode),
	]
		.filter(Boolean)
		.join('\n');
	const error = new NodeApiError(
		node,
		{ message: parsed.message ?? '', details: parsed.details ?? [], statusCode } as JsonObject,
		{
			message: headline(statusCode, context),
			description: description || undefined,
			httpCode: String(statusCode),
			itemIndex: context.itemIndex,
		},
	);
	error.context.messageMedia = parsed as JsonObject;
	return error;
}

const NETWORK_CODES = [
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'ERR_CANCELED',
];

/**
 * The network error code behind an error, if any. n8n wraps the HTTP client's error in a
 * NodeApiError, so the code can sit on the error itself, its cause, or only in the message.
 */
export function networkErrorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		if (typeof current.code === 'string' && NETWORK_CODES.includes(current.code))
			return current.code;
		if (typeof current.message === 'string') {
			const found = NETWORK_CODES.find((code) => (current!.message as string).includes(code));
			if (found) return found;
			if (/socket hang up/i.test(current.message)) return 'ECONNRESET';
			if (/timeout of \d+ms exceeded|timed out/i.test(current.message)) return 'ETIMEDOUT';
		}
		current = current.cause as typeof current;
	}
	return undefined;
}
