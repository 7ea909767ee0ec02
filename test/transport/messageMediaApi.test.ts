/**
 * The transport on its own, with a stand-in for n8n's httpRequestWithAuthentication: retries and
 * their waits, the send-safety rules, structured problems for accepted statuses, and the 401
 * hint for HMAC requests that carry a query string.
 */
import type { IDataObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { signRequest } from '../../nodes/MessageMedia/auth/signRequest';
import {
	messageMediaApiFullResponse,
	messageMediaApiRequest,
	type MessageMediaContext,
} from '../../nodes/MessageMedia/transport/messageMediaApi';
import { isOutcomeUnknown } from '../../nodes/MessageMedia/transport/errors';
import { testRetry } from '../helpers/retry';

const node: INode = {
	id: 'n1',
	name: 'MessageMedia',
	type: 'n8n-nodes-messagemedia.messageMedia',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** `text` is a body sent as it is; `body` is sent as JSON. */
type Answer = { statusCode: number; body?: unknown; text?: string; headers?: IDataObject } | Error;

function context(answers: Answer[], credentials: IDataObject = { authType: 'basic' }) {
	const sent: IHttpRequestOptions[] = [];
	const ctx = {
		getNode: () => node,
		getCredentials: async () => credentials,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				sent.push(options);
				const answer = answers.shift();
				if (!answer) throw new Error('no more answers');
				if (answer instanceof Error) throw answer;
				return {
					statusCode: answer.statusCode,
					headers: answer.headers ?? {},
					body: answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)),
				};
			},
		},
	} as unknown as MessageMediaContext;
	return { ctx, sent };
}

const refused = () =>
	Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('transport: encoding', () => {
	it('hands query and body to the credential unencoded; signRequest encodes them once', async () => {
		const { ctx, sent } = context([{ statusCode: 200, body: { ok: true } }]);
		await messageMediaApiRequest.call(ctx, {
			method: 'POST',
			path: '/v1/x',
			query: { a: 1, empty: '', missing: undefined },
			body: { text: 'héllo' },
		});
		expect(sent[0].qs).toEqual({ a: 1, empty: '', missing: undefined });
		expect(sent[0].body).toEqual({ text: 'héllo' });
		const signed = signRequest(
			{ authType: 'hmac', apiKey: 'k', apiSecret: 's', region: 'custom', baseUrl: 'http://h' },
			sent[0],
		);
		expect(signed.url).toBe('/v1/x?a=1');
		expect(signed.qs).toBeUndefined();
		expect(signed.body).toBe('{"text":"héllo"}');
		expect((signed.headers as IDataObject)['Content-Type']).toBe('application/json');
		// The full request target, query included, is what HMAC signs.
		expect(String((signed.headers as IDataObject).Authorization)).toMatch(/request-line/);
	});
});

describe('transport: retries', () => {
	it('retries a safe request on 5xx and network errors, waiting with backoff', async () => {
		const { ctx, sent } = context([
			{ statusCode: 503 },
			reset(),
			{ statusCode: 200, body: { id: 1 } },
		]);
		const body = await messageMediaApiRequest.call(ctx, { method: 'GET', path: '/v1/x' });
		expect(body).toEqual({ id: 1 });
		expect(sent).toHaveLength(3);
		expect(testRetry.waits).toHaveLength(2);
		// Full jitter: anywhere from 0 to 500 ms, then from 0 to 1000 ms.
		expect(testRetry.waits[0]).toBeGreaterThanOrEqual(0);
		expect(testRetry.waits[0]).toBeLessThanOrEqual(500);
		expect(testRetry.waits[1]).toBeGreaterThanOrEqual(0);
		expect(testRetry.waits[1]).toBeLessThanOrEqual(1000);
	});

	it('honours Retry-After on a 429, also for a send', async () => {
		const { ctx } = context([
			{ statusCode: 429, headers: { 'retry-after': '2' } },
			{ statusCode: 202, body: { messages: [] } },
		]);
		await messageMediaApiRequest.call(ctx, { method: 'POST', path: '/v1/messages', retry: 'send' });
		expect(testRetry.waits).toEqual([2000]);
	});

	it('retries a send whose connection was refused before any byte was sent', async () => {
		const { ctx, sent } = context([refused(), { statusCode: 202, body: { messages: [] } }]);
		await messageMediaApiRequest.call(ctx, { method: 'POST', path: '/v1/messages', retry: 'send' });
		expect(sent).toHaveLength(2);
	});

	it.each([
		['a 500', { statusCode: 500, body: { message: 'oops' } }],
		['a reset connection', reset()],
	])('never repeats a send after %s: the outcome is unknown', async (_name, answer) => {
		const { ctx, sent } = context([answer as Answer]);
		const error = await messageMediaApiFullResponse
			.call(ctx, { method: 'POST', path: '/v1/messages', retry: 'send', itemIndex: 2, note: 'N.' })
			.catch((e: unknown) => e);
		expect(sent).toHaveLength(1);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(isOutcomeUnknown(error)).toBe(true);
		expect((error as NodeApiError).message).toMatch(/^The outcome is unknown: .* \[item 2\]$/);
		expect((error as NodeApiError).description).toMatch(
			/Check message status before resending, so that no customer gets the same text twice\. N\.$/,
		);
		expect((error as NodeApiError).context.itemIndex).toBe(2);
	});

	it('uses the settings it is given, not a shared default', async () => {
		const waits: number[] = [];
		const { ctx, sent } = context([{ statusCode: 503 }, { statusCode: 503 }]);
		await expect(
			messageMediaApiRequest.call(
				ctx,
				{ method: 'GET', path: '/v1/x' },
				{
					policy: { ...testRetry.policy, maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
					sleep: async (ms) => {
						waits.push(ms);
					},
					random: () => 1,
				},
			),
		).rejects.toMatchObject({ httpCode: '503' });
		expect(sent).toHaveLength(2);
		expect(waits).toEqual([10]);
		expect(testRetry.waits).toEqual([]);
	});
});

describe('transport: structured problems', () => {
	it('parses an accepted 400 into per-message problems with the node’s field labels', async () => {
		const { ctx } = context([
			{
				statusCode: 400,
				body: {
					message: 'Invalid',
					details: ['/messages/1/destination_number: bad number', '/messages/3: too many', 'x'],
				},
			},
		]);
		const response = await messageMediaApiFullResponse.call(ctx, {
			method: 'POST',
			path: '/v1/messages',
			acceptStatus: [400],
		});
		expect(response.statusCode).toBe(400);
		expect(response.problem?.message).toBe('Invalid');
		expect(response.problem?.details).toHaveLength(3);
		expect(response.problem?.messages.get(1)).toEqual([
			{ position: 1, field: 'destination_number', label: 'To', text: 'bad number' },
		]);
		expect(response.problem?.messages.get(3)).toEqual([{ position: 3, text: 'too many' }]);
	});

	it('reads an error body that is not JSON as its text, and one that is JSON by its fields', async () => {
		const { ctx } = context([
			{ statusCode: 404, text: ' <h1>Not found</h1>\n' },
			{ statusCode: 404, text: JSON.stringify('{"message":"inner"}') },
			{ statusCode: 404, text: '{"message":"No such message","details":["id"]}' },
		]);
		const get = () => messageMediaApiRequest.call(ctx, { method: 'GET', path: '/v1/x' });
		await expect(get()).rejects.toMatchObject({
			description: 'MessageMedia says: <h1>Not found</h1>',
		});
		// A JSON string is text once parsed, and is not parsed a second time.
		await expect(get()).rejects.toMatchObject({
			description: 'MessageMedia says: {"message":"inner"}',
		});
		await expect(get()).rejects.toMatchObject({
			description: 'MessageMedia says: No such message\nDetails: id',
		});
	});

	it('has no problem on a success', async () => {
		const { ctx } = context([{ statusCode: 200, body: {} }]);
		const response = await messageMediaApiFullResponse.call(ctx, { method: 'GET', path: '/v1/x' });
		expect(response.problem).toBeUndefined();
	});
});

describe('transport: 401', () => {
	const hmac = { authType: 'hmac', apiKey: 'k', apiSecret: 's' };

	it('names query-string signing as the likely cause for an HMAC request with a query', async () => {
		const { ctx } = context([{ statusCode: 401, body: { message: 'Unauthorized' } }], hmac);
		await expect(
			messageMediaApiRequest.call(ctx, { method: 'GET', path: '/v1/x', query: { page: 0 } }),
		).rejects.toMatchObject({
			message: 'MessageMedia rejected the API key or secret',
			description: expect.stringMatching(
				/signed with HMAC and carries a query string.*likely cause/,
			),
			httpCode: '401',
		});
	});

	it.each([
		['HMAC without a query', hmac, undefined],
		['Basic with a query', { authType: 'basic' }, { page: 0 }],
	])('keeps the key-pair advice for %s', async (_name, credentials, query) => {
		const { ctx } = context([{ statusCode: 401, body: {} }], credentials);
		const error = (await messageMediaApiRequest
			.call(ctx, { method: 'GET', path: '/v1/x', query })
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error.description).toMatch(/Basic and HMAC are different key pairs/);
		expect(error.description).not.toMatch(/query string/);
	});
});
