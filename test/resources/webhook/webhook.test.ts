import nock from 'nock';

import { MESSAGE_EVENTS } from '../../../nodes/MessageMedia/shared/events';
import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../../helpers/n8n';

const SUB = { ...TEST_CREDENTIALS, subAccount: 'SubAcc1' };

const hook = (id: string, extra: Record<string, unknown> = {}) => ({
	id,
	url: `https://example.com/${id}`,
	method: 'POST',
	encoding: 'JSON',
	events: ['RECEIVED_SMS'],
	headers: {},
	retries: 0,
	...extra,
});

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('MESSAGE_EVENTS', () => {
	it('holds every documented event name exactly once', () => {
		expect(MESSAGE_EVENTS.map((e) => e.value).sort()).toEqual(
			[
				'RECEIVED_SMS',
				'RECEIVED_MMS',
				'OPT_OUT_SMS',
				'ENROUTE_DR',
				'SUBMITTED_DR',
				'DELIVERED_DR',
				'EXPIRED_DR',
				'REJECTED_DR',
				'FAILED_DR',
			].sort(),
		);
	});
});

describe('Webhook → Create', () => {
	it('posts every field, with the Account header, and maps the answer', async () => {
		let body: unknown;
		const scope = nock(BASE_URL)
			.post('/v1/webhooks/messages', (b) => {
				body = b;
				return true;
			})
			.matchHeader('account', 'SubAcc1')
			.reply(201, {
				...hook('wh-1', { events: ['RECEIVED_SMS', 'DELIVERED_DR'] }),
				url: 'https://example.com/in',
				headers: { 'X-Source': 'n8n' },
				template: '{"id":"$!replyId"}',
				retries: 3,
				retry_delay: 30,
				read_timeout: 5000,
			});
		const { output } = await executeActionNode(
			{
				parameters: {
					resource: 'webhook',
					operation: 'create',
					url: ' https://example.com/in ',
					method: 'POST',
					encoding: 'JSON',
					events: ['RECEIVED_SMS', 'DELIVERED_DR'],
					additionalFields: {
						headers: { header: [{ name: 'X-Source', value: 'n8n' }] },
						template: '{"id":"$!replyId"}',
						retries: 3,
						retryDelay: 30,
						readTimeout: 5000,
					},
				},
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(body).toEqual({
			url: 'https://example.com/in',
			method: 'POST',
			encoding: 'JSON',
			events: ['RECEIVED_SMS', 'DELIVERED_DR'],
			headers: { 'X-Source': 'n8n' },
			template: '{"id":"$!replyId"}',
			retries: 3,
			retry_delay: 30,
			read_timeout: 5000,
		});
		expect(output[0]).toEqual([
			{
				json: {
					id: 'wh-1',
					url: 'https://example.com/in',
					method: 'POST',
					encoding: 'JSON',
					events: ['RECEIVED_SMS', 'DELIVERED_DR'],
					headers: { 'X-Source': 'n8n' },
					template: '{"id":"$!replyId"}',
					retries: 3,
					retryDelay: 30,
					readTimeout: 5000,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('sends only the required fields when nothing else is set', async () => {
		let body: unknown;
		nock(BASE_URL)
			.post('/v1/webhooks/messages', (b) => {
				body = b;
				return true;
			})
			.reply(201, hook('wh-2'));
		await executeActionNode(
			{
				parameters: {
					resource: 'webhook',
					operation: 'create',
					url: 'https://example.com/x',
					method: 'GET',
					encoding: 'FORM_ENCODED',
					events: ['OPT_OUT_SMS'],
				},
			},
			[{}],
		);
		expect(body).toEqual({
			url: 'https://example.com/x',
			method: 'GET',
			encoding: 'FORM_ENCODED',
			events: ['OPT_OUT_SMS'],
		});
	});

	it('refuses a Content-Type header and empty events before calling the API', async () => {
		const base = {
			resource: 'webhook',
			operation: 'create',
			url: 'https://example.com/x',
			method: 'POST',
			encoding: 'JSON',
		};
		await expect(
			executeActionNode(
				{
					parameters: {
						...base,
						events: ['RECEIVED_SMS'],
						additionalFields: { headers: { header: [{ name: 'content-type', value: 'x' }] } },
					},
				},
				[{}],
			),
		).rejects.toThrow('must not contain Content-Type');
		await expect(executeActionNode({ parameters: { ...base, events: [] } }, [{}])).rejects.toThrow(
			'"Events" must contain at least one event',
		);
	});

	it('explains a 409 for an existing url and method', async () => {
		nock(BASE_URL)
			.post('/v1/webhooks/messages')
			.reply(409, { message: 'A webhook with the given url and method already exists.' });
		const error = await executeActionNode(
			{
				parameters: {
					resource: 'webhook',
					operation: 'create',
					url: 'https://example.com/x',
					method: 'POST',
					encoding: 'JSON',
					events: ['RECEIVED_SMS'],
				},
			},
			[{}],
		).catch((e) => e);
		expect(error.message).toMatch(/conflict/);
		expect(error.description).toContain('already exists');
	});
});

describe('Webhook → Get Many', () => {
	it('pages 0, 1, 2 with page size 100 and stops on the short page', async () => {
		const pages = [
			Array.from({ length: 100 }, (_, i) => hook(`a${i}`)),
			Array.from({ length: 100 }, (_, i) => hook(`b${i}`)),
			Array.from({ length: 7 }, (_, i) => hook(`c${i}`)),
		];
		const scope = nock(BASE_URL);
		pages.forEach((pageData, page) =>
			scope
				.get('/v1/webhooks/messages')
				.query({ page: String(page), page_size: '100', pageSize: '100' })
				.matchHeader('account', 'SubAcc1')
				.reply(200, { page, pageSize: 100, pageData }),
		);
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'webhook', operation: 'getAll', returnAll: true },
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0]).toHaveLength(207);
		expect(output[0][206].json).toMatchObject({ id: 'c6', url: 'https://example.com/c6' });
		expect(output[0][0].json.retryDelay).toBeUndefined();
	});

	it('stops once Limit is reached', async () => {
		const scope = nock(BASE_URL)
			.get('/v1/webhooks/messages')
			.query({ page: '0', page_size: '100', pageSize: '100' })
			.reply(200, {
				page: 0,
				pageSize: 100,
				pageData: Array.from({ length: 100 }, (_, i) => hook(`a${i}`)),
			});
		const { output } = await executeActionNode(
			{ parameters: { resource: 'webhook', operation: 'getAll', returnAll: false, limit: 5 } },
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0].map((o) => o.json.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
	});
});

describe('Webhook → Update', () => {
	it('patches only the fields that were set', async () => {
		let body: unknown;
		const scope = nock(BASE_URL)
			.patch('/v1/webhooks/messages/wh-1', (b) => {
				body = b;
				return true;
			})
			.matchHeader('account', 'SubAcc1')
			.reply(200, hook('wh-1', { url: 'https://example.com/new', events: ['FAILED_DR'] }));
		const { output } = await executeActionNode(
			{
				parameters: {
					resource: 'webhook',
					operation: 'update',
					webhookId: 'wh-1',
					updateFields: { url: 'https://example.com/new', events: ['FAILED_DR'] },
				},
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(body).toEqual({ url: 'https://example.com/new', events: ['FAILED_DR'] });
		expect(output[0][0].json).toMatchObject({ id: 'wh-1', events: ['FAILED_DR'] });
	});

	it('refuses empty events and an empty update', async () => {
		const base = { resource: 'webhook', operation: 'update', webhookId: 'wh-1' };
		await expect(
			executeActionNode({ parameters: { ...base, updateFields: { events: [] } } }, [{}]),
		).rejects.toThrow('"Events" must contain at least one event');
		await expect(
			executeActionNode({ parameters: { ...base, updateFields: {} } }, [{}]),
		).rejects.toThrow('no field to update was set');
	});

	it('names the webhook in a 404', async () => {
		nock(BASE_URL)
			.patch('/v1/webhooks/messages/gone')
			.reply(404, { message: 'Resource not found.' });
		await expect(
			executeActionNode(
				{
					parameters: {
						resource: 'webhook',
						operation: 'update',
						webhookId: 'gone',
						updateFields: { template: '{}' },
					},
				},
				[{}],
			),
		).rejects.toThrow('MessageMedia could not find webhook "gone"');
	});
});

describe('Webhook → Delete', () => {
	it('deletes and outputs the id', async () => {
		const scope = nock(BASE_URL)
			.delete('/v1/webhooks/messages/wh-1')
			.matchHeader('account', 'SubAcc1')
			.reply(204);
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'webhook', operation: 'delete', webhookId: ' wh-1 ' },
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0]).toEqual([{ json: { id: 'wh-1', deleted: true }, pairedItem: { item: 0 } }]);
	});

	it('names the webhook in a 404', async () => {
		nock(BASE_URL)
			.delete('/v1/webhooks/messages/gone')
			.reply(404, { message: 'Resource not found.' });
		await expect(
			executeActionNode(
				{ parameters: { resource: 'webhook', operation: 'delete', webhookId: 'gone' } },
				[{}],
			),
		).rejects.toThrow('MessageMedia could not find webhook "gone"');
	});
});
