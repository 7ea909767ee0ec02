import type {
	IDataObject,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { dedupStoreFor } from '../../inbound/dedupStore';
import { FINAL_FAILURES } from '../../inbound/deliveryStatus';
import {
	flatMetadata,
	normaliseEvent,
	parseEventBody,
	PayloadError,
} from '../../inbound/normaliseEvent';
import { secretsMatch } from '../../inbound/verifyRequest';
import { rawBodyOf } from '../../n8nInternals';
import { parseIntentKeywords } from '../../intent/replyIntentLists';
import { repliedFromTextedNumber, reviewVerdict } from './humanReview';
import { answeredPage, closedPage, questionPage, type LinkButton } from './confirmByLinkPage';
import {
	CALLBACK_TOKEN_PARAM,
	callbackToken,
	LINK_TOKEN_PARAM,
	linkToken,
	WAIT_ID_PARAM,
	waitingItem,
} from './waitIdentity';

/** How a wait ended; `skipped` when Send Once found the message already sent, so none began. */
export type WaitOutcome = 'reply' | 'link' | 'undelivered' | 'timeout' | 'skipped';

/**
 * The resume webhooks of Send and Wait for Reply, declared as n8n-nodes-base declares its own
 * send-and-wait webhooks (a GET and a POST on the node's resume URL). MessageMedia posts replies
 * and delivery reports to the message's callback_url; the customer's browser GETs the
 * confirmation page and POSTs its button. Nothing is registered at MessageMedia, so there is
 * nothing to clean up when the workflow stops.
 */
export const sendAndWaitWebhooks: IWebhookDescription[] = ['GET', 'POST'].map((httpMethod) => ({
	name: 'default',
	httpMethod,
	responseMode: 'onReceived',
	responseData: '',
	path: '={{ $nodeId }}',
	restartWebhook: true,
	isFullPath: true,
}));

// One resume per wait even when MessageMedia retries a reply before n8n marks the execution running.
const RESUME_WINDOW_MS = 24 * 3_600_000;

// Link previews and crawlers fetch (and a few post to) whatever link a message holds.
const PREVIEW_AGENTS =
	/bot\b|bot\/|crawl|spider|preview|facebookexternalhit|facebookcatalog|whatsapp|slack|telegram|discord|skypeuri|linkedin|embedly|pinterest|vkshare|quora link|outbrain|bitlybot|google-read-aloud/i;

interface WaitRequest {
	executionId: string;
	nodeId: string;
	apiSecret: string;
	query: IDataObject;
	/** The wait the URL names; none on the URL of a wait made before waits had ids. */
	waitId?: string;
	/** What the execution holds about the wait it is in. */
	waiting: IDataObject;
}

function executionIdFromUrl(url: string, nodeId: string): string | undefined {
	const segments = url.split('?')[0].split('/').filter(Boolean);
	const index = segments.lastIndexOf(nodeId);
	return index > 0 ? decodeURIComponent(segments[index - 1]) : undefined;
}

function replyJson(
	this: IWebhookFunctions,
	status: number,
	body: IDataObject,
): IWebhookResponseData {
	this.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

function replyHtml(this: IWebhookFunctions, status: number, html: string): IWebhookResponseData {
	const res = this.getResponseObject();
	res.status(status);
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	// The page must not be cached: a back button would show buttons for a closed question.
	res.setHeader('Cache-Control', 'no-store');
	res.send(html);
	return { noWebhookResponse: true };
}

/** Whether the URL names the wait the execution is in now, and not an earlier one. */
function isCurrentWait(wait: WaitRequest): boolean {
	const current = typeof wait.waiting.waitId === 'string' ? wait.waiting.waitId : undefined;
	return current === wait.waitId;
}

/** Resumes the wait once; a second copy of the same answer, or a second answer, changes nothing. */
function claimResume(this: IWebhookFunctions, wait: WaitRequest): boolean {
	const resumed = dedupStoreFor(this.getWorkflow().id ?? '', wait.nodeId, 'send-and-wait');
	return resumed.claim(`${wait.executionId}:${wait.waitId ?? ''}`, RESUME_WINDOW_MS);
}

function resume(json: IDataObject): IWebhookResponseData {
	const item: INodeExecutionData = { json, pairedItem: { item: 0 } };
	return { workflowData: [[item]] };
}

/**
 * A callback from MessageMedia: a reply resumes the wait, a final delivery failure resumes it when
 * Resume on Undelivered is on, anything else is acknowledged so MessageMedia stops retrying. A
 * callback for an earlier wait of the same node is acknowledged and resumes nothing.
 */
function answerCallback(this: IWebhookFunctions, wait: WaitRequest): IWebhookResponseData {
	const expected = callbackToken(wait.apiSecret, wait.executionId, wait.nodeId, wait.waitId);
	if (!secretsMatch(String(wait.query[CALLBACK_TOKEN_PARAM] ?? ''), expected)) {
		return replyJson.call(this, 401, { error: 'Unauthorized' });
	}
	const { event } = normaliseEvent(parseEventBody(rawBodyOf(this.getRequestObject()).toString()), {
		keywords: parseIntentKeywords(this.getNodeParameter('keywords', {}) as IDataObject),
	});
	const resumeOnUndelivered = this.getNodeParameter('resumeOnUndelivered', true) as boolean;
	let outcome: WaitOutcome | undefined;
	if (event.event === 'reply' || event.event === 'opt_out') outcome = 'reply';
	else if (resumeOnUndelivered && FINAL_FAILURES.includes(event.status)) outcome = 'undelivered';
	if (!outcome) return replyJson.call(this, 200, { status: 'waiting', event: event.eventName });
	if (outcome === 'reply' && !repliedFromTextedNumber(wait.query, wait.apiSecret, event.from)) {
		return replyJson.call(this, 200, { status: 'ignored', reason: 'not the number texted' });
	}
	if (!isCurrentWait(wait)) {
		return replyJson.call(this, 200, { status: 'not waiting for this message' });
	}
	if (!claimResume.call(this, wait)) {
		return replyJson.call(this, 200, { status: 'already resumed' });
	}
	// One field to branch on with a single Switch: the reply's intent, or the outcome.
	const decision = outcome === 'reply' ? (event.intent ?? 'other') : outcome;
	return resume({
		outcome,
		decision,
		...event,
		...reviewVerdict(this.getNode(), decision, event.text),
	});
}

/** The buttons as the node's fields set them; labels are fixed text, read here as on sending. */
export function linkButtons(this: { getNodeParameter: IWebhookFunctions['getNodeParameter'] }) {
	const buttons: LinkButton[] = [
		{ decision: 'confirm', label: String(this.getNodeParameter('confirmLabel', 'Confirm')) },
		{ decision: 'cancel', label: String(this.getNodeParameter('cancelLabel', 'Cancel')) },
	];
	const third = String(this.getNodeParameter('thirdButtonLabel', '')).trim();
	if (third) buttons.push({ decision: thirdDecision(third), label: third });
	return buttons;
}

/** The decision a user-defined button records: its label in lower case, e.g. `reschedule`. */
export function thirdDecision(label: string): string {
	return (
		label
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '_')
			.replace(/^_|_$/g, '') || 'other'
	);
}

/**
 * The customer's confirmation page. Opening it (a GET, a link preview, a crawler) decides
 * nothing; only a button's POST from a browser does, once.
 */
function answerByLink(this: IWebhookFunctions, wait: WaitRequest): IWebhookResponseData {
	const expected = wait.waitId
		? linkToken(wait.apiSecret, wait.executionId, wait.nodeId, wait.waitId)
		: '';
	if (!expected || !secretsMatch(String(wait.query[LINK_TOKEN_PARAM] ?? ''), expected)) {
		return replyHtml.call(this, 401, closedPage());
	}
	if (!isCurrentWait(wait)) return replyHtml.call(this, 200, closedPage());
	const buttons = linkButtons.call(this);
	const question = String(wait.waiting.content ?? '');
	const request = this.getRequestObject();
	const agent = String(request.headers['user-agent'] ?? '');
	if (request.method !== 'POST' || PREVIEW_AGENTS.test(agent)) {
		return replyHtml.call(this, 200, questionPage(question, buttons));
	}
	const body = (this.getBodyData() ?? {}) as IDataObject;
	const button = buttons.find((b) => b.decision === body.decision);
	if (!button) return replyHtml.call(this, 400, questionPage(question, buttons));
	if (!claimResume.call(this, wait)) return replyHtml.call(this, 200, closedPage());
	replyHtml.call(this, 200, answeredPage(button.label));
	return {
		noWebhookResponse: true,
		...resume({
			outcome: 'link' as WaitOutcome,
			decision: button.decision,
			approved: button.decision === 'confirm',
			button: button.label,
			messageId: wait.waiting.messageId,
			to: wait.waiting.to,
			respondedAt: new Date().toISOString(),
			metadata: wait.waiting.metadata ?? {},
			...flatMetadata(wait.waiting.metadata),
		}),
	};
}

/** Routes a request on the resume URL: the customer's page, or MessageMedia's callback. */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = this.getNode();
	const request = this.getRequestObject();
	const query = (this.getQueryData() ?? {}) as IDataObject;
	try {
		const credentials = await this.getCredentials('messageMediaMessagingApi');
		const wait: WaitRequest = {
			executionId:
				executionIdFromUrl(request.originalUrl ?? request.url ?? '', node.id) ??
				this.getExecutionId(),
			nodeId: node.id,
			apiSecret: String(credentials.apiSecret),
			query,
			waitId: typeof query[WAIT_ID_PARAM] === 'string' ? query[WAIT_ID_PARAM] : undefined,
			waiting: waitingItem.call(this),
		};
		if (query[LINK_TOKEN_PARAM] !== undefined) return answerByLink.call(this, wait);
		if (request.method !== 'POST') return replyHtml.call(this, 200, closedPage());
		return answerCallback.call(this, wait);
	} catch (error) {
		if (error instanceof PayloadError) {
			return replyJson.call(this, 400, { error: `Not a MessageMedia callback: ${error.message}` });
		}
		// A NodeOperationError passes through unchanged; anything else keeps its message.
		throw new NodeOperationError(node, error as Error);
	}
}
