import { createHmac, randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

/** The query parameter on a callback URL that carries the wait it belongs to. */
export const WAIT_ID_PARAM = 'mm_wait';
/** The query parameter that authorises MessageMedia's callbacks for one wait. */
export const CALLBACK_TOKEN_PARAM = 'mm_token';
/** The query parameter that authorises the customer's confirmation page for one wait. */
export const LINK_TOKEN_PARAM = 'mm_link';

/**
 * A fresh identity for one wait. A node in a loop waits several times in one execution, on one
 * resume URL path (n8n builds it from the execution and node ids alone), so each wait needs its own.
 */
export function newWaitId(): string {
	return randomBytes(6).toString('hex');
}

/** A keyed hash of `parts` for one purpose, so a value made for one use never serves another. */
export function hmac(secret: string, purpose: string, parts: string[]): string {
	return createHmac('sha256', secret)
		.update([purpose, ...parts].join(':'))
		.digest('hex');
}

/**
 * The secret that authorises MessageMedia's callbacks for one wait. Derived rather than stored:
 * the resume webhook recomputes it from the URL and the credential, and a leaked URL reveals
 * nothing about the API secret. Without a wait id it is the token of the waits this node made
 * before waits had ids, so an execution parked by an earlier version still resumes.
 */
export function callbackToken(
	apiSecret: string,
	executionId: string,
	nodeId: string,
	waitId?: string,
): string {
	const parts = waitId === undefined ? [executionId, nodeId] : [executionId, nodeId, waitId];
	return hmac(apiSecret, 'messagemedia-send-and-wait', parts).slice(0, 40);
}

/**
 * The secret in the link the customer taps. It is not the callback token: whoever holds the
 * message can press a button on the page, but cannot post as MessageMedia. Short, because it is
 * part of the SMS.
 */
export function linkToken(
	apiSecret: string,
	executionId: string,
	nodeId: string,
	waitId: string,
): string {
	return hmac(apiSecret, 'messagemedia-confirm-link', [executionId, nodeId, waitId]).slice(0, 24);
}

export interface WaitUrls {
	waitId: string;
	/** Where MessageMedia posts replies and delivery reports for this wait. */
	callbackUrl: string;
	/** The page the customer opens to answer with a button. */
	linkUrl: string;
}

/**
 * The signed resume URLs of one wait. n8n 2.41.1 signs every query parameter given to
 * getSignedResumeUrl and refuses a send-and-wait URL whose signature does not match (n8n 1.123
 * does not check it, which is why each URL also carries a token the node checks itself).
 */
export function waitUrls(
	this: IExecuteFunctions,
	apiSecret: string,
	callbackParams: Record<string, string> = {},
): WaitUrls {
	const waitId = newWaitId();
	const executionId = this.getExecutionId();
	const nodeId = this.getNode().id;
	return {
		waitId,
		callbackUrl: this.getSignedResumeUrl({
			...callbackParams,
			[WAIT_ID_PARAM]: waitId,
			[CALLBACK_TOKEN_PARAM]: callbackToken(apiSecret, executionId, nodeId, waitId),
		}),
		linkUrl: this.getSignedResumeUrl({
			[WAIT_ID_PARAM]: waitId,
			[LINK_TOKEN_PARAM]: linkToken(apiSecret, executionId, nodeId, waitId),
		}),
	};
}

/**
 * What the waiting execution holds about the wait it is in: the item this node put on the
 * execution stack when it began to wait (its timeout result, which carries `waitId`).
 *
 * n8n (read in 2.41.1 and 1.123) builds the resume webhook's context around the waiting node's
 * stack entry, so `$json` there is that item. It is empty for an execution that no longer waits.
 */
export function waitingItem(this: IWebhookFunctions): IDataObject {
	const item = this.evaluateExpression('{{ $json }}', 0);
	return item && typeof item === 'object' && !Array.isArray(item) ? (item as IDataObject) : {};
}
