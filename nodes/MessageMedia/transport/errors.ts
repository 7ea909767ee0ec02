import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { atItem } from '../shared/itemError';

/** MessageMedia's v1 error body: `{ message, details: ["/messages/3/destination_number: ..."] }`. */
export interface MessageMediaErrorBody {
	message?: string;
	details?: string[];
}

/**
 * Reads an error body as the transport left it, parsed once: an object when MessageMedia answered
 * JSON, the text itself when it did not.
 */
export function parseErrorBody(body: unknown): MessageMediaErrorBody {
	if (typeof body === 'string') return body.trim() ? { message: body.trim().slice(0, 500) } : {};
	if (body && typeof body === 'object') {
		const { message, details } = body as MessageMediaErrorBody;
		return {
			message: typeof message === 'string' ? message : undefined,
			details: Array.isArray(details) ? details.map(String) : undefined,
		};
	}
	return {};
}

/** The user-facing name of each message field, so errors name what the user sees in the node. */
export const FIELD_LABELS: Record<string, string> = {
	content: 'Message',
	destination_number: 'To',
	source_number: 'From',
	source_number_type: 'Sender Type',
	format: 'Type',
	media: 'Media URLs',
	subject: 'Subject',
	callback_url: 'Callback URL',
	delivery_report: 'Delivery Report',
	scheduled: 'Scheduled',
	message_expiry_timestamp: 'Expiry',
	metadata: 'Metadata',
};

/** One problem a 400 names for one message of a batch (`/messages/3/destination_number: ...`). */
export interface MessageProblem {
	/** The message's position in the request's `messages` array. */
	position: number;
	/** The API field, e.g. `destination_number`, when MessageMedia names one. */
	field?: string;
	/** The field as the node labels it, e.g. `To`. */
	label?: string;
	/** What MessageMedia says is wrong. */
	text: string;
}

/** What MessageMedia said about a request it did not accept, parsed once. */
export interface MessageMediaProblem extends MessageMediaErrorBody {
	details: string[];
	/** The per-message problems in `details`, by position in the request. */
	messages: Map<number, MessageProblem[]>;
}

function messageProblems(details: string[]): Map<number, MessageProblem[]> {
	const byPosition = new Map<number, MessageProblem[]>();
	for (const detail of details) {
		const match = /^\/?messages\/(\d+)(?:\/([^:\s]+))?\s*:?\s*(.*)$/.exec(detail.trim());
		if (!match) continue;
		const position = Number(match[1]);
		const field = match[2]?.split('/')[0];
		const problem: MessageProblem = { position, text: match[3] || 'invalid' };
		if (field) {
			problem.field = field;
			problem.label = FIELD_LABELS[field] ?? match[2];
		}
		byPosition.set(position, [...(byPosition.get(position) ?? []), problem]);
	}
	return byPosition;
}

export function parseProblem(body: unknown): MessageMediaProblem {
	const parsed = parseErrorBody(body);
	const details = parsed.details ?? [];
	return { message: parsed.message, details, messages: messageProblems(details) };
}

/** One problem as the user reads it: `"To": not a valid number`. */
export function describeMessageProblem(problem: MessageProblem): string {
	return problem.label ? `"${problem.label}": ${problem.text}` : problem.text;
}

/** One message's problems as the user reads them, joined by `; `. */
export function describeMessageProblems(
	problems: MessageProblem[] | undefined,
): string | undefined {
	if (!problems?.length) return undefined;
	return problems.map(describeMessageProblem).join('; ');
}

export interface ErrorContext {
	/** What was being acted on, e.g. `message "4d1f…"`, used to make a 404 actionable. */
	subject?: string;
	itemIndex?: number;
	/** Said after everything else, e.g. how much of a larger job had already been done. */
	note?: string;
	/** Why a 401 may have happened beyond the key pair, e.g. how the request was signed. */
	unauthorizedCause?: string;
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

function hint(statusCode: number, context: ErrorContext): string | undefined {
	if (statusCode === 401) {
		if (context.unauthorizedCause) return context.unauthorizedCause;
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
		hint(statusCode, context),
		context.note,
	]
		.filter(Boolean)
		.join('\n');
	const error = new NodeApiError(
		node,
		{ message: parsed.message ?? '', details: parsed.details ?? [], statusCode } as JsonObject,
		{
			message: atItem(headline(statusCode, context), context.itemIndex),
			description: description || undefined,
			httpCode: String(statusCode),
			itemIndex: context.itemIndex,
		},
	);
	error.context.messageMedia = parsed as JsonObject;
	return error;
}

/**
 * A send whose outcome is unknown: MessageMedia may or may not have accepted it. The flag in the
 * error's context is what callers test; the description tells the user what to do.
 */
export function outcomeUnknownError(
	node: INode,
	cause: JsonObject,
	options: { message: string; description: string; itemIndex?: number; httpCode?: string },
): NodeApiError {
	const error = new NodeApiError(node, cause, {
		message: atItem(options.message, options.itemIndex),
		description: options.description,
		itemIndex: options.itemIndex,
		httpCode: options.httpCode,
	});
	error.context.outcomeUnknown = true;
	return error;
}

export function isOutcomeUnknown(error: unknown): boolean {
	return (error as { context?: { outcomeUnknown?: unknown } })?.context?.outcomeUnknown === true;
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
