import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { QueryValues } from '../auth/signRequest';
import {
	apiError,
	networkErrorCode,
	outcomeUnknownError,
	parseProblem,
	type MessageMediaProblem,
} from './errors';
import {
	backoffDelay,
	DEFAULT_RETRY,
	parseRetryAfter,
	RETRYABLE_STATUS,
	type RetryMode,
	type RetrySettings,
} from './retry';

export type MessageMediaContext =
	IExecuteFunctions | IHookFunctions | IWebhookFunctions | ILoadOptionsFunctions;

export interface ApiRequest {
	method: IHttpRequestMethods;
	path: string;
	query?: QueryValues;
	body?: IDataObject;
	retry?: RetryMode;
	/** Statuses handed back to the caller, with MessageMedia's problem parsed, instead of thrown. */
	acceptStatus?: number[];
	/** Names what is acted on in a 404 message, e.g. `message "4d1f…"`. */
	subject?: string;
	itemIndex?: number;
	/** Added to the description of any error this request raises. */
	note?: string;
}

export interface ApiResponse<T = IDataObject> {
	statusCode: number;
	headers: IDataObject;
	body: T;
	/** For an accepted non-2xx status: what MessageMedia said, with per-message problems. */
	problem?: MessageMediaProblem;
}

const HMAC_QUERY_CAUSE =
	'This request was signed with HMAC and carries a query string. MessageMedia may sign the request line without the query; that is the likely cause if the same key works for requests without one. Check the API key and secret too: Basic and HMAC are different key pairs at MessageMedia.';

function describeNetworkCode(code: string | undefined, settings: RetrySettings): string {
	if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT') {
		return `No answer arrived within ${settings.policy.timeoutMs / 1000} s (${code}).`;
	}
	return `The connection broke (${code ?? 'network error'}).`;
}

function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body ?? {};
	if (body.trim() === '') return {};
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

function hasQuery(query: QueryValues | undefined): boolean {
	return Object.values(query ?? {}).some((v) => v !== undefined && v !== null && v !== '');
}

async function unauthorizedCause(
	this: MessageMediaContext,
	request: ApiRequest,
): Promise<string | undefined> {
	if (!hasQuery(request.query)) return undefined;
	const credentials = await this.getCredentials('messageMediaMessagingApi');
	return credentials.authType === 'hmac' ? HMAC_QUERY_CAUSE : undefined;
}

/** The transport's own errors are NodeApiErrors; anything else is wrapped so its item is kept. */
function asNodeError(this: MessageMediaContext, error: unknown, itemIndex?: number) {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(this.getNode(), error as JsonObject, { itemIndex });
}

/**
 * The one way this package talks to MessageMedia, answering with status, headers and body.
 * Base URL, sub-account header, encoding and Basic/HMAC signing come from the credential's
 * authenticate(); this adds bounded retries that honour Retry-After, the send-safety rules and
 * error mapping. Statuses in `acceptStatus` come back with MessageMedia's problem parsed.
 */
export async function messageMediaApiFullResponse(
	this: MessageMediaContext,
	request: ApiRequest,
	settings: RetrySettings = DEFAULT_RETRY,
): Promise<ApiResponse> {
	const { policy } = settings;
	const retry = request.retry ?? 'safe';
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.path,
		qs: request.query,
		body: request.body,
		headers: { Accept: 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: false,
		timeout: policy.timeoutMs,
	};

	let waited = 0;
	for (let attempt = 1; ; attempt++) {
		let response: IN8nHttpFullResponse | undefined;
		let failure: unknown;
		try {
			// Every context type carries the same helper; narrowing one avoids a union of overloads.
			const ctx = this as IExecuteFunctions;
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				'messageMediaMessagingApi',
				{ ...options, headers: { ...options.headers } },
			)) as IN8nHttpFullResponse;
		} catch (error) {
			failure = error;
		}

		if (response === undefined) {
			const code = networkErrorCode(failure);
			const retryable =
				code !== undefined && (retry === 'safe' || (retry === 'send' && code === 'ECONNREFUSED'));
			const delay = backoffDelay(settings, attempt);
			if (retryable && attempt < policy.maxAttempts && waited + delay <= policy.maxTotalWaitMs) {
				waited += delay;
				await settings.sleep(delay);
				continue;
			}
			if (retry === 'send' && code !== 'ECONNREFUSED') {
				throw outcomeUnknownError(
					this.getNode(),
					{ cause: code ?? 'network error' },
					{
						// The code stays out of the message: n8n would replace a message naming it.
						message:
							'The outcome is unknown: the connection to MessageMedia failed after the request was sent',
						description: [
							`${describeNetworkCode(code, settings)} The messages may or may not have been accepted. Check message status before resending, so that no customer gets the same text twice.`,
							request.note,
						]
							.filter(Boolean)
							.join(' '),
						itemIndex: request.itemIndex,
					},
				);
			}
			throw asNodeError.call(this, failure, request.itemIndex);
		}

		const statusCode = response.statusCode;
		const body = parseBody(response.body) as IDataObject;
		if (statusCode >= 200 && statusCode < 300) {
			return { statusCode, headers: response.headers ?? {}, body };
		}
		if (request.acceptStatus?.includes(statusCode)) {
			return { statusCode, headers: response.headers ?? {}, body, problem: parseProblem(body) };
		}

		const retryable =
			statusCode === 429 || (retry === 'safe' && RETRYABLE_STATUS.includes(statusCode));
		const attempts = statusCode === 429 ? policy.maxRateLimitedAttempts : policy.maxAttempts;
		if (retryable && retry !== 'none' && attempt < attempts) {
			const retryAfter =
				statusCode === 429 ? parseRetryAfter(response.headers?.['retry-after']) : undefined;
			const delay = retryAfter ?? backoffDelay(settings, attempt);
			if (waited + delay <= policy.maxTotalWaitMs) {
				waited += delay;
				await settings.sleep(delay);
				continue;
			}
		}

		if (retry === 'send' && statusCode >= 500) {
			throw outcomeUnknownError(
				this.getNode(),
				{ body: JSON.stringify(body) },
				{
					message: `The outcome is unknown: MessageMedia answered HTTP ${statusCode}`,
					description: [
						'A server error after a send does not say whether the messages were accepted. Check message status before resending, so that no customer gets the same text twice.',
						request.note,
					]
						.filter(Boolean)
						.join(' '),
					itemIndex: request.itemIndex,
					httpCode: String(statusCode),
				},
			);
		}
		throw apiError(this.getNode(), statusCode, body, {
			subject: request.subject,
			itemIndex: request.itemIndex,
			note: request.note,
			unauthorizedCause:
				statusCode === 401 ? await unauthorizedCause.call(this, request) : undefined,
		});
	}
}

/** The body of a successful answer; any other answer is thrown as a NodeApiError. */
export async function messageMediaApiRequest(
	this: MessageMediaContext,
	request: ApiRequest,
	settings: RetrySettings = DEFAULT_RETRY,
): Promise<IDataObject> {
	const response = await messageMediaApiFullResponse.call(this, request, settings);
	return response.body;
}

/**
 * One page-walking strategy per paging style MessageMedia uses: 0-based page numbers (webhooks),
 * an opaque token in `pagination.next_token` (sender addresses) and a `next_uri` carrying the
 * token (number authorisation).
 */
export interface PagingStrategy {
	/** Query for the first page. */
	first: QueryValues;
	items: (body: IDataObject) => IDataObject[];
	/** Query for the next page, or undefined when this page was the last. */
	next: (body: IDataObject, items: IDataObject[], query: QueryValues) => QueryValues | undefined;
}

export const pageNumberPaging = (itemsKey: string, pageSize = 100): PagingStrategy => ({
	first: { page: 0, page_size: pageSize, pageSize },
	items: (body) => (body[itemsKey] as IDataObject[]) ?? [],
	next: (_body, items, query) =>
		items.length < pageSize ? undefined : { ...query, page: Number(query.page) + 1 },
});

export const nextTokenPaging = (itemsKey: string, pageSize = 100): PagingStrategy => ({
	first: { page_size: pageSize },
	items: (body) => (body[itemsKey] as IDataObject[]) ?? [],
	next: (body, _items, query) => {
		const token = (body.pagination as IDataObject | undefined)?.next_token;
		return token ? { ...query, token: String(token) } : undefined;
	},
});

export const nextUriPaging = (itemsKey: string): PagingStrategy => ({
	first: {},
	items: (body) => (body[itemsKey] as IDataObject[]) ?? [],
	next: (body, _items, query) => {
		const nextUri = (body.pagination as IDataObject | undefined)?.next_uri;
		if (!nextUri) return undefined;
		const token = new URL(String(nextUri), 'http://next.invalid').searchParams.get('token');
		return token ? { ...query, token } : undefined;
	},
});

/** Walks pages until the API says there are no more, or `limit` items were collected. */
export async function messageMediaApiRequestAllItems(
	this: MessageMediaContext,
	request: Omit<ApiRequest, 'method'> & { method?: IHttpRequestMethods },
	paging: PagingStrategy,
	limit?: number,
	settings: RetrySettings = DEFAULT_RETRY,
): Promise<IDataObject[]> {
	const collected: IDataObject[] = [];
	type Query = NonNullable<ApiRequest['query']>;
	let query: Query | undefined = { ...paging.first, ...(request.query ?? {}) };
	while (query !== undefined) {
		const current: Query = query;
		const body = await messageMediaApiRequest.call(
			this,
			{ ...request, method: request.method ?? 'GET', query: current },
			settings,
		);
		const items = paging.items(body);
		collected.push(...items);
		if (limit !== undefined && collected.length >= limit) return collected.slice(0, limit);
		// A page that adds nothing must end the walk, or a misbehaving API would loop forever.
		if (items.length === 0) break;
		query = paging.next(body, items, current);
	}
	return collected;
}
