import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION, WAIT_INDEFINITELY } from 'n8n-workflow';

import { applyCostAndTiming } from '../../shared/costAndTiming';
import { intentKeywordFields, messageFields } from '../../shared/descriptions';
import { atItem } from '../../shared/itemError';
import { itemParameterReader } from '../../shared/itemParameterReader';
import { buildMessage, type OutboundMessage } from '../../shared/message';
import type { OperationDefinition } from '../../shared/types';
import { keyOutcome, readSendOnce, SendOnceRun } from '../../shared/sendOnce';
import { postMessages } from './postMessages';
import type { WaitOutcome } from './sendAndWaitWebhook';
import {
	reviewParameterReader,
	reviewVerdict,
	textedNumberParam,
	withHumanReview,
} from './humanReview';
import { waitUrls, type WaitUrls } from './waitIdentity';
import { isHumanReview, outputWhenWaitRunsOut, REVIEW_RESPONSE_TYPE } from '../../n8nInternals';

const show = { resource: ['message'], operation: [SEND_AND_WAIT_OPERATION] };

const showForLink = { show: { ...show, answerWith: ['link'] } };

const linkButtonFields: INodeProperties[] = [
	{
		displayName: 'Confirm Button Label',
		name: 'confirmLabel',
		type: 'string',
		noDataExpression: true,
		default: 'Confirm',
		description: 'Its decision is <code>confirm</code>',
		displayOptions: showForLink,
	},
	{
		displayName: 'Cancel Button Label',
		name: 'cancelLabel',
		type: 'string',
		noDataExpression: true,
		default: 'Cancel',
		description: 'Its decision is <code>cancel</code>',
		displayOptions: showForLink,
	},
	{
		displayName: 'Third Button Label',
		name: 'thirdButtonLabel',
		type: 'string',
		noDataExpression: true,
		default: '',
		placeholder: 'e.g. Reschedule',
		description:
			'An optional third button. Its decision is the label in lower case, e.g. <code>reschedule</code>.',
		displayOptions: showForLink,
	},
];

export const description: INodeProperties[] = [
	{
		displayName:
			'Sends one message and pauses until the customer answers, the message fails or the time runs out. Branch on <code>decision</code> with one Switch node.',
		name: 'sendAndWaitNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	...messageFields(show, { forWait: true }),
	{
		displayName: 'Response Type',
		name: 'answerWith',
		type: 'options',
		default: 'reply',
		options: [
			{
				name: 'Reply',
				value: 'reply',
				description: 'The customer answers by SMS',
			},
			{
				name: 'Link',
				value: 'link',
				description:
					'The message ends with a link to a page with buttons; an SMS reply still counts',
			},
		],
		description:
			'How the customer answers. A link adds its length to the message, and works where the sender cannot receive replies.',
		// The AI Agent's Human review answers by SMS only.
		displayOptions: { show, hide: { responseType: [REVIEW_RESPONSE_TYPE] } },
	},
	...linkButtonFields,
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		type: 'boolean',
		default: true,
		description: 'Whether to stop waiting after a while and continue with outcome "timeout"',
		displayOptions: { show },
	},
	{
		displayName: 'Limit Type',
		name: 'limitType',
		type: 'options',
		default: 'afterTimeInterval',
		options: [
			{ name: 'After Time Interval', value: 'afterTimeInterval' },
			{ name: 'At Specified Time', value: 'atSpecifiedTime' },
		],
		displayOptions: { show: { ...show, limitWaitTime: [true] } },
	},
	{
		displayName: 'Amount',
		name: 'resumeAmount',
		type: 'number',
		default: 24,
		typeOptions: { minValue: 0 },
		description: 'How long to wait for the reply',
		displayOptions: { show: { ...show, limitWaitTime: [true], limitType: ['afterTimeInterval'] } },
	},
	{
		displayName: 'Unit',
		name: 'resumeUnit',
		type: 'options',
		default: 'hours',
		options: [
			{ name: 'Days', value: 'days' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Seconds', value: 'seconds' },
		],
		displayOptions: { show: { ...show, limitWaitTime: [true], limitType: ['afterTimeInterval'] } },
	},
	{
		displayName: 'Max Date and Time',
		name: 'maxDateAndTime',
		type: 'dateTime',
		default: '',
		description: 'Continue with outcome "timeout" at this time if no reply arrived',
		displayOptions: { show: { ...show, limitWaitTime: [true], limitType: ['atSpecifiedTime'] } },
	},
	{
		displayName: 'Resume on Undelivered',
		name: 'resumeOnUndelivered',
		type: 'boolean',
		default: true,
		description:
			'Whether to continue at once with outcome "undelivered" when the message cannot be delivered, instead of waiting for a reply that cannot come',
		displayOptions: { show },
	},
	...intentKeywordFields(show),
];

const UNIT_MS: Record<string, number> = {
	seconds: 1000,
	minutes: 60_000,
	hours: 3_600_000,
	days: 86_400_000,
};

function waitUntil(this: IExecuteFunctions, now: number): Date {
	if (!this.getNodeParameter('limitWaitTime', 0, true)) return WAIT_INDEFINITELY;
	const type = this.getNodeParameter('limitType', 0, 'afterTimeInterval') as string;
	if (type === 'atSpecifiedTime') {
		const raw = this.getNodeParameter('maxDateAndTime', 0, '') as string;
		const at = new Date(raw);
		if (!raw || Number.isNaN(at.getTime())) {
			throw new NodeOperationError(
				this.getNode(),
				`"Max Date and Time" is not a valid date: "${raw}"`,
			);
		}
		return at;
	}
	const amount = Number(this.getNodeParameter('resumeAmount', 0, 24));
	const unit = this.getNodeParameter('resumeUnit', 0, 'hours') as string;
	if (!Number.isFinite(amount) || amount < 0) {
		throw new NodeOperationError(
			this.getNode(),
			`"Amount" must be a positive number, got ${amount}`,
		);
	}
	return new Date(now + amount * (UNIT_MS[unit] ?? UNIT_MS.hours));
}

function requireOneItem(this: IExecuteFunctions, items: INodeExecutionData[]): void {
	if (items.length === 1) return;
	throw new NodeOperationError(
		this.getNode(),
		`Send and Wait for Reply handles one message per execution, but received ${items.length} items`,
		{
			description:
				'MessageMedia calls back once per message while an execution can resume only once. Split the items so each runs its own execution (for example with a sub-workflow), or for bulk campaigns use Send together with the MessageMedia Trigger.',
		},
	);
}

/** The message as it will go out, the question it asks, and how the answer finds this wait. */
interface PreparedWait {
	message: OutboundMessage;
	question: string;
	wait: WaitUrls;
	options: IDataObject;
	/** When the message goes out: now, or later when a send window delays it. */
	goesOut: number;
}

/**
 * Builds the message with the wait's callback (and link, when the customer answers by link),
 * then applies segments and the send window, so the link counts against Maximum Segments.
 */
async function prepareWait(this: IExecuteFunctions, now: number): Promise<PreparedWait> {
	const node = this.getNode();
	const read = reviewParameterReader(this, node, itemParameterReader(this, node));
	const message = buildMessage.call(this, 0, now, node, read);
	const question = message.content;
	const credentials = await this.getCredentials('messageMediaMessagingApi');
	const apiSecret = String(credentials.apiSecret);
	const wait = waitUrls.call(
		this,
		apiSecret,
		textedNumberParam(apiSecret, message.destination_number),
	);
	message.callback_url = wait.callbackUrl;
	if (!isHumanReview(node) && this.getNodeParameter('answerWith', 0, 'reply') === 'link') {
		message.content = `${message.content}\n${wait.linkUrl}`;
	}
	if (this.getNodeParameter('resumeOnUndelivered', 0, true)) message.delivery_report = true;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	applyCostAndTiming(this, node, 0, message, options, now);
	const goesOut = typeof message.scheduled === 'string' ? Date.parse(message.scheduled) : now;
	return { message, question, wait, options, goesOut };
}

/** When the wait ends; it counts from when the message goes out, and must end after that. */
function waitLimit(this: IExecuteFunctions, goesOut: number): Date {
	const waitTill = waitUntil.call(this, goesOut);
	if (waitTill === WAIT_INDEFINITELY || waitTill.getTime() > goesOut) return waitTill;
	throw new NodeOperationError(
		this.getNode(),
		atItem(
			`"Max Date and Time" (${waitTill.toISOString()}) is not after the message goes out (${new Date(goesOut).toISOString()})`,
			0,
		),
		{
			itemIndex: 0,
			description: 'Nothing was sent. The wait would end before the customer could reply.',
		},
	);
}

/**
 * Sends the message once, under Send Once when it is on. Answers the item to output at once when
 * Send Once skipped the message (there is no reply to wait for), else what MessageMedia accepted.
 */
async function sendOnceOrSkip(
	this: IExecuteFunctions,
	{ message, options }: PreparedWait,
	now: number,
): Promise<{ skippedItem: INodeExecutionData } | { accepted: IDataObject }> {
	const sendOnce = readSendOnce(this, options, 0);
	const once = sendOnce ? await SendOnceRun.claim(this, [sendOnce], now) : undefined;
	const skipped = once?.skipped.get(0);
	if (once && skipped) {
		// Settling still clears what the check recorded after the key's send, so the key is
		// remembered from its send.
		await once.settle(() => 'notSent');
		const json = { outcome: 'skipped', decision: 'skipped', to: message.destination_number };
		const verdict = reviewVerdict(this.getNode(), 'skipped');
		return { skippedItem: { json: { ...json, ...skipped, ...verdict }, pairedItem: { item: 0 } } };
	}
	const { outcomes, stoppedBy } = await postMessages.call(this, [{ itemIndex: 0, message }], {
		stopOnFailure: true,
	});
	await once?.settle(() => keyOutcome(outcomes[0]));
	if (stoppedBy) throw stoppedBy;
	const sent = outcomes[0];
	return { accepted: sent.status === 'accepted' ? sent.accepted : {} };
}

/** What the node outputs when nobody answers in time; the resume webhook replaces it on an answer. */
function timeoutItem(
	this: IExecuteFunctions,
	{ message, question, wait }: PreparedWait,
	accepted: IDataObject,
	waitTill: Date,
): INodeExecutionData {
	return {
		json: {
			outcome: 'timeout' as WaitOutcome,
			decision: 'timeout',
			messageId: accepted.message_id,
			to: message.destination_number,
			content: question,
			metadata: message.metadata ?? {},
			waitedUntil: waitTill === WAIT_INDEFINITELY ? null : waitTill.toISOString(),
			// Which wait this is: the resume webhook answers only callbacks that name it.
			waitId: wait.waitId,
			...reviewVerdict(this.getNode(), 'timeout'),
		},
		pairedItem: { item: 0 },
	};
}

async function run(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	requireOneItem.call(this, items);
	const now = Date.now();
	const prepared = await prepareWait.call(this, now);
	const waitTill = waitLimit.call(this, prepared.goesOut);
	const sent = await sendOnceOrSkip.call(this, prepared, now);
	if ('skippedItem' in sent) return [sent.skippedItem];
	const item = timeoutItem.call(this, prepared, sent.accepted, waitTill);
	outputWhenWaitRunsOut(this, item);
	await this.putExecutionToWait(waitTill);
	return [item];
}

export const sendMessageAndWait: OperationDefinition = {
	description: withHumanReview(description, show),
	run,
};
