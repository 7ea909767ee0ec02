import { createHmac } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION, WAIT_INDEFINITELY } from 'n8n-workflow';

import { applyCostAndTiming } from '../../shared/costAndTiming';
import { intentKeywordFields, messageFields } from '../../shared/descriptions';
import { parseIntentKeywords } from '../../intent/replyIntentLists';
import { atItem } from '../../shared/itemError';
import { itemParameterReader } from '../../shared/itemParameterReader';
import { buildMessage } from '../../shared/message';
import type { OperationDefinition } from '../../shared/types';
import { keyOutcome, readSendOnce, SendOnceRun } from '../../shared/sendOnce';
import { postMessages } from './postMessages';
import { dedupStoreFor } from '../../inbound/dedupStore';
import { FINAL_FAILURES } from '../../inbound/deliveryStatus';
import {
	normaliseEvent,
	parseEventBody,
	PayloadError,
	rawBodyOf,
} from '../../inbound/normaliseEvent';
import { secretsMatch } from '../../inbound/verifyRequest';
import {
	repliedFromTextedNumber,
	reviewParameterReader,
	reviewVerdict,
	textedNumberParam,
	withHumanReview,
} from './humanReview';

const show = { resource: ['message'], operation: [SEND_AND_WAIT_OPERATION] };

/** The query parameter on the callback URL that carries this execution's secret. */
export const CALLBACK_TOKEN_PARAM = 'mm_token';

export type WaitOutcome = 'reply' | 'undelivered' | 'timeout' | 'skipped';

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

/**
 * The secret that authorises callbacks for one execution. Derived rather than stored: the resume
 * webhook can recompute it from the execution id in the URL and the credential, and a leaked
 * URL reveals nothing about the API secret.
 */
export function callbackToken(apiSecret: string, executionId: string, nodeId: string): string {
	return createHmac('sha256', apiSecret)
		.update(`messagemedia-send-and-wait:${executionId}:${nodeId}`)
		.digest('hex')
		.slice(0, 40);
}

async function run(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (items.length !== 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Send and Wait for Reply handles one message per execution, but received ${items.length} items`,
			{
				description:
					'MessageMedia calls back once per message while an execution can resume only once. Split the items so each runs its own execution (for example with a sub-workflow), or for bulk campaigns use Send together with the MessageMedia Trigger.',
			},
		);
	}
	const now = Date.now();
	const node = this.getNode();
	const read = reviewParameterReader(this, node, itemParameterReader(this, node));
	const message = buildMessage.call(this, 0, now, node, read);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	applyCostAndTiming(this, this.getNode(), 0, message, options, now);
	// The time limit counts from when the message goes out, which a send window can delay.
	const goesOut = typeof message.scheduled === 'string' ? Date.parse(message.scheduled) : now;
	const waitTill = waitUntil.call(this, goesOut);
	if (waitTill !== WAIT_INDEFINITELY && waitTill.getTime() <= goesOut) {
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
	const credentials = await this.getCredentials('messageMediaMessagingApi');
	const token = callbackToken(String(credentials.apiSecret), this.getExecutionId(), node.id);
	message.callback_url = this.getSignedResumeUrl({
		[CALLBACK_TOKEN_PARAM]: token,
		...textedNumberParam(String(credentials.apiSecret), message.destination_number),
	});
	if (this.getNodeParameter('resumeOnUndelivered', 0, true)) message.delivery_report = true;

	const sendOnce = readSendOnce(this, options, 0);
	const once = sendOnce ? await SendOnceRun.claim(this, [sendOnce], now) : undefined;
	const skipped = once?.skipped.get(0);
	if (once && skipped) {
		// Nothing was sent, so there is no reply to wait for.
		this.addExecutionHints(...once.hints());
		const json = { outcome: 'skipped', decision: 'skipped', to: message.destination_number };
		return [{ json: { ...json, ...skipped }, pairedItem: { item: 0 } }];
	}
	const { outcomes, stoppedBy } = await postMessages.call(this, [{ itemIndex: 0, message }], {
		stopOnFailure: true,
	});
	await once?.settle(() => keyOutcome(outcomes[0]));
	if (stoppedBy) throw stoppedBy;
	const sent = outcomes[0];
	const accepted = sent.status === 'accepted' ? sent.accepted : {};

	const timeoutItem: INodeExecutionData = {
		json: {
			outcome: 'timeout' as WaitOutcome,
			decision: 'timeout',
			messageId: accepted.message_id,
			to: message.destination_number,
			metadata: message.metadata ?? {},
			waitedUntil: waitTill === WAIT_INDEFINITELY ? null : waitTill.toISOString(),
			...reviewVerdict(node, 'timeout'),
		},
		pairedItem: { item: 0 },
	};
	// When the time limit passes, n8n resumes by passing this node's stacked input through, so
	// the stacked input becomes the timeout result. It is replaced, not mutated: the previous
	// node's output shares those objects.
	this.getExecuteData().data = { main: [[timeoutItem]] };
	await this.putExecutionToWait(waitTill);
	return [timeoutItem];
}

export const sendMessageAndWait: OperationDefinition = {
	description: withHumanReview(description, show),
	run,
};

/**
 * The resume webhook of Send and Wait for Reply, declared as n8n-nodes-base declares its own
 * send-and-wait webhooks. MessageMedia posts the reply and the delivery reports to the message's
 * callback_url, this execution's resume URL, which n8n routes here while the execution waits.
 * Nothing is registered at MessageMedia, so there is nothing to clean up when the workflow stops.
 */
export const sendAndWaitWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

// One resume per execution even when MessageMedia retries a reply before n8n marks it running.
const RESUME_WINDOW_MS = 24 * 3_600_000;

function executionIdFromUrl(url: string, nodeId: string): string | undefined {
	const segments = url.split('?')[0].split('/').filter(Boolean);
	const index = segments.lastIndexOf(nodeId);
	return index > 0 ? decodeURIComponent(segments[index - 1]) : undefined;
}

function reply(this: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	this.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * Decides what a callback from MessageMedia does to the waiting execution: a reply resumes it,
 * a final delivery failure resumes it when Resume on Undelivered is on, anything else is
 * acknowledged so MessageMedia stops retrying, and the execution keeps waiting.
 */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = this.getNode();
	const request = this.getRequestObject();
	const query = (this.getQueryData() ?? {}) as IDataObject;
	const executionId =
		executionIdFromUrl(request.originalUrl ?? request.url ?? '', node.id) ?? this.getExecutionId();
	const credentials = await this.getCredentials('messageMediaMessagingApi');
	const expected = callbackToken(String(credentials.apiSecret), executionId, node.id);
	if (!secretsMatch(String(query[CALLBACK_TOKEN_PARAM] ?? ''), expected)) {
		return reply.call(this, 401, { error: 'Unauthorized' });
	}

	try {
		const { event } = normaliseEvent(parseEventBody(rawBodyOf(request).toString('utf8')), {
			keywords: parseIntentKeywords(this.getNodeParameter('keywords', {}) as IDataObject),
		});
		const resumeOnUndelivered = this.getNodeParameter('resumeOnUndelivered', true) as boolean;
		let outcome: WaitOutcome | undefined;
		if (event.event === 'reply' || event.event === 'opt_out') outcome = 'reply';
		else if (resumeOnUndelivered && FINAL_FAILURES.includes(event.status)) outcome = 'undelivered';
		if (!outcome) return reply.call(this, 200, { status: 'waiting', event: event.eventName });
		if (
			outcome === 'reply' &&
			!repliedFromTextedNumber(query, String(credentials.apiSecret), event.from)
		) {
			return reply.call(this, 200, { status: 'ignored', reason: 'not the number texted' });
		}

		const resumed = dedupStoreFor(this.getWorkflow().id ?? '', node.id, 'send-and-wait');
		if (!resumed.claim(executionId, RESUME_WINDOW_MS)) {
			return reply.call(this, 200, { status: 'already resumed' });
		}
		// One field to branch on with a single Switch: the reply's intent, or the outcome.
		const decision = outcome === 'reply' ? (event.intent ?? 'other') : outcome;
		const json = { outcome, decision, ...event, ...reviewVerdict(node, decision, event.text) };
		return { workflowData: [[{ json, pairedItem: { item: 0 } }]] };
	} catch (error) {
		if (error instanceof PayloadError) {
			return reply.call(this, 400, { error: `Not a MessageMedia callback: ${error.message}` });
		}
		// A NodeOperationError passes through unchanged; anything else keeps its message.
		throw new NodeOperationError(node, error as Error);
	}
}
