import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';

import { MESSAGE_EVENTS } from '../../shared/events';
import type { Show } from '../../shared/descriptions';
import { itemOperationError } from '../../shared/itemError';

export function webhookIdField(show: Show, description: string): INodeProperties {
	return {
		displayName: 'Webhook ID',
		name: 'webhookId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. a7f9a5a6-0e2e-4c55-9c0e-3b8f3c6d2b1a',
		description,
		displayOptions: { show },
	};
}

/** The fields that both Create and Update send, without displayOptions. */
export const webhookFieldDefinitions = {
	url: {
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/messagemedia',
		description:
			'Where MessageMedia sends events, up to 1000 characters. Template variables may be used in the query string.',
	},
	method: {
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: [
			{ name: 'DELETE', value: 'DELETE' },
			{ name: 'GET', value: 'GET' },
			{ name: 'PATCH', value: 'PATCH' },
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'POST',
		description: 'The HTTP method MessageMedia uses to call the URL',
	},
	encoding: {
		displayName: 'Encoding',
		name: 'encoding',
		type: 'options',
		options: [
			{ name: 'Form Encoded', value: 'FORM_ENCODED' },
			{ name: 'JSON', value: 'JSON' },
			{ name: 'XML', value: 'XML' },
		],
		default: 'JSON',
		description: 'How the body is encoded; MessageMedia sets the Content-Type header to match',
	},
	events: {
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: MESSAGE_EVENTS,
		default: [],
		description: 'The events that call this webhook',
	},
	headers: {
		displayName: 'Headers',
		name: 'headers',
		type: 'fixedCollection',
		placeholder: 'Add Header',
		default: {},
		typeOptions: { multipleValues: true },
		description:
			'Custom headers sent to the URL (name up to 200, value up to 1000 characters). Content-Type is not allowed.',
		options: [
			{
				displayName: 'Header',
				name: 'header',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	template: {
		displayName: 'Template',
		name: 'template',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		placeholder: 'e.g. {"reply_id":"$!replyId","content":"$esc.json($!moContent)"}',
		description:
			'Velocity template for the body, e.g. with $replyId, $moContent, $status. Set one: MessageMedia documents no default body.',
	},
} satisfies Record<string, INodeProperties>;

/** Turns the Headers fixed collection into the map the API takes. */
export function headersToMap(
	node: INode,
	headers: IDataObject | undefined,
	itemIndex: number,
): Record<string, string> | undefined {
	const entries = (headers?.header as IDataObject[] | undefined) ?? [];
	if (entries.length === 0) return undefined;
	const map: Record<string, string> = {};
	for (const { name, value } of entries) {
		const key = String(name ?? '').trim();
		if (!key) continue;
		if (key.toLowerCase() === 'content-type') {
			throw itemOperationError(
				node,
				itemIndex,
				`"Headers" must not contain Content-Type`,
				'MessageMedia sets Content-Type from Encoding and rejects the webhook otherwise.',
			);
		}
		map[key] = String(value ?? '');
	}
	return map;
}

export function requireEvents(node: INode, events: unknown, itemIndex: number): string[] {
	const list = Array.isArray(events) ? events.map(String) : [];
	if (list.length === 0) {
		throw itemOperationError(node, itemIndex, `"Events" must contain at least one event`);
	}
	return list;
}

export function simplifyWebhook(webhook: IDataObject): IDataObject {
	return {
		id: webhook.id,
		url: webhook.url,
		method: webhook.method,
		encoding: webhook.encoding,
		events: webhook.events ?? [],
		headers: webhook.headers ?? {},
		template: webhook.template,
		retries: webhook.retries,
		retryDelay: webhook.retry_delay,
		readTimeout: webhook.read_timeout,
	};
}
