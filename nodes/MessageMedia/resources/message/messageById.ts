import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { Show } from '../../shared/descriptions';

export function messageIdField(show: Show, description: string): INodeProperties {
	return {
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '04fe9a97-a579-43c5-bb1a-58ed29bf0a6a',
		description,
		displayOptions: { show },
	};
}

/** Message objects in the same camelCase shape the Send operation outputs. */
export function simplifyMessage(message: IDataObject): IDataObject {
	return {
		messageId: message.message_id,
		status: message.status,
		destination: message.destination_number,
		source: message.source_number,
		format: message.format,
		content: message.content,
		scheduled: message.scheduled,
		expiry: message.message_expiry_timestamp,
		deliveryReport: message.delivery_report,
		callbackUrl: message.callback_url,
		metadata: message.metadata ?? {},
	};
}
