import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { TRIGGER_VERSIONS } from './n8nInternals';
import { intentKeywordFields } from './shared/descriptions';
import { ALL_EVENTS, MESSAGE_EVENTS } from './shared/events';
import { acknowledgeOption, triggerWebhook } from './trigger/acknowledge';
import { checkExists, create, remove } from './trigger/lifecycle';
import { DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_SECONDS } from './trigger/deliveryRetries';
import { handleInboundRequest } from './trigger/handleInboundRequest';

export class MessageMediaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MessageMedia Trigger',
		name: 'messageMediaTrigger',
		icon: { light: 'file:messagemedia.svg', dark: 'file:messagemedia.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves like 1 and only spares n8n a cost (n8nInternals.ts).
		...TRIGGER_VERSIONS,
		// Short enough for the canvas whatever is selected; the Events list names them.
		subtitle:
			'=Events: {{$parameter["events"].includes("*") ? "all" : $parameter["events"].length}}',
		// n8n's node panel shows the action node and this trigger as one entry described by this
		// text (n8n-editor-ui 2.41.1, generateMergedNodesAndActions), so it names sending too.
		description:
			'Send SMS with MessageMedia (Sinch Engage) and start workflows on replies, opt-outs and delivery reports',
		// The Docs link of the node's details view. n8n-editor-ui 2.41.1 opens this as written; from the codex's
		// primaryDocumentation (the same page) it appends "?utm_…" after the "#section", which then
		// no longer names a section.
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-messagemedia#the-trigger',
		defaults: { name: 'MessageMedia Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'messageMediaMessagingApi', required: true }],
		webhooks: [triggerWebhook],
		properties: [
			{
				displayName:
					'Listening for a test event registers a temporary /webhook-test/ URL at MessageMedia, publishing the workflow a permanent /webhook/ URL. Listening while the workflow is published runs each event twice, so unpublish it first.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'All Events', value: ALL_EVENTS, action: 'On any event' },
					...MESSAGE_EVENTS,
				],
				required: true,
				default: ['RECEIVED_SMS', 'RECEIVED_MMS', 'OPT_OUT_SMS'],
				description: 'The events that start the workflow',
			},
			...intentKeywordFields(),
			{
				displayName: 'Verify Signature',
				name: 'verifySignature',
				type: 'boolean',
				default: false,
				description:
					"Whether to check MessageMedia's RSA signature on every request. Needs Enterprise Webhooks on the account and an enabled signature key.",
			},
			{
				displayName: 'Public Key',
				name: 'publicKey',
				type: 'string',
				typeOptions: { rows: 4 },
				required: true,
				default: '',
				placeholder: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...',
				description:
					'The public_key MessageMedia returned when the signature key was created, as base64 or PEM',
				displayOptions: { show: { verifySignature: [true] } },
			},
			{
				displayName: 'Key ID',
				name: 'signatureKeyId',
				type: 'string',
				default: '',
				placeholder: '7ca628a8-08b0-4e42-aeb8-960b37049c31',
				description:
					'The key_id of the signature key. Requests signed with another key are rejected. Leave empty to accept any key that verifies.',
				displayOptions: { show: { verifySignature: [true] } },
			},
			{
				displayName: 'Max Age (Seconds)',
				name: 'signatureMaxAge',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 300,
				description:
					'Rejects a request whose signed Date is further than this from now, so a captured request cannot be replayed later. 0 turns the check off.',
				displayOptions: { show: { verifySignature: [true] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					acknowledgeOption,
					{
						displayName: 'Attachments as Binary',
						name: 'attachmentsAsBinary',
						type: 'boolean',
						default: true,
						description:
							'Whether to output MMS attachments as binary data (attachment_0, attachment_1, …) instead of base64 text',
					},
					{
						displayName: 'Deduplication Window (Hours)',
						name: 'dedupWindowHours',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 24,
						description:
							'An event MessageMedia delivers again within this time starts no second execution. 0 turns de-duplication off.',
					},
					{
						displayName: 'Delivery Retries',
						name: 'retries',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 5 },
						default: DEFAULT_RETRIES,
						description:
							'How often MessageMedia tries again when n8n does not answer with a success, e.g. during a restart',
					},
					{
						displayName: 'Only Events With Metadata Key',
						name: 'requireMetadataKey',
						type: 'string',
						default: '',
						placeholder: 'appointmentId',
						description:
							'Only start for events whose message metadata has this key, e.g. replies to messages this workflow sent',
					},
					{
						displayName: 'Only From Numbers',
						name: 'onlyFromNumbers',
						type: 'string',
						default: '',
						placeholder: '+61491570156, +61491570157',
						description:
							'Comma-separated customer numbers in international format. Only their replies, opt-outs and delivery reports start the workflow.',
					},
					{
						displayName: 'Retry Delay (Seconds)',
						name: 'retryDelay',
						type: 'number',
						typeOptions: { minValue: 5, maxValue: 60 },
						default: DEFAULT_RETRY_DELAY_SECONDS,
						description: 'How long MessageMedia waits between delivery retries',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleInboundRequest.call(this);
	}
}
