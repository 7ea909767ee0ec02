import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { itemParameterReader, type ParameterReader } from './itemParameterReader';
import { requireE164 } from './phone';
import { itemOperationError } from './itemError';

export const MAX_CONTENT = 5000;
export const MAX_SUBJECT = 64;
export const METADATA_LIMITS = { keys: 10, keyLength: 100, valueLength: 256 };

/** The request body of one message, as POST /v1/messages takes it. */
export interface OutboundMessage extends IDataObject {
	content: string;
	destination_number: string;
	format: 'SMS' | 'MMS' | 'TTS';
}

function toList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
	return String(value ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

function futureDate(
	node: INode,
	itemIndex: number,
	field: string,
	value: unknown,
	now: number,
): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const date = new Date(value as string);
	if (Number.isNaN(date.getTime())) {
		throw itemOperationError(node, itemIndex, `"${field}" is not a valid date: "${String(value)}"`);
	}
	if (date.getTime() <= now) {
		throw itemOperationError(
			node,
			itemIndex,
			`"${field}" must be in the future, but is ${date.toISOString()}`,
		);
	}
	return date.toISOString();
}

/** Reads metadata from the key/value collection and validates MessageMedia's limits. */
export function readMetadata(
	node: INode,
	itemIndex: number,
	raw: unknown,
): IDataObject | undefined {
	const entries = ((raw as IDataObject | undefined)?.entries as IDataObject[] | undefined) ?? [];
	if (entries.length === 0) return undefined;
	const metadata: IDataObject = {};
	for (const entry of entries) {
		const key = String(entry.key ?? '').trim();
		const value = entry.value === undefined || entry.value === null ? '' : String(entry.value);
		if (!key)
			throw itemOperationError(node, itemIndex, '"Metadata" has an entry with an empty key');
		if (key.length > METADATA_LIMITS.keyLength) {
			throw itemOperationError(
				node,
				itemIndex,
				`"Metadata" key "${key.slice(0, 20)}…" is longer than ${METADATA_LIMITS.keyLength} characters`,
			);
		}
		if (value.length > METADATA_LIMITS.valueLength) {
			throw itemOperationError(
				node,
				itemIndex,
				`"Metadata" value of "${key}" is longer than ${METADATA_LIMITS.valueLength} characters`,
			);
		}
		metadata[key] = value;
	}
	if (Object.keys(metadata).length > METADATA_LIMITS.keys) {
		throw itemOperationError(
			node,
			itemIndex,
			`"Metadata" has ${Object.keys(metadata).length} keys; MessageMedia allows at most ${METADATA_LIMITS.keys}`,
		);
	}
	return metadata;
}

/**
 * Reads and validates one item's message before anything is sent, so a bad item fails with its
 * index and field instead of failing a whole batch of 100 at MessageMedia.
 */
export function buildMessage(
	this: IExecuteFunctions,
	itemIndex: number,
	now = Date.now(),
	// getNode() deep-copies the node on every call; batch callers read it once and pass it in,
	// with one reader for the whole run.
	node: INode = this.getNode(),
	read: ParameterReader = itemParameterReader(this, node),
): OutboundMessage {
	const options = read('options', itemIndex, {}) as IDataObject;
	const countryCode = String(options.defaultCountryCode ?? '');
	const format = read('format', itemIndex, 'SMS') as OutboundMessage['format'];
	const content = String(read('content', itemIndex, '') ?? '');
	const length = [...content].length;
	if (length === 0) throw itemOperationError(node, itemIndex, '"Message" is empty');
	if (length > MAX_CONTENT) {
		throw itemOperationError(
			node,
			itemIndex,
			`"Message" has ${length} characters; MessageMedia allows at most ${MAX_CONTENT}`,
		);
	}

	const message: OutboundMessage = {
		content,
		destination_number: requireE164(
			node,
			read('destination', itemIndex),
			'To',
			itemIndex,
			countryCode,
		),
		format,
	};

	if (format === 'MMS') {
		const media = toList(read('media', itemIndex, ''));
		if (media.length === 0)
			throw itemOperationError(node, itemIndex, '"Media URLs" is required for MMS');
		const bad = media.find((url) => !isHttpUrl(url));
		if (bad)
			throw itemOperationError(node, itemIndex, `"Media URLs" contains an invalid URL: "${bad}"`);
		message.media = media;
		const subject = String(read('subject', itemIndex, '') ?? '');
		if ([...subject].length > MAX_SUBJECT) {
			throw itemOperationError(
				node,
				itemIndex,
				`"Subject" is longer than ${MAX_SUBJECT} characters`,
			);
		}
		if (subject) message.subject = subject;
	}

	const from = String(read('from', itemIndex, '', { extractValue: true }) ?? '').trim();
	if (from) {
		// A sender ID can be alphanumeric ("ACME") or a short code, so only numbers are normalised.
		const looksLikeNumber = /^[+\d\s\-().]+$/.test(from) && from.replace(/\D/g, '').length > 6;
		message.source_number = looksLikeNumber
			? requireE164(node, from, 'From', itemIndex, countryCode)
			: from;
		if (options.sourceNumberType) message.source_number_type = options.sourceNumberType as string;
	} else if (options.sourceNumberType) {
		throw itemOperationError(node, itemIndex, '"Sender Type" can only be set together with From');
	}

	if (options.deliveryReport) message.delivery_report = true;
	if (options.callbackUrl) {
		const url = String(options.callbackUrl).trim();
		if (!isHttpUrl(url))
			throw itemOperationError(
				node,
				itemIndex,
				`"Callback URL" is not a valid http(s) URL: "${url}"`,
			);
		message.callback_url = url;
	}
	const scheduled = futureDate(node, itemIndex, 'Scheduled', options.scheduled, now);
	if (scheduled) message.scheduled = scheduled;
	const expiry = futureDate(node, itemIndex, 'Expiry', options.expiry, now);
	if (expiry) {
		if (scheduled && expiry <= scheduled) {
			throw itemOperationError(node, itemIndex, '"Expiry" must be later than Scheduled');
		}
		message.message_expiry_timestamp = expiry;
	}
	const metadata = readMetadata(node, itemIndex, options.metadata);
	if (metadata) message.metadata = metadata;
	return message;
}
