import { randomUUID } from 'crypto';
import { bad, compile, NOT_FOUND, type Ctx, type Result, type Route } from '../routing';
import type { AccountState, Json, Webhook } from '../store';
import { isPlainObject, validateWebhook } from '../validate';

const CONFLICT: Result = {
	status: 409,
	body: { message: 'A webhook with the given url and method already exists.' },
};

/** The Webhooks Management API; deliveries themselves are the Dispatcher's (webhooks.ts). */
export function webhookRoutes(): Route[] {
	return [
		compile('POST', '/v1/webhooks/messages', (c) => createWebhook(c)),
		compile('GET', '/v1/webhooks/messages', (c) => listWebhooks(c)),
		compile('GET', '/v1/webhooks/messages/:id', (c) => {
			const wh = c.account.webhooks.get(c.params.id);
			return wh ? { status: 200, body: webhookView(wh) } : NOT_FOUND;
		}),
		compile('PATCH', '/v1/webhooks/messages/:id', (c) => updateWebhook(c)),
		compile('DELETE', '/v1/webhooks/messages/:id', (c) =>
			c.account.webhooks.delete(c.params.id) ? { status: 204 } : NOT_FOUND,
		),
	];
}

/** A webhook as the API shows it: optional fields only when set. */
export function webhookView(wh: Webhook): Webhook {
	return {
		id: wh.id,
		url: wh.url,
		method: wh.method,
		encoding: wh.encoding,
		events: wh.events,
		headers: wh.headers,
		...(wh.template !== undefined ? { template: wh.template } : {}),
		retries: wh.retries,
		...(wh.read_timeout !== undefined ? { read_timeout: wh.read_timeout } : {}),
		...(wh.retry_delay !== undefined ? { retry_delay: wh.retry_delay } : {}),
	};
}

function duplicate(account: AccountState, url: string, method: string, except?: string): boolean {
	for (const wh of account.webhooks.values()) {
		if (wh.id !== except && wh.url === url && wh.method === method) return true;
	}
	return false;
}

function createWebhook(c: Ctx): Result {
	const problem = validateWebhook(c.body, 'create');
	if (problem) return bad(problem);
	const b = c.body as Json;
	if (duplicate(c.account, b.url as string, b.method as string)) return CONFLICT;
	const wh: Webhook = {
		id: randomUUID(),
		url: b.url as string,
		method: b.method as string,
		encoding: b.encoding as string,
		events: [...(b.events as string[])],
		headers: { ...((b.headers as Record<string, string>) ?? {}) },
		retries: (b.retries as number) ?? 0,
		...(typeof b.template === 'string' ? { template: b.template } : {}),
		...(typeof b.read_timeout === 'number' ? { read_timeout: b.read_timeout } : {}),
		...(typeof b.retry_delay === 'number' ? { retry_delay: b.retry_delay } : {}),
	};
	c.account.webhooks.set(wh.id, wh);
	return { status: 201, body: webhookView(wh) };
}

function updateWebhook(c: Ctx): Result {
	const wh = c.account.webhooks.get(c.params.id);
	if (!wh) return NOT_FOUND;
	const problem = validateWebhook(c.body, 'update');
	if (problem) return bad(problem);
	const b = c.body as Json;
	const url = (b.url as string) ?? wh.url;
	const method = (b.method as string) ?? wh.method;
	if (duplicate(c.account, url, method, wh.id)) return CONFLICT;
	wh.url = url;
	wh.method = method;
	if (typeof b.encoding === 'string') wh.encoding = b.encoding;
	if (Array.isArray(b.events)) wh.events = [...(b.events as string[])];
	if (isPlainObject(b.headers)) wh.headers = { ...(b.headers as Record<string, string>) };
	if (typeof b.template === 'string') wh.template = b.template;
	return { status: 200, body: webhookView(wh) };
}

function listWebhooks(c: Ctx): Result {
	const pageRaw = c.query.get('page') ?? '0';
	const sizeRaw = c.query.get('page_size') ?? c.query.get('pageSize') ?? '10';
	const page = Number(pageRaw);
	const size = Number(sizeRaw);
	if (!Number.isInteger(page) || page < 0) return bad('page must be a non-negative integer.');
	if (!Number.isInteger(size) || size < 1 || size > 100) {
		return bad('pageSize must be between 1 and 100.');
	}
	const all = [...c.account.webhooks.values()];
	return {
		status: 200,
		body: {
			page,
			pageSize: size,
			pageData: all.slice(page * size, page * size + size).map(webhookView),
		},
	};
}
