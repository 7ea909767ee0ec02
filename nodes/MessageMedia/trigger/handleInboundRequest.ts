import type {
	IBinaryKeyData,
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { dedupStoreFor } from '../inbound/dedupStore';
import {
	normaliseEvent,
	parseEventBody,
	PayloadError,
	type NormalisedEvent,
} from '../inbound/normaliseEvent';
import { verifyRsaSignature, verifySecretHeader } from '../inbound/verifyRequest';
import { expandEvents } from '../shared/events';
import { parseIntentKeywords } from '../intent/replyIntentLists';
import { exactRequestBody } from '../n8nInternals';
import { toE164 } from '../shared/phone';
import { staticDataOf } from './lifecycle';
import { VERIFICATION_HEADER } from './webhookHeaders';

const HOUR_MS = 3_600_000;

function reject(this: IWebhookFunctions, status: 400 | 401, message: string): IWebhookResponseData {
	this.getResponseObject().status(status).send(message);
	return { noWebhookResponse: true };
}

function numberList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((n) => n.trim())
		.filter(Boolean)
		.map((n) => toE164(n) ?? n);
}

interface InboundRequest {
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	/** The secret header value this webhook was registered with. */
	secret: string | undefined;
	registeredUrl: string;
}
/** The event and its MMS attachments, as the inbound parser reads them. */
type InboundEvent = ReturnType<typeof normaliseEvent>;

/** Why the request is not MessageMedia's (the secret header, then the signature if asked for). */
function authenticationFailure(
	this: IWebhookFunctions,
	{ headers, rawBody, secret, registeredUrl }: InboundRequest,
): string | undefined {
	const header = verifySecretHeader(headers, VERIFICATION_HEADER, secret);
	if (!header.ok) return header.reason;
	if (!(this.getNodeParameter('verifySignature', false) as boolean)) return undefined;
	const signature = verifyRsaSignature({
		headers,
		rawBody,
		registeredUrl,
		publicKey: this.getNodeParameter('publicKey', '') as string,
		keyId: this.getNodeParameter('signatureKeyId', '') as string,
		maxAgeSeconds: Number(this.getNodeParameter('signatureMaxAge', 300)),
	});
	return signature.ok ? undefined : signature.reason;
}

/** The event, or what is wrong with the request's body. */
function readEvent(this: IWebhookFunctions, rawBody: Buffer): InboundEvent | PayloadError {
	const keywords = parseIntentKeywords(this.getNodeParameter('keywords', {}) as IDataObject);
	try {
		return normaliseEvent(parseEventBody(rawBody.toString('utf8')), { keywords });
	} catch (error) {
		if (error instanceof PayloadError) return error;
		// Not the request's fault: n8n answers 500, so MessageMedia delivers the event again.
		throw new NodeOperationError(this.getNode(), error as Error, {
			message: 'The MessageMedia event could not be read',
		});
	}
}

/** Whether the node's filters let the event through. */
function isWanted(this: IWebhookFunctions, event: NormalisedEvent, options: IDataObject): boolean {
	// Events the node no longer asks for (the selection changed since registration) are dropped.
	const events: string[] = expandEvents(this.getNodeParameter('events', []) as string[]);
	if (!events.includes(event.eventName)) return false;
	const numbers = numberList(options.onlyFromNumbers);
	const from = event.phoneNumber;
	if (numbers.length > 0 && !numbers.includes(toE164(from) ?? from)) return false;
	const metadataKey = String(options.requireMetadataKey ?? '').trim();
	return !metadataKey || metadataKey in event.metadata;
}

/**
 * Claims the event in the de-duplication window: undefined for a copy already seen, otherwise a
 * function that gives the claim back. Called before any await, so two concurrent copies cannot
 * both win.
 */
function claimFirstDelivery(
	this: IWebhookFunctions,
	event: NormalisedEvent,
	options: IDataObject,
	registeredUrl: string,
): (() => void) | undefined {
	const windowMs = Number(options.dedupWindowHours ?? 24) * HOUR_MS;
	if (windowMs <= 0) return () => {};
	const store = dedupStoreFor(String(this.getWorkflow().id), this.getNode().id, registeredUrl);
	const key = `${event.eventName}:${event.id}`;
	return store.claim(key, windowMs) ? () => store.release(key) : undefined;
}

/** The workflow's item: the event, with MMS attachments as binary data unless turned off. */
async function buildItem(
	this: IWebhookFunctions,
	{ event, attachments }: InboundEvent,
	options: IDataObject,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: event };
	if (attachments.length === 0) return item;
	if (options.attachmentsAsBinary === false) {
		event.attachments = attachments.map((a) => ({ ...a }));
		return item;
	}
	const binary: IBinaryKeyData = {};
	const described: IDataObject[] = [];
	for (const [i, a] of attachments.entries()) {
		const property = `attachment_${i}`;
		binary[property] = await this.helpers.prepareBinaryData(
			Buffer.from(a.content, 'base64'),
			a.fileName,
			a.contentType,
		);
		described.push({ binaryProperty: property, contentType: a.contentType, fileName: a.fileName });
	}
	item.binary = binary;
	event.attachments = described;
	return item;
}

/**
 * Handles one delivery: authenticate, read the event, filter, de-duplicate, build the item.
 * Forged or unsigned requests get a 401 and malformed ones a 400, both without an execution; a
 * duplicate or filtered event gets n8n's 200 and no execution, so MessageMedia stops retrying.
 */
export async function handleInboundRequest(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const data = staticDataOf(this);
	const request: InboundRequest = {
		headers: this.getRequestObject().headers as InboundRequest['headers'],
		rawBody: await exactRequestBody(this),
		secret: data.webhookSecret,
		registeredUrl: data.webhookUrl ?? (this.getNodeWebhookUrl('default') as string),
	};
	const refused = authenticationFailure.call(this, request);
	if (refused) return reject.call(this, 401, `Unauthorized: ${refused}`);

	const read = readEvent.call(this, request.rawBody);
	if (read instanceof PayloadError) return reject.call(this, 400, `Bad request: ${read.message}`);

	const options = this.getNodeParameter('options', {}) as IDataObject;
	if (!isWanted.call(this, read.event, options)) return {};

	const release = claimFirstDelivery.call(this, read.event, options, request.registeredUrl);
	if (!release) return {};

	try {
		return { workflowData: [[await buildItem.call(this, read, options)]] };
	} catch (error) {
		// Let MessageMedia's retry through: this copy never reached the workflow.
		release();
		throw new NodeOperationError(this.getNode(), error as Error, {
			message: 'The MMS attachments could not be stored as binary data',
			description: 'MessageMedia delivers the event again if the webhook has delivery retries.',
		});
	}
}
