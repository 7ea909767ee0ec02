import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/** Placeholder until the trigger lands; kept loadable so the package always builds. */
export class MessageMediaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MessageMedia Trigger',
		name: 'messageMediaTrigger',
		icon: { light: 'file:messagemedia.svg', dark: 'file:messagemedia.dark.svg' },
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow on MessageMedia replies, opt-outs and delivery reports',
		defaults: { name: 'MessageMedia Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'messageMediaApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return { workflowData: [this.helpers.returnJsonArray(this.getBodyData())] };
	}
}
