import type {
	IDataObject,
	INodeParameters,
	INodeProperties,
	IWebhookDescription,
} from 'n8n-workflow';

import { withNativeResolvers } from '../n8nInternals';

/**
 * When n8n answers MessageMedia: as soon as the execution has started (n8n's usual
 * `onReceived`), or only once it has ended (`lastNode`), so that an execution cut off by an n8n
 * stop leaves the delivery unanswered and MessageMedia retries it.
 */
export const acknowledgeOption: INodeProperties = {
	displayName: 'Acknowledge',
	name: 'acknowledge',
	type: 'options',
	options: [
		{
			name: 'When Received',
			value: 'onReceived',
			description:
				'Answer MessageMedia as soon as the execution has started. Fastest, but an event n8n accepts just before it stops may never finish.',
		},
		{
			name: 'When the Workflow Has Finished',
			value: 'lastNode',
			description:
				'Answer only after the workflow has run, so MessageMedia delivers again an event n8n stopped before finishing. Needs Delivery Retries.',
		},
	],
	default: 'onReceived',
	description:
		'When n8n tells MessageMedia the event arrived. MessageMedia waits 20 seconds at most; a slower workflow still runs once but is logged there as a failed delivery.',
};

const RESPONSE_MODE = '={{$parameter["options"]["acknowledge"] || "onReceived"}}';

export const triggerWebhook: IWebhookDescription = withNativeResolvers(
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: RESPONSE_MODE,
		// MessageMedia reads only the status; 'noData' also keeps a workflow whose last node
		// outputs nothing from being answered 500 and retried.
		responseData: 'noData',
		path: 'webhook',
	},
	{
		responseMode: {
			template: RESPONSE_MODE,
			resolve: (parameters: INodeParameters) =>
				((parameters.options as IDataObject | undefined)?.acknowledge as string) || 'onReceived',
		},
	},
);
