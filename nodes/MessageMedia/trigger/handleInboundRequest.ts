import type {
	IBinaryKeyData,
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { dedupStoreFor } from '../inbound/dedupStore';
import { normaliseEvent, parseEventBody, PayloadError } from '../inbound/normaliseEvent';
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

/**
 * Handles one delivery: authenticate, parse, normalise, drop retries and filtered events, emit.
 * Forged or unsigned requests get a 401 and malformed ones a 400, both without an execution; a
 * duplicate or filtered event gets n8n's 200 and no execution, so MessageMedia stops retrying.
 */
export async function handleInboundRequest(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const data = staticDataOf(this);
	const req = this.getRequestObject();
	const headers = req.headers as Record<string, string | string[] | undefined>;
	const rawBody = await exactRequestBody(this);

	const secret = verifySecretHeader(headers, VERIFICATION_HEADER, data.webhookSecret);
	if (!secret.ok) return reject.call(this, 401, `Unauthorized: ${secret.reason}`);

	const registeredUrl = data.webhookUrl ?? (this.getNodeWebhookUrl('default') as string);
	if (this.getNodeParameter('verifySignature', false) as boolean) {
		const signature = verifyRsaSignature({
			headers,
			rawBody,
			registeredUrl,
			publicKey: this.getNodeParameter('publicKey', '') as string,
			keyId: this.getNodeParameter('signatureKeyId', '') as string,
			maxAgeSeconds: Number(this.getNodeParameter('signatureMaxAge', 300)),
		});
		if (!signature.ok) return reject.call(this, 401, `Unauthorized: ${signature.reason}`);
	}

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const keywords = parseIntentKeywords(this.getNodeParameter('keywords', {}) as IDataObject);
	let normalised: ReturnType<typeof normaliseEvent>;
	try {
		normalised = normaliseEvent(parseEventBody(rawBody.toString('utf8')), { keywords });
	} catch (error) {
		if (error instanceof PayloadError) {
			return reject.call(this, 400, `Bad request: ${error.message}`);
		}
		// Not the request's fault: n8n answers 500, so MessageMedia delivers the event again.
		throw new NodeOperationError(this.getNode(), error as Error, {
			message: 'The MessageMedia event could not be read',
		});
	}
	const { event, attachments } = normalised;

	// Events the node no longer asks for (the selection changed since registration) are dropped.
	const events: string[] = expandEvents(this.getNodeParameter('events', []) as string[]);
	if (!events.includes(event.eventName)) return {};
	const numbers = numberList(options.onlyFromNumbers);
	if (numbers.length > 0 && !numbers.includes(toE164(event.phoneNumber) ?? event.phoneNumber)) {
		return {};
	}
	const metadataKey = String(options.requireMetadataKey ?? '').trim();
	if (metadataKey && !(metadataKey in event.metadata)) return {};

	const windowMs = Number(options.dedupWindowHours ?? 24) * HOUR_MS;
	const store =
		windowMs > 0
			? dedupStoreFor(String(this.getWorkflow().id), this.getNode().id, registeredUrl)
			: undefined;
	const dedupKey = `${event.eventName}:${event.id}`;
	if (store && !store.claim(dedupKey, windowMs)) return {};

	try {
		const item: INodeExecutionData = { json: event };
		if (attachments.length > 0 && options.attachmentsAsBinary !== false) {
			const binary: IBinaryKeyData = {};
			const described: IDataObject[] = [];
			for (const [i, a] of attachments.entries()) {
				const property = `attachment_${i}`;
				binary[property] = await this.helpers.prepareBinaryData(
					Buffer.from(a.content, 'base64'),
					a.fileName,
					a.contentType,
				);
				described.push({
					binaryProperty: property,
					contentType: a.contentType,
					fileName: a.fileName,
				});
			}
			item.binary = binary;
			event.attachments = described;
		} else if (attachments.length > 0) {
			event.attachments = attachments.map((a) => ({ ...a }));
		}
		return { workflowData: [[item]] };
	} catch (error) {
		// Let MessageMedia's retry through: this copy never reached the workflow.
		store?.release(dedupKey);
		throw new NodeOperationError(this.getNode(), error as Error, {
			message: 'The MMS attachments could not be stored as binary data',
			description: 'MessageMedia delivers the event again if the webhook has delivery retries.',
		});
	}
}
