import type { IDataObject } from 'n8n-workflow';

import type { MessageEvent } from '../shared/events';
import type { IntentMatch } from '../intent/classifyReply';
import { classifyReply } from '../intent/classifyReply';
import type { ReplyVocabulary } from '../intent/replyVocabulary';
import { defaultVocabulary } from '../intent/replyIntentLists';
import type { UnlistedDeliveryEvent } from './deliveryStatus';
import { deliveryReportEvent, STATUS_CODE_DESCRIPTIONS } from './deliveryStatus';

/** The three shapes an event takes in the output. */
export type EventFamily = 'reply' | 'opt_out' | 'delivery_report';

export interface NormalisedAttachment {
	contentType: string;
	fileName: string;
	/** Base64 content; the trigger turns it into binary data and drops it from the JSON. */
	content: string;
}

/** One event as the trigger (and Send and Wait) outputs it. */
export interface NormalisedEvent extends IDataObject {
	/** `reply`, `opt_out` or `delivery_report`. */
	event: EventFamily;
	/** The MessageMedia event name, e.g. `RECEIVED_SMS` or `DELIVERED_DR`. */
	eventName: MessageEvent | UnlistedDeliveryEvent;
	/** reply_id, notification_id or delivery_report_id. */
	id: string;
	/** The outbound message this event belongs to, when there is one. */
	messageId: string;
	from: string;
	to: string;
	/** The customer's handset in every event: the sender of a reply, the recipient for a report. */
	phoneNumber: string;
	/** The reply or opt-out text; for a delivery report, the text of the original message. */
	text: string;
	originalText: string;
	status: string;
	statusCode: number | null;
	statusDescription: string;
	receivedAt: string;
	submittedAt: string;
	metadata: IDataObject;
	retryCount: number;
	accountId: string;
	format: string;
	/** `confirm`, `cancel`, `stop`, `reschedule`, `other`, or one of the user's own intents. */
	intent?: string;
	/** What decided the intent: the matched entry and whether a keyword, phrase or emoji did. */
	intentMatch?: IntentMatch;
	/** The same for every event between one customer and one of the account's numbers. */
	sessionId: string;
	raw: IDataObject;
}

// An unset variable written without `$!` (by a template other than this node's) comes through as
// its own source text, e.g. `$replyId`: it stands for an absent value.
const UNRENDERED = /^\$!?\{?[A-Za-z][\w.]*(\(.*\))?\}?$/;

function str(value: unknown): string {
	if (value === undefined || value === null) return '';
	const text = typeof value === 'object' ? '' : String(value).trim();
	return UNRENDERED.test(text) ? '' : text;
}

/**
 * MessageMedia's timestamps are ISO-8601 in its objects; template variables may be rendered by
 * Java's toString. Anything Date can read becomes ISO UTC; epoch seconds or milliseconds too.
 */
export function toIsoTimestamp(value: unknown): string {
	const text = str(value);
	if (!text) return '';
	if (/^\d{9,14}$/.test(text)) {
		const n = Number(text);
		return new Date(n < 1e12 ? n * 1000 : n).toISOString();
	}
	const parsed = Date.parse(text);
	// An unreadable time becomes empty rather than passing through: the field is documented as ISO.
	return Number.isNaN(parsed) ? '' : new Date(parsed).toISOString();
}

/**
 * The message's metadata again as `metadata_<key>` fields, so a Switch or If node can use it
 * without a Code node. The prefix keeps a key such as `__proto__` an ordinary field.
 */
export function flatMetadata(metadata: unknown): IDataObject {
	const flat: IDataObject = {};
	if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
		for (const [key, value] of Object.entries(metadata)) flat[`metadata_${key}`] = value;
	}
	return flat;
}

/** Copies a value onto an object even for keys such as `__proto__` that plain assignment drops. */
function setOwn(target: IDataObject, key: string, value: string): void {
	Object.defineProperty(target, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

// MessageMedia's metadata values are strings; JSON.stringify recurses, so a value nested
// thousands deep would overflow the stack instead of being refused.
const MAX_METADATA_DEPTH = 64;

function deeperThan(value: object, limit: number): boolean {
	const pending: Array<[unknown, number]> = [[value, 1]];
	for (let next = pending.pop(); next; next = pending.pop()) {
		const [node, depth] = next;
		if (depth > limit) return true;
		for (const child of Object.values(node as object)) {
			if (child && typeof child === 'object') pending.push([child, depth + 1]);
		}
	}
	return false;
}

function stringifyNested(value: object): string {
	if (deeperThan(value, MAX_METADATA_DEPTH)) {
		throw new PayloadError('A metadata value is nested too deeply');
	}
	return JSON.stringify(value);
}

function metadataOf(value: unknown): IDataObject {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
	const out: IDataObject = {};
	for (const [key, v] of Object.entries(value as IDataObject)) {
		if (key === '') continue;
		setOwn(
			out,
			key,
			v === null || v === undefined ? '' : typeof v === 'object' ? stringifyNested(v) : String(v),
		);
	}
	return out;
}

function attachmentsOf(value: unknown): NormalisedAttachment[] {
	if (!Array.isArray(value)) return [];
	return value
		.filter((a): a is IDataObject => !!a && typeof a === 'object')
		.map((a, i) => ({
			contentType: str(a.content_type ?? a.contentType) || 'application/octet-stream',
			fileName: str(a.original_name ?? a.originalName) || `attachment_${i}`,
			content: str(a.content ?? a.base64),
		}))
		.filter((a) => a.content !== '');
}

/**
 * The request is not a MessageMedia event. It never leaves the node: the trigger and Send and
 * Wait answer it with a 400 and start no execution.
 */
export class PayloadError extends Error {}

/** Fields that hold ids, codes, numbers and times: never text a customer or a user wrote. */
const REFERENCE_FIELDS = [
	'reply_id',
	'mo_id',
	'notification_id',
	'delivery_report_id',
	'message_id',
	'account_id',
	'vendor_id',
	'format',
	'status',
	'error_code',
	'source_number',
	'destination_number',
	'submitted_date',
	'date_received',
	'retry_count',
	'billing_units',
];
const TEMPLATE_SYNTAX = /\$!|\$\{|\$?esc\.json\(|#foreach\(/;
// Free text is template text only when it is, whole, one of the escape calls the trigger's
// template writes: a customer may well write `$!`, `${` or even `$esc.json($x)` in a reply.
const ESCAPE_CALL =
	/^\$!?esc\.json\(\$!?(moContent|mtContent|accountId|vendorId|sourceAddress|destinationAddress|key|metadata\.get\(\$key\)|a\.(contentType|base64|originalName))\)$/;

function unrenderedMessage(where: string, text: string): string {
	const snippet = text.length > 60 ? `${text.slice(0, 60)}…` : text;
	return `MessageMedia did not render the webhook template: ${where} still holds the template text "${snippet}"`;
}

function freeTextOf(p: IDataObject): Array<[string, unknown]> {
	const texts: Array<[string, unknown]> = [
		['content', p.content],
		['original_text', p.original_text],
	];
	const metadata = p.metadata;
	if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
		for (const [key, value] of Object.entries(metadata)) {
			texts.push(['a metadata key', key], [`metadata "${key}"`, value]);
		}
	}
	if (Array.isArray(p.attachments)) {
		for (const a of p.attachments as unknown[]) {
			if (a && typeof a === 'object') {
				for (const [key, value] of Object.entries(a)) texts.push([`attachments ${key}`, value]);
			}
		}
	}
	return texts;
}

/**
 * Refuses a payload that still carries the webhook template's own text: MessageMedia delivered
 * the template without rendering (some of) it, and an item made of it would look like an event
 * with empty or nonsense fields.
 */
function assertRendered(p: IDataObject): void {
	for (const field of REFERENCE_FIELDS) {
		const value = p[field];
		if (typeof value === 'string' && TEMPLATE_SYNTAX.test(value)) {
			throw new PayloadError(unrenderedMessage(`"${field}"`, value));
		}
	}
	for (const [where, value] of freeTextOf(p)) {
		if (typeof value === 'string' && ESCAPE_CALL.test(value)) {
			throw new PayloadError(unrenderedMessage(where, value));
		}
	}
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** Reads a request body as a JSON object; throws PayloadError when it is none. */
export function parseEventBody(text: string): IDataObject {
	const parsed = parseJson(text);
	if (parsed === undefined) {
		const template = TEMPLATE_SYNTAX.exec(text);
		throw new PayloadError(
			template
				? unrenderedMessage('the body', text.slice(template.index))
				: 'The body is not valid JSON',
		);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new PayloadError('The payload is not a JSON object');
	}
	return parsed as IDataObject;
}

// A reply is a text or a picture; a report can be about a text-to-speech call too.
const REPLY_FORMATS = ['SMS', 'MMS'];
const REPORT_FORMATS = ['SMS', 'MMS', 'TTS'];

/** Tells the event apart from the id fields the template (or a callback push) carries. */
function identify(p: IDataObject): {
	family: EventFamily;
	id: string;
	eventName: NormalisedEvent['eventName'];
} {
	const drId = str(p.delivery_report_id);
	const status = str(p.status).toLowerCase();
	if (drId || (status && !str(p.reply_id) && !str(p.notification_id))) {
		if (!drId) throw new PayloadError('A delivery report without delivery_report_id');
		if (!status) throw new PayloadError('A delivery report without status');
		return { family: 'delivery_report', id: drId, eventName: deliveryReportEvent(status) };
	}
	const notificationId = str(p.notification_id);
	if (notificationId) return { family: 'opt_out', id: notificationId, eventName: 'OPT_OUT_SMS' };
	const replyId = str(p.reply_id) || str(p.mo_id);
	if (replyId) {
		const mms = str(p.format).toUpperCase() === 'MMS' || attachmentsOf(p.attachments).length > 0;
		return { family: 'reply', id: replyId, eventName: mms ? 'RECEIVED_MMS' : 'RECEIVED_SMS' };
	}
	throw new PayloadError('The payload has none of reply_id, notification_id or delivery_report_id');
}

export interface NormaliseOptions {
	keywords?: ReplyVocabulary;
}

/**
 * One conversation: the customer's number and ours. It is named `sessionId` because n8n's chat
 * memory nodes read that field by default (`$json.sessionId`, n8n 2.41.1 `memoryBufferWindow`).
 */
function sessionIdOf(customer: string, ours: string): string {
	return ours ? `${customer}:${ours}` : customer;
}

const OPT_OUT_MATCH: IntentMatch = {
	intent: 'stop',
	by: 'none',
	matched: '',
	carrierKeyword: false,
};

/**
 * Maps what MessageMedia posts to one flat item: the trigger's webhook template, the Reply object
 * (`reply_id`, `content`, `source_number`, …) or the DeliveryReport object (`delivery_report_id`,
 * `status`, `error_code`, …) that per-message callback_url pushes carry. Metadata is also
 * flattened to `metadata_<key>` so a Switch or If node can use it without a Code node.
 * Throws PayloadError when the payload is not a MessageMedia event, or still holds template text.
 */
export function normaliseEvent(
	payload: IDataObject,
	options: NormaliseOptions = {},
): { event: NormalisedEvent; attachments: NormalisedAttachment[] } {
	if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
		throw new PayloadError('The payload is not a JSON object');
	}
	assertRendered(payload);
	const { family, id, eventName } = identify(payload);
	const vendor = (payload.vendor_account_id ?? {}) as IDataObject;
	const metadata = metadataOf(payload.metadata);
	const attachments = attachmentsOf(payload.attachments);
	const source = str(payload.source_number);
	const destination = str(payload.destination_number);
	const code = str(payload.error_code ?? payload.status_code);
	const statusCode = /^\d{1,6}$/.test(code) ? Number(code) : null;
	const isReport = family === 'delivery_report';
	const content = str(payload.content);
	const originalText = str(payload.original_text);
	const retries = Number(str(payload.retry_count));
	const format = str(payload.format).toUpperCase();

	const raw: IDataObject = { ...payload };
	if (Array.isArray(payload.attachments)) {
		// The base64 lives in binary data; a second copy in JSON would double the item's memory.
		raw.attachments = attachments.map(({ contentType, fileName }) => ({
			content_type: contentType,
			original_name: fileName,
		}));
	}

	const event: NormalisedEvent = {
		event: family,
		eventName,
		id,
		messageId: str(payload.message_id),
		// A delivery report's source_number is the handset the message went to.
		from: isReport ? destination : source,
		to: isReport ? source : destination,
		phoneNumber: source,
		text: isReport ? originalText : content,
		originalText,
		status: isReport
			? str(payload.status).toLowerCase()
			: family === 'opt_out'
				? 'opted_out'
				: 'received',
		statusCode,
		statusDescription:
			statusCode === null ? '' : (STATUS_CODE_DESCRIPTIONS[String(statusCode)] ?? ''),
		receivedAt: toIsoTimestamp(payload.date_received),
		submittedAt: toIsoTimestamp(payload.submitted_date),
		metadata,
		retryCount: Number.isSafeInteger(retries) && retries >= 0 ? retries : 0,
		accountId: str(payload.account_id) || str(vendor.account_id),
		format: (isReport ? REPORT_FORMATS : REPLY_FORMATS).includes(format)
			? format
			: isReport
				? ''
				: attachments.length
					? 'MMS'
					: 'SMS',
		sessionId: sessionIdOf(source, destination),
		raw,
	};
	if (family === 'reply') {
		event.intentMatch = classifyReply(content, options.keywords ?? defaultVocabulary());
		event.intent = event.intentMatch.intent;
	}
	// An opt-out is a stop by definition, whatever the keyword lists say.
	if (family === 'opt_out') {
		event.intent = 'stop';
		event.intentMatch = { ...OPT_OUT_MATCH };
	}
	Object.assign(event, flatMetadata(metadata));
	return { event, attachments };
}
