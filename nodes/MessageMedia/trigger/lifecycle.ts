import { randomBytes } from 'crypto';
import type { IDataObject, IHookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	messageMediaApiRequestAllItems,
	messageMediaApiFullResponse,
	pageNumberPaging,
} from '../transport/messageMediaApi';
import { headerOf } from '../inbound/verifyRequest';
import { expandEvents } from '../shared/events';
import { isCloudBaseUrl, resolveBaseUrl } from '../auth/regions';
import { DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_SECONDS } from './deliveryRetries';
import { VERIFICATION_HEADER, VERIFICATION_VALUE_PATTERN, WORKFLOW_HEADER } from './webhookHeaders';
import { WEBHOOK_TEMPLATE } from './webhookTemplate';

const WEBHOOKS_PATH = '/v1/webhooks/messages';

/** What the node keeps in its static data; small on purpose (n8n persists it with the workflow). */
export interface TriggerStaticData extends IDataObject {
	webhookId?: string;
	webhookUrl?: string;
	webhookSecret?: string;
}

/** The webhook as this node's parameters want it. */
export interface DesiredWebhook {
	url: string;
	events: string[];
	retries: number;
	retryDelay: number;
}

export function staticDataOf(ctx: { getWorkflowStaticData(type: string): IDataObject }) {
	return ctx.getWorkflowStaticData('node') as TriggerStaticData;
}

function forget(data: TriggerStaticData): void {
	delete data.webhookId;
	delete data.webhookUrl;
	delete data.webhookSecret;
}

function remember(data: TriggerStaticData, id: string, url: string, secret: string): void {
	data.webhookId = id;
	data.webhookUrl = url;
	data.webhookSecret = secret;
}

function sortedEvents(events: unknown): string[] {
	return Array.isArray(events) ? [...new Set(events.map(String))].sort() : [];
}

function sameEvents(a: unknown, b: unknown): boolean {
	return sortedEvents(a).join(',') === sortedEvents(b).join(',');
}

function headerValue(hook: IDataObject, name: string): string | undefined {
	return headerOf((hook.headers ?? {}) as IDataObject, name);
}

export function desiredWebhook(this: IHookFunctions): DesiredWebhook {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	return {
		url: this.getNodeWebhookUrl('default') as string,
		events: sortedEvents(expandEvents(this.getNodeParameter('events', []) as string[])),
		retries: Number(options.retries ?? DEFAULT_RETRIES),
		retryDelay: Number(options.retryDelay ?? DEFAULT_RETRY_DELAY_SECONDS),
	};
}

function retriesMatch(hook: IDataObject, desired: DesiredWebhook): boolean {
	if (Number(hook.retries ?? 0) !== desired.retries) return false;
	return desired.retries === 0 || Number(hook.retry_delay) === desired.retryDelay;
}

/** True when the remote webhook delivers what this node expects, signed with `secret`. */
function upToDate(hook: IDataObject, desired: DesiredWebhook, secret: string | undefined): boolean {
	return (
		hook.url === desired.url &&
		String(hook.method ?? 'POST').toUpperCase() === 'POST' &&
		sameEvents(hook.events, desired.events) &&
		// An older version of this node may have registered another template.
		(hook.template === undefined || hook.template === WEBHOOK_TEMPLATE) &&
		retriesMatch(hook, desired) &&
		secret !== undefined &&
		headerValue(hook, VERIFICATION_HEADER) === secret
	);
}

function isOurs(hook: IDataObject): boolean {
	return VERIFICATION_VALUE_PATTERN.test(headerValue(hook, VERIFICATION_HEADER) ?? '');
}

/** Every webhook on the account (or sub-account), page by page. */
export async function listWebhooks(this: IHookFunctions): Promise<IDataObject[]> {
	return await messageMediaApiRequestAllItems.call(
		this,
		{ path: WEBHOOKS_PATH, retry: 'safe' },
		pageNumberPaging('pageData'),
	);
}

function findByUrl(hooks: IDataObject[], url: string): IDataObject | undefined {
	return hooks.find((h) => h.url === url && String(h.method ?? '').toUpperCase() === 'POST');
}

const PRIVATE_HOST =
	/^(localhost|.*\.localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1?|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|host\.docker\.internal)$/;

export function isUnreachableUrl(url: string): boolean {
	try {
		return PRIVATE_HOST.test(new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, ''));
	} catch {
		return true;
	}
}

/**
 * Reports whether a webhook that matches this node exists at MessageMedia. Only reads: a
 * checkExists that deletes remote webhooks leaves orphans behind on every activation.
 * API and network errors are thrown, so a wrong key does not look like "no webhook".
 */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const data = staticDataOf(this);
	const desired = desiredWebhook.call(this);
	const hooks = await listWebhooks.call(this);

	if (data.webhookId) {
		const hook = hooks.find((h) => h.id === data.webhookId);
		if (!hook) {
			// Someone deleted it at MessageMedia; forgetting it lets create register a new one.
			forget(data);
			return false;
		}
		// A stored webhook for another URL (test vs production) or other events is not ours to
		// report; create handles the URL's own webhook through its 409 path.
		return data.webhookUrl === desired.url && upToDate(hook, desired, data.webhookSecret);
	}

	// No webhook id is stored (static data lost). Adopt the webhook registered for this URL if it
	// is one of ours and already does what the node asks; anything else is left for create.
	const hook = findByUrl(hooks, desired.url);
	if (!hook || !isOurs(hook)) return false;
	const secret = headerValue(hook, VERIFICATION_HEADER);
	if (!secret || !upToDate(hook, desired, secret)) return false;
	remember(data, String(hook.id), desired.url, secret);
	return true;
}

function webhookBody(this: IHookFunctions, desired: DesiredWebhook, secret: string): IDataObject {
	return {
		url: desired.url,
		method: 'POST',
		encoding: 'JSON',
		events: desired.events,
		headers: {
			[VERIFICATION_HEADER]: secret,
			[WORKFLOW_HEADER]: String(this.getWorkflow().id ?? ''),
		},
		template: WEBHOOK_TEMPLATE,
	};
}

function requireId(this: IHookFunctions, body: IDataObject): string {
	if (typeof body?.id !== 'string' || body.id === '') {
		throw new NodeApiError(this.getNode(), body as JsonObject, {
			message: 'MessageMedia did not return the id of the webhook it created',
			description: 'The response did not contain the expected data; try activating again.',
		});
	}
	return body.id;
}

async function deleteWebhook(this: IHookFunctions, id: string): Promise<void> {
	await messageMediaApiFullResponse.call(this, {
		method: 'DELETE',
		path: `${WEBHOOKS_PATH}/${encodeURIComponent(id)}`,
		acceptStatus: [404],
		retry: 'safe',
		subject: `webhook "${id}"`,
	});
}

function isTestUrl(url: string | undefined): boolean {
	return /\/webhook-test\//.test(url ?? '');
}

/** The webhook the parameters ask for; refused before any request if MessageMedia cannot use it. */
async function validatedWebhook(this: IHookFunctions): Promise<DesiredWebhook> {
	const desired = desiredWebhook.call(this);
	if (desired.events.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Choose at least one event to listen for');
	}
	const credentials = await this.getCredentials('messageMediaMessagingApi');
	if (isCloudBaseUrl(resolveBaseUrl(credentials)) && isUnreachableUrl(desired.url)) {
		throw new NodeOperationError(
			this.getNode(),
			`MessageMedia cannot reach the webhook URL ${desired.url}`,
			{
				description:
					'The URL points at this machine or a private network. Expose n8n on a public HTTPS address (for example with a tunnel such as ngrok or cloudflared) and set the WEBHOOK_URL environment variable to that address, then restart n8n and try again.',
			},
		);
	}
	return desired;
}

/**
 * The instance's public URL changed since the stored webhook was registered: that webhook now
 * points nowhere, so it is removed. A stored production webhook survives a test registration.
 */
async function retireMovedWebhook(
	this: IHookFunctions,
	data: TriggerStaticData,
	url: string,
): Promise<void> {
	if (
		data.webhookId &&
		data.webhookUrl &&
		data.webhookUrl !== url &&
		isTestUrl(data.webhookUrl) === isTestUrl(url)
	) {
		await deleteWebhook.call(this, data.webhookId);
	}
}

function createBody(body: IDataObject, desired: DesiredWebhook): IDataObject {
	const created: IDataObject = { ...body, retries: desired.retries };
	if (desired.retries > 0) created.retry_delay = desired.retryDelay;
	return created;
}

/**
 * A webhook for this URL exists already (409): registered before static data was lost, or by
 * hand. It is taken over instead of failing or adding a second one: updated in place, or
 * replaced when its retry settings (which PATCH cannot change) differ. Returns its id.
 */
async function takeOverWebhook(
	this: IHookFunctions,
	desired: DesiredWebhook,
	body: IDataObject,
	conflict: IDataObject,
): Promise<string> {
	const existing = findByUrl(await listWebhooks.call(this), desired.url);
	if (!existing) {
		throw new NodeApiError(this.getNode(), conflict as JsonObject, {
			message: 'MessageMedia reports a webhook for this URL already exists, but does not list it',
			description:
				'It may belong to another sub-account of the same key. Delete it in MessageMedia, or use the credential of the account that owns it.',
		});
	}
	const existingId = String(existing.id);
	if (retriesMatch(existing, desired)) {
		const patched = await messageMediaApiFullResponse.call(this, {
			method: 'PATCH',
			path: `${WEBHOOKS_PATH}/${encodeURIComponent(existingId)}`,
			body,
			retry: 'safe',
			subject: `webhook "${existingId}"`,
		});
		return typeof patched.body?.id === 'string' ? patched.body.id : existingId;
	}
	await deleteWebhook.call(this, existingId);
	const recreated = await messageMediaApiFullResponse.call(this, {
		method: 'POST',
		path: WEBHOOKS_PATH,
		body: createBody(body, desired),
		retry: 'safe',
	});
	return requireId.call(this, recreated.body);
}

/** Posts the webhook, or takes over the one MessageMedia has for the URL; returns its id. */
async function registerWebhook(
	this: IHookFunctions,
	desired: DesiredWebhook,
	secret: string,
): Promise<string> {
	const body = webhookBody.call(this, desired, secret);
	// A retried POST that had in fact succeeded comes back as 409, which the takeover handles.
	const response = await messageMediaApiFullResponse.call(this, {
		method: 'POST',
		path: WEBHOOKS_PATH,
		body: createBody(body, desired),
		acceptStatus: [409],
		retry: 'safe',
	});
	if (response.statusCode === 409) {
		return await takeOverWebhook.call(this, desired, body, response.body as IDataObject);
	}
	return requireId.call(this, response.body);
}

/**
 * Registers the webhook for this node's URL, with a fresh secret header and our template, and
 * stores what checkExists, webhook() and delete need. Never leaves two webhooks for one URL.
 */
export async function create(this: IHookFunctions): Promise<boolean> {
	const desired = await validatedWebhook.call(this);
	const data = staticDataOf(this);
	await retireMovedWebhook.call(this, data, desired.url);
	forget(data);

	const secret = randomBytes(32).toString('hex');
	const id = await registerWebhook.call(this, desired, secret);

	remember(data, id, desired.url, secret);
	return true;
}

/**
 * Removes this node's webhook. A 404 means it is gone already. On any other failure the ids stay
 * in static data, so the next activation finds and reuses the webhook instead of adding one.
 */
export async function remove(this: IHookFunctions): Promise<boolean> {
	const data = staticDataOf(this);
	let id = data.webhookId;
	try {
		if (!id) {
			// Static data was lost: find our webhook for this URL, so deactivating still cleans up.
			const url = this.getNodeWebhookUrl('default') as string;
			const hook = findByUrl(await listWebhooks.call(this), url);
			if (hook && isOurs(hook)) id = String(hook.id);
		}
		if (id) await deleteWebhook.call(this, id);
	} catch {
		return false;
	}
	// Clear the static data so it is clear that no webhook is registered anymore.
	forget(data);
	return true;
}
