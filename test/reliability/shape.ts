/**
 * A validator for the trigger's documented output item (nodes/MessageMedia/trigger/README.md,
 * "Output"). Returns the list of problems; empty means the item matches the documented shape.
 *
 * `lenient` names the fields whose documented shape the normaliser is known not to guarantee for
 * hostile input (see test/reliability/README.md, "Findings"); the strict checks for those live in
 * their own, skipped, tests so the rest of the shape stays enforced in CI.
 */
import type { IDataObject } from 'n8n-workflow';

export type LenientField = 'timestamps' | 'numbers' | 'format' | 'metadataKeys';

export const FAMILY_EVENTS: Record<string, string[]> = {
	reply: ['RECEIVED_SMS', 'RECEIVED_MMS'],
	opt_out: ['OPT_OUT_SMS'],
	delivery_report: [
		'ENROUTE_DR',
		'SUBMITTED_DR',
		'DELIVERED_DR',
		'EXPIRED_DR',
		'REJECTED_DR',
		'FAILED_DR',
	],
};
const DR_STATUSES = ['enroute', 'submitted', 'delivered', 'expired', 'rejected', 'failed'];
const ISO_UTC =
	/^\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$|^[+-]\d{6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STRING_FIELDS = [
	'id',
	'messageId',
	'from',
	'to',
	'phoneNumber',
	'text',
	'originalText',
	'status',
	'statusDescription',
	'receivedAt',
	'submittedAt',
	'accountId',
	'format',
];

export interface ValidateOptions {
	lenient?: LenientField[];
	/** The payload the item came from, to check metadata round-trips. */
	payload?: unknown;
	/** Restrict eventName to known events (true in webhook(), where selection filters). */
	knownEventsOnly?: boolean;
}

export function validateOutput(json: IDataObject, options: ValidateOptions = {}): string[] {
	const lenient = new Set(options.lenient ?? []);
	const problems: string[] = [];
	const fail = (message: string) => problems.push(message);
	if (!json || typeof json !== 'object') return ['not an object'];

	const family = json.event as string;
	if (!(family in FAMILY_EVENTS)) fail(`event ${String(family)}`);
	const eventName = json.eventName as string;
	const known = FAMILY_EVENTS[family] ?? [];
	if (!known.includes(eventName)) {
		// A delivery report names its event after its status; an unknown status gives an unknown
		// event that webhook() drops because nobody can select it.
		const drOk =
			family === 'delivery_report' &&
			!options.knownEventsOnly &&
			eventName === `${String(json.status).toUpperCase()}_DR`;
		if (!drOk) fail(`eventName ${String(eventName)} for ${family}`);
	}
	for (const field of STRING_FIELDS) {
		if (typeof json[field] !== 'string') fail(`${field} is ${typeof json[field]}`);
	}
	if (typeof json.id === 'string' && json.id.trim() === '') fail('id is empty');
	if (!json.raw || typeof json.raw !== 'object' || Array.isArray(json.raw)) fail('raw');

	// status, statusCode, statusDescription
	if (family === 'reply' && json.status !== 'received') fail(`reply status ${json.status}`);
	if (family === 'opt_out' && json.status !== 'opted_out') fail(`opt-out status ${json.status}`);
	if (family === 'delivery_report') {
		const status = String(json.status);
		if (status === '' || status !== status.toLowerCase()) fail(`DR status ${status}`);
		if (options.knownEventsOnly && !DR_STATUSES.includes(status)) fail(`DR status ${status}`);
	}
	const code = json.statusCode;
	if (code !== null && typeof code !== 'number') fail(`statusCode is ${typeof code}`);
	if (
		typeof code === 'number' &&
		!lenient.has('numbers') &&
		!(Number.isSafeInteger(code) && code >= 0)
	) {
		fail(`statusCode ${String(code)} is not a status code`);
	}
	if (code === null && json.statusDescription !== '') fail('description without a code');

	// timestamps
	for (const field of ['receivedAt', 'submittedAt']) {
		const value = json[field];
		if (typeof value !== 'string') continue;
		if (value !== '' && !ISO_UTC.test(value) && !lenient.has('timestamps')) {
			fail(`${field} ${JSON.stringify(value).slice(0, 60)} is not ISO-8601 UTC`);
		}
	}

	// metadata and metadata_<key>
	const metadata = json.metadata as IDataObject;
	if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
		fail('metadata is not an object');
	} else {
		for (const [key, value] of Object.entries(metadata)) {
			if (typeof value !== 'string') fail(`metadata.${key} is ${typeof value}`);
			if (json[`metadata_${key}`] !== value) fail(`metadata_${key} does not mirror metadata`);
		}
		for (const key of Object.keys(json)) {
			if (key.startsWith('metadata_') && !(key.slice(9) in metadata)) {
				fail(`${key} without metadata.${key.slice(9)}`);
			}
		}
		const sent = (options.payload as IDataObject | undefined)?.metadata;
		if (sent && typeof sent === 'object' && !Array.isArray(sent) && !lenient.has('metadataKeys')) {
			for (const key of Object.keys(sent)) {
				if (key !== '' && !Object.prototype.hasOwnProperty.call(metadata, key)) {
					fail(`metadata key ${JSON.stringify(key)} was lost`);
				}
			}
		}
	}

	// intent
	if (
		family === 'reply' &&
		!['confirm', 'cancel', 'stop', 'reschedule', 'other'].includes(json.intent as string)
	)
		fail(`intent ${String(json.intent)}`);
	if (family === 'opt_out' && json.intent !== 'stop') fail(`opt-out intent ${String(json.intent)}`);
	if (family === 'delivery_report' && 'intent' in json) fail('a delivery report has an intent');

	// retryCount: MessageMedia's delivery attempt number
	const retry = json.retryCount;
	if (typeof retry !== 'number' || !Number.isFinite(retry)) fail(`retryCount ${String(retry)}`);
	else if (!lenient.has('numbers') && !(Number.isSafeInteger(retry) && retry >= 0)) {
		fail(`retryCount ${retry} is not an attempt number`);
	}

	// format: SMS / MMS; a delivery report may also be about a TTS call, or not say ('')
	if (typeof json.format === 'string' && !lenient.has('format')) {
		const allowed = family === 'delivery_report' ? ['', 'SMS', 'MMS', 'TTS'] : ['SMS', 'MMS'];
		if (!allowed.includes(json.format)) fail(`format ${JSON.stringify(json.format).slice(0, 40)}`);
	}

	// attachments, when present
	if ('attachments' in json) {
		const list = json.attachments;
		if (!Array.isArray(list)) fail('attachments is not a list');
		else
			for (const a of list as IDataObject[]) {
				const binaryShape =
					typeof a.binaryProperty === 'string' &&
					typeof a.contentType === 'string' &&
					typeof a.fileName === 'string';
				const base64Shape =
					typeof a.content === 'string' &&
					typeof a.contentType === 'string' &&
					typeof a.fileName === 'string';
				if (!binaryShape && !base64Shape) fail('attachment shape');
			}
	}
	return problems;
}
