import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { searchSenderAddresses } from './methods/listSearch';
import { resources } from './resources/resourceTable';
import { sendAndWaitWebhook, sendAndWaitWebhooks } from './resources/message/sendAndWaitWebhook';

export class MessageMedia implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MessageMedia',
		name: 'messageMedia',
		icon: { light: 'file:messagemedia.svg', dark: 'file:messagemedia.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Send SMS, MMS and voice messages and manage replies with MessageMedia (Sinch Engage)',
		// The Docs link of the node's details view. n8n-editor-ui 2.41.1 opens this as written; from the codex's
		// primaryDocumentation (the same page) it appends "?utm_…" after the "#section", which then
		// no longer names a section.
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-messagemedia#operations',
		defaults: { name: 'MessageMedia' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'messageMediaMessagingApi', required: true }],
		webhooks: sendAndWaitWebhooks,
		waitingNodeTooltip: 'Waiting for the customer to reply by SMS',
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: resources.map(({ name, value }) => ({ name, value })),
				default: 'message',
			},
			...resources.flatMap((resource) => resource.description),
		],
	};

	methods = {
		listSearch: { searchSenderAddresses },
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const definition = resources.find((r) => r.value === resource)?.operations[operation];
		if (!definition) {
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${operation}" is not supported for resource "${resource}"`,
			);
		}
		return [await definition.run.call(this, this.getInputData())];
	}
}
