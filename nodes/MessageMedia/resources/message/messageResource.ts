import type { INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { cancelMessage } from './cancelMessage';
import { getMessage } from './getMessage';
import { sendMessage } from './sendMessage';
import { sendMessageAndWait } from './sendMessageAndWait';

export const messageOperations = {
	send: sendMessage,
	[SEND_AND_WAIT_OPERATION]: sendMessageAndWait,
	get: getMessage,
	cancel: cancelMessage,
};

const showOnlyForMessages = { resource: ['message'] };

export const messageDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForMessages },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a scheduled message',
				description: 'Cancel a message that is scheduled for later',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a message status',
				description: 'Get a message and its current status',
			},
			{
				name: 'Send',
				value: 'send',
				action: 'Send a message',
				description: 'Send SMS, MMS or text to speech, batched up to 100 per request',
			},
			{
				name: 'Send and Wait for Reply',
				value: SEND_AND_WAIT_OPERATION,
				action: 'Send a message and wait for the reply',
				description:
					'Send one message, pause the workflow until the customer replies, the message fails or a time limit passes',
			},
		],
		default: 'send',
	},
	...sendMessage.description,
	...sendMessageAndWait.description,
	...getMessage.description,
	...cancelMessage.description,
];
