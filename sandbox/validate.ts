import { parse } from 'velocityjs';
import { WEBHOOK_EVENTS } from './webhooks';

export const E164 = /^\+[1-9]\d{7,14}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function isHttpUrl(v: unknown): boolean {
	if (typeof v !== 'string' || v.length === 0) return false;
	try {
		const u = new URL(v);
		return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
	} catch {
		return false;
	}
}

export function isIsoDate(v: unknown): boolean {
	return typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const MESSAGE_FIELDS = new Set([
	'content',
	'destination_number',
	'source_number',
	'source_number_type',
	'format',
	'media',
	'subject',
	'delivery_report',
	'callback_url',
	'scheduled',
	'message_expiry_timestamp',
	'metadata',
]);

/** Validates one message as MessageMedia does; appends `/messages/<i>/<field>: <reason>`. */
export function validateMessage(m: unknown, i: number, details: string[]): void {
	const at = (field: string, reason: string) =>
		details.push(`/messages/${i}${field ? '/' + field : ''}: ${reason}`);
	if (!isPlainObject(m)) {
		at('', 'must be an object');
		return;
	}
	for (const k of Object.keys(m)) {
		if (!MESSAGE_FIELDS.has(k)) at(k, 'is not a permitted field');
	}
	if (m.content === undefined || m.content === null) at('content', 'is required');
	else if (typeof m.content !== 'string') at('content', 'must be a string');
	else if (m.content.length < 1 || m.content.length > 5000) {
		at('content', 'must be between 1 and 5000 characters');
	}

	const dest = m.destination_number;
	if (dest === undefined || dest === null) at('destination_number', 'is required');
	else if (typeof dest !== 'string') at('destination_number', 'must be a string');
	else if (!E164.test(dest)) {
		at(
			'destination_number',
			"International address must be between 8 and 15 characters excluding the first '+'",
		);
	}

	const format = m.format ?? 'SMS';
	if (!['SMS', 'MMS', 'TTS'].includes(format as string)) {
		at('format', 'must be one of SMS, MMS, TTS');
	}

	if (m.media !== undefined) {
		if (format !== 'MMS') at('media', 'is only allowed when format is MMS');
		if (!Array.isArray(m.media) || m.media.length === 0) {
			at('media', 'must be a non-empty array of URLs');
		} else {
			m.media.forEach((u, j) => {
				if (!isHttpUrl(u)) at(`media/${j}`, 'must be a valid http(s) URL');
			});
		}
	} else if (format === 'MMS') {
		at('media', 'is required when format is MMS');
	}

	if (m.subject !== undefined) {
		if (typeof m.subject !== 'string') at('subject', 'must be a string');
		else if (m.subject.length > 64) at('subject', 'must be at most 64 characters');
		if (format !== 'MMS') at('subject', 'is only allowed when format is MMS');
	}

	const src = m.source_number;
	if (src !== undefined) {
		if (typeof src !== 'string' || src.length === 0)
			at('source_number', 'must be a non-empty string');
		else {
			const t = m.source_number_type;
			const ok =
				t === 'INTERNATIONAL'
					? E164.test(src)
					: t === 'ALPHANUMERIC'
						? /^[A-Za-z0-9 ]{1,11}$/.test(src)
						: t === 'SHORTCODE'
							? /^\d{3,8}$/.test(src)
							: E164.test(src) || /^[A-Za-z0-9 ]{1,11}$/.test(src);
			if (!ok) at('source_number', 'is not a valid sender address for its type');
		}
	}
	if (m.source_number_type !== undefined) {
		if (!['INTERNATIONAL', 'ALPHANUMERIC', 'SHORTCODE'].includes(m.source_number_type as string)) {
			at('source_number_type', 'must be one of INTERNATIONAL, ALPHANUMERIC, SHORTCODE');
		}
		if (src === undefined) at('source_number_type', 'is only allowed with source_number');
	}

	if (m.delivery_report !== undefined && typeof m.delivery_report !== 'boolean') {
		at('delivery_report', 'must be a boolean');
	}
	if (m.callback_url !== undefined && !isHttpUrl(m.callback_url)) {
		at('callback_url', 'must be a valid http(s) URL');
	}
	if (m.scheduled !== undefined && !isIsoDate(m.scheduled)) {
		at('scheduled', 'must be a valid ISO 8601 date-time');
	}
	if (m.message_expiry_timestamp !== undefined && !isIsoDate(m.message_expiry_timestamp)) {
		at('message_expiry_timestamp', 'must be a valid ISO 8601 date-time');
	}

	if (m.metadata !== undefined) {
		if (!isPlainObject(m.metadata)) at('metadata', 'must be an object of string values');
		else {
			const entries = Object.entries(m.metadata);
			if (entries.length > 10) at('metadata', 'must have at most 10 keys');
			for (const [k, v] of entries) {
				if (k.length < 1 || k.length > 100) {
					at(`metadata/${k}`, 'key must be between 1 and 100 characters');
				}
				if (typeof v !== 'string') at(`metadata/${k}`, 'value must be a string');
				else if (v.length > 256) at(`metadata/${k}`, 'value must be at most 256 characters');
			}
		}
	}
}

const WEBHOOK_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
const WEBHOOK_ENCODINGS = ['JSON', 'FORM_ENCODED', 'XML'];
const CREATE_FIELDS = new Set([
	'url',
	'method',
	'encoding',
	'events',
	'headers',
	'template',
	'read_timeout',
	'retries',
	'retry_delay',
]);
const UPDATE_FIELDS = new Set(['url', 'method', 'encoding', 'events', 'headers', 'template']);

function isInt(v: unknown, min: number, max: number): boolean {
	return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Returns the first problem with a webhook create/update body, or undefined when valid. */
export function validateWebhook(body: unknown, mode: 'create' | 'update'): string | undefined {
	if (!isPlainObject(body)) return 'Request body must be a JSON object.';
	const allowed = mode === 'create' ? CREATE_FIELDS : UPDATE_FIELDS;
	for (const k of Object.keys(body)) {
		if (!allowed.has(k)) {
			return mode === 'update' && CREATE_FIELDS.has(k)
				? `${k} cannot be updated.`
				: `Unknown field: ${k}.`;
		}
	}
	const present = (k: string) => body[k] !== undefined && body[k] !== null;
	if (mode === 'update' && ![...UPDATE_FIELDS].some(present)) {
		return 'At least one field must be provided.';
	}
	const need = (k: string) => mode === 'create' || present(k);
	if (need('url')) {
		if (!isHttpUrl(body.url) || (body.url as string).length > 1000) {
			return 'url must be a valid http(s) URL of at most 1000 characters.';
		}
	}
	if (need('method') && !WEBHOOK_METHODS.includes(body.method as string)) {
		return `method must be one of ${WEBHOOK_METHODS.join(', ')}.`;
	}
	if (need('encoding') && !WEBHOOK_ENCODINGS.includes(body.encoding as string)) {
		return `encoding must be one of ${WEBHOOK_ENCODINGS.join(', ')}.`;
	}
	if (need('events') || (mode === 'update' && Array.isArray(body.events))) {
		if (!Array.isArray(body.events) || body.events.length === 0) {
			return 'events must be a non-empty array.';
		}
		for (const e of body.events) {
			if (!WEBHOOK_EVENTS.includes(e as string)) return `Unknown event: ${String(e)}.`;
		}
	}
	if (present('headers')) {
		if (!isPlainObject(body.headers)) return 'headers must be an object.';
		for (const [k, v] of Object.entries(body.headers)) {
			if (k.toLowerCase() === 'content-type') return 'headers must not contain Content-Type.';
			if (k.length < 1 || k.length > 200) return 'header names must be 1 to 200 characters.';
			if (typeof v !== 'string' || v.length > 1000) {
				return 'header values must be strings of at most 1000 characters.';
			}
		}
	}
	if (present('template')) {
		if (typeof body.template !== 'string') return 'template must be a string.';
		try {
			parse(body.template);
		} catch {
			return 'template is not a valid Velocity template.';
		}
	}
	if (present('retries') && !isInt(body.retries, 0, 5)) return 'retries must be 0 to 5.';
	if (present('retry_delay') && !isInt(body.retry_delay, 5, 60)) {
		return 'retry_delay must be 5 to 60 seconds.';
	}
	if (present('read_timeout') && !isInt(body.read_timeout, 1, 60000)) {
		return 'read_timeout must be 1 to 60000 milliseconds.';
	}
	return undefined;
}
