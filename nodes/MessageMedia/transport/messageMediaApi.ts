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

/** What one attempt came back with: an answer (body parsed), or a failure before any answer. */
type Outcome =
	| { statusCode: number; headers: IDataObject; body: IDataObject }
	| { failure: unknown; code: string | undefined };

const OUTCOME_UNKNOWN_ADVICE =
	'Check message status before resending, so that no customer gets the same text twice.';

function withNote(description: string, note: string | undefined): string {
	return [description, note].filter(Boolean).join(' ');
}

function httpOptions(request: ApiRequest, settings: RetrySettings): IHttpRequestOptions {
	return {
		method: request.method,
		url: request.path,
		qs: request.query,
		body: request.body,
		headers: { Accept: 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: false,
		timeout: settings.policy.timeoutMs,
	};
}

async function sendOnce(this: MessageMediaContext, options: IHttpRequestOptions): Promise<Outcome> {
	try {
		// Every context type carries the same helper; narrowing one avoids a union of overloads.
		const ctx = this as IExecuteFunctions;
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			'messageMediaMessagingApi',
			{ ...options, headers: { ...options.headers } },
		)) as IN8nHttpFullResponse;
		return {
			statusCode: response.statusCode,
			headers: response.headers ?? {},
			body: parseBody(response.body) as IDataObject,
		};
	} catch (error) {
		return { failure: error, code: networkErrorCode(error) };
	}
}

/**
 * Whether another attempt is safe: MessageMedia cannot have acted on the request (a 429, or a
 * connection refused before a byte was sent), or the request is one that may be repeated.
 */
function isRetryable(outcome: Outcome, mode: RetryMode): boolean {
	if (mode === 'none') return false;
	if ('failure' in outcome) {
		return outcome.code !== undefined && (mode === 'safe' || outcome.code === 'ECONNREFUSED');
	}
	const { statusCode } = outcome;
	return statusCode === 429 || (mode === 'safe' && RETRYABLE_STATUS.includes(statusCode));
}

/** The wait before the next attempt, or undefined when the tries or the wait budget are spent. */
function nextDelay(
	outcome: Outcome,
	settings: RetrySettings,
	attempt: number,
	waited: number,
): number | undefined {
	const { policy } = settings;
	const rateLimited = !('failure' in outcome) && outcome.statusCode === 429;
	const attempts = rateLimited ? policy.maxRateLimitedAttempts : policy.maxAttempts;
	if (attempt >= attempts) return undefined;
	const retryAfter = rateLimited ? parseRetryAfter(outcome.headers['retry-after']) : undefined;
	const delay = retryAfter ?? backoffDelay(settings, attempt);
	return waited + delay <= policy.maxTotalWaitMs ? delay : undefined;
}

/** The error for a request that got no answer: for a send, past the connection, an unknown outcome. */
function connectionError(
	this: MessageMediaContext,
	{ failure, code }: { failure: unknown; code: string | undefined },
	request: ApiRequest,
	settings: RetrySettings,
): Error {
	if (request.retry !== 'send' || code === 'ECONNREFUSED') {
		return asNodeError.call(this, failure, request.itemIndex);
	}
	return outcomeUnknownError(
		this.getNode(),
		{ cause: code ?? 'network error' },
		{
			// The code stays out of the message: n8n would replace a message naming it.
			message:
				'The outcome is unknown: the connection to MessageMedia failed after the request was sent',
			description: withNote(
				`${describeNetworkCode(code, settings)} The messages may or may not have been accepted. ${OUTCOME_UNKNOWN_ADVICE}`,
				request.note,
			),
			itemIndex: request.itemIndex,
		},
	);
}

/** The error for an answer the caller does not accept: for a send, a 5xx is an unknown outcome. */
async function answerError(
	this: MessageMediaContext,
	{ statusCode, body }: { statusCode: number; body: IDataObject },
	request: ApiRequest,
): Promise<Error> {
	if (request.retry === 'send' && statusCode >= 500) {
		return outcomeUnknownError(
			this.getNode(),
			{ body: JSON.stringify(body) },
			{
				message: `The outcome is unknown: MessageMedia answered HTTP ${statusCode}`,
				description: withNote(
					`A server error after a send does not say whether the messages were accepted. ${OUTCOME_UNKNOWN_ADVICE}`,
					request.note,
				),
				itemIndex: request.itemIndex,
				httpCode: String(statusCode),
			},
		);
	}
	return apiError(this.getNode(), statusCode, body, {
		subject: request.subject,
		itemIndex: request.itemIndex,
		note: request.note,
		unauthorizedCause: statusCode === 401 ? await unauthorizedCause.call(this, request) : undefined,
	});
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
	const options = httpOptions(request, settings);
	let waited = 0;
	for (let attempt = 1; ; attempt++) {
		const outcome = await sendOnce.call(this, options);
		if (!('failure' in outcome)) {
			if (outcome.statusCode >= 200 && outcome.statusCode < 300) return outcome;
			if (request.acceptStatus?.includes(outcome.statusCode)) {
				return { ...outcome, problem: parseProblem(outcome.body) };
			}
		}

		const delay = isRetryable(outcome, request.retry ?? 'safe')
			? nextDelay(outcome, settings, attempt, waited)
			: undefined;
		if (delay !== undefined) {
			waited += delay;
			await settings.sleep(delay);
			continue;
		}

		throw 'failure' in outcome
			? connectionError.call(this, outcome, request, settings)
			: await answerError.call(this, outcome, request);
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
