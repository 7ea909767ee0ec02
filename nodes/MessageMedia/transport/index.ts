import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { apiError, networkErrorCode } from './errors';

export type MessageMediaContext =
	IExecuteFunctions | IHookFunctions | IWebhookFunctions | ILoadOptionsFunctions;

/**
 * How a request may be retried.
 * - `safe`: reads, deletes and confirms; retried on 429, 5xx and network errors.
 * - `send`: not idempotent; retried only where MessageMedia cannot have accepted it (429, or the
 *   connection refused before a byte was sent). Anything else is an unknown outcome.
 * - `none`: never retried.
 */
export type RetryMode = 'safe' | 'send' | 'none';

export interface ApiRequest {
	method: IHttpRequestMethods;
	path: string;
	query?: Record<string, string | number | boolean | undefined>;
	body?: IDataObject;
	retry?: RetryMode;
	/** Statuses handed back to the caller instead of being thrown. */
	acceptStatus?: number[];
	/** Names what is acted on in a 404 message, e.g. `message "4d1f…"`. */
	subject?: string;
	itemIndex?: number;
}

export interface ApiResponse<T = IDataObject> {
	statusCode: number;
	headers: IDataObject;
	body: T;
	/** How many HTTP attempts the call took, retries included. */
	attempts: number;
}

export interface RetryPolicy {
	/** Attempts for 5xx and network errors. */
	maxAttempts: number;
	/**
	 * Attempts when MessageMedia answers 429. A 429 means the request was not accepted, so a retry
	 * is always safe; the wait budget bounds it. Measured: at a 20% 429 rate, five attempts failed
	 * about one 10,000-message run in 30.
	 */
	maxRateLimitedAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Upper bound on the time spent waiting between attempts of one call. */
	maxTotalWaitMs: number;
	timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	maxRateLimitedAttempts: 10,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxTotalWaitMs: 90_000,
	timeoutMs: 60_000,
};

let policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };

/** Test and benchmark seam: shorten waits and timeouts. Returns the previous policy. */
export function setRetryPolicy(next: Partial<RetryPolicy>): RetryPolicy {
	const previous = policy;
	policy = { ...policy, ...next };
	return previous;
}

/** Raised when a non-idempotent request may or may not have been accepted. */
export class OutcomeUnknownError extends NodeApiError {}

const RETRYABLE_STATUS = [500, 502, 503, 504];

export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(parseFloat(text) * 1000);
	const at = Date.parse(text);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function backoffDelay(attempt: number): number {
	const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
	// Full jitter keeps many executions that hit a 429 together from retrying in lockstep.
	return Math.min(
		policy.maxDelayMs,
		Math.round(exponential / 2 + (Math.random() * exponential) / 2),
	);
}

function describeNetworkCode(code: string | undefined): string {
	if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT') {
		return `No answer arrived within ${policy.timeoutMs / 1000} s (${code}).`;
	}
	return `The connection broke (${code ?? 'network error'}).`;
}

function buildPath(path: string, query?: ApiRequest['query']): string {
	if (!query) return path;
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		if (value !== undefined && value !== '') search.append(key, String(value));
	}
	const qs = search.toString();
	return qs ? `${path}?${qs}` : path;
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

/**
 * The one way this package talks to MessageMedia. Base URL, sub-account header and Basic/HMAC
 * signing come from the credential's authenticate(); this adds the exact-bytes body, bounded
 * retries with n8n's sleep that honour Retry-After, and error mapping.
 */
export async function messageMediaRequest(
	this: MessageMediaContext,
	request: ApiRequest,
): Promise<ApiResponse> {
	const retry = request.retry ?? 'safe';
	const options: IHttpRequestOptions = {
		method: request.method,
		url: buildPath(request.path, request.query),
		headers: { Accept: 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: false,
		timeout: policy.timeoutMs,
	};
	if (request.body !== undefined) {
		// Serialised once so that the HMAC MD5 covers exactly the bytes on the wire.
		options.body = JSON.stringify(request.body);
		options.headers!['Content-Type'] = 'application/json';
	}

	let waited = 0;
	for (let attempt = 1; ; attempt++) {
		let response: IN8nHttpFullResponse;
		try {
			// Every context type carries the same helper; narrowing one avoids a union of overloads.
			const ctx = this as IExecuteFunctions;
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				'messageMediaMessagingApi',
				{
					...options,
					headers: { ...options.headers },
				},
			)) as IN8nHttpFullResponse;
		} catch (error) {
			const code = networkErrorCode(error);
			const retryable =
				code !== undefined && (retry === 'safe' || (retry === 'send' && code === 'ECONNREFUSED'));
			const delay = backoffDelay(attempt);
			if (retryable && attempt < policy.maxAttempts && waited + delay <= policy.maxTotalWaitMs) {
				waited += delay;
				await sleep(delay);
				continue;
			}
			if (retry === 'send' && code !== 'ECONNREFUSED') {
				// A plain object, because NodeApiError hands back an existing NodeApiError unchanged.
				throw new OutcomeUnknownError(
					this.getNode(),
					{ cause: code ?? 'network error' },
					{
						// The code stays out of the message: n8n would replace a message naming it.
						message:
							'The outcome is unknown: the connection to MessageMedia failed after the request was sent',
						description: `${describeNetworkCode(code)} The messages may or may not have been accepted. Check message status before resending, so that no customer gets the same text twice.`,
						itemIndex: request.itemIndex,
					},
				);
			}
			if (error instanceof NodeApiError) throw error;
			throw new NodeApiError(this.getNode(), error as never, { itemIndex: request.itemIndex });
		}

		const statusCode = response.statusCode;
		const body = parseBody(response.body) as IDataObject;
		if ((statusCode >= 200 && statusCode < 300) || request.acceptStatus?.includes(statusCode)) {
			return { statusCode, headers: response.headers ?? {}, body, attempts: attempt };
		}

		const retryable =
			statusCode === 429 || (retry === 'safe' && RETRYABLE_STATUS.includes(statusCode));
		const attempts = statusCode === 429 ? policy.maxRateLimitedAttempts : policy.maxAttempts;
		if (retryable && retry !== 'none' && attempt < attempts) {
			const retryAfter =
				statusCode === 429 ? parseRetryAfter(response.headers?.['retry-after']) : undefined;
			const delay = retryAfter ?? backoffDelay(attempt);
			if (waited + delay <= policy.maxTotalWaitMs) {
				waited += delay;
				await sleep(delay);
				continue;
			}
		}

		if (retry === 'send' && statusCode >= 500) {
			const unknown = new OutcomeUnknownError(
				this.getNode(),
				{ body: JSON.stringify(body) },
				{
					message: `The outcome is unknown: MessageMedia answered HTTP ${statusCode}`,
					description:
						'A server error after a send does not say whether the messages were accepted. Check message status before resending, so that no customer gets the same text twice.',
					itemIndex: request.itemIndex,
				},
			);
			unknown.httpCode = String(statusCode);
			throw unknown;
		}
		throw apiError(this.getNode(), statusCode, body, {
			subject: request.subject,
			itemIndex: request.itemIndex,
		});
	}
}

export async function messageMediaApiRequest(
	this: MessageMediaContext,
	request: ApiRequest,
): Promise<IDataObject> {
	const response = await messageMediaRequest.call(this, request);
	return response.body;
}

/**
 * One page-walking strategy per paging style MessageMedia uses: 0-based page numbers (webhooks),
 * an opaque token in `pagination.next_token` (sender addresses) and a `next_uri` carrying the
 * token (number authorisation).
 */
export interface PagingStrategy {
	/** Query for the first page. */
	first: Record<string, string | number | boolean | undefined>;
	items: (body: IDataObject) => IDataObject[];
	/** Query for the next page, or undefined when this page was the last. */
	next: (
		body: IDataObject,
		items: IDataObject[],
		query: Record<string, string | number | boolean | undefined>,
	) => Record<string, string | number | boolean | undefined> | undefined;
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
	items: (body) => ((body[itemsKey] as IDataObject[]) ?? []).map((item) => item),
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
): Promise<IDataObject[]> {
	const collected: IDataObject[] = [];
	type Query = NonNullable<ApiRequest['query']>;
	let query: Query | undefined = { ...paging.first, ...(request.query ?? {}) };
	while (query !== undefined) {
		const current: Query = query;
		const body = await messageMediaApiRequest.call(this, {
			...request,
			method: request.method ?? 'GET',
			query: current,
		});
		const items = paging.items(body);
		collected.push(...items);
		if (limit !== undefined && collected.length >= limit) return collected.slice(0, limit);
		// A page that adds nothing must end the walk, or a misbehaving API would loop forever.
		if (items.length === 0) break;
		query = paging.next(body, items, current);
	}
	return collected;
}
