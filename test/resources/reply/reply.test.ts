import nock from 'nock';

import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../../helpers/n8n';

const SUB = { ...TEST_CREDENTIALS, subAccount: 'SubAcc1' };

const reply = (n: number) => ({
	reply_id: `r-${n}`,
	message_id: `m-${n}`,
	content: `YES ${n}`,
	source_number: '+61491570156',
	destination_number: '+61491570999',
	date_received: '2016-12-07T08:43:00.850Z',
	callback_url: 'https://example.com/cb',
	metadata: { appointmentId: `A${n}` },
	vendor_account_id: { vendor_id: 'SinchEU', account_id: 'MyAccount' },
});

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Reply → Get Many', () => {
	it('gets the unconfirmed replies with the Account header and maps them', async () => {
		const scope = nock(BASE_URL)
			.get('/v1/replies')
			.matchHeader('account', 'SubAcc1')
			.reply(200, { replies: [reply(1), reply(2), reply(3)] });
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'reply', operation: 'getAll', returnAll: true },
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0]).toHaveLength(3);
		expect(output[0][0]).toEqual({
			json: {
				replyId: 'r-1',
				messageId: 'm-1',
				content: 'YES 1',
				source: '+61491570156',
				destination: '+61491570999',
				dateReceived: '2016-12-07T08:43:00.850Z',
				callbackUrl: 'https://example.com/cb',
				metadata: { appointmentId: 'A1' },
				vendorId: 'SinchEU',
				accountId: 'MyAccount',
			},
			pairedItem: { item: 0 },
		});
	});

	it('slices to Limit without asking for more pages', async () => {
		const scope = nock(BASE_URL)
			.get('/v1/replies')
			.reply(200, { replies: [reply(1), reply(2), reply(3)] });
		const { output } = await executeActionNode(
			{ parameters: { resource: 'reply', operation: 'getAll', returnAll: false, limit: 2 } },
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0].map((o) => o.json.replyId)).toEqual(['r-1', 'r-2']);
	});

	it('does not send the Account header without a sub-account', async () => {
		let headers: Record<string, unknown> = {};
		nock(BASE_URL)
			.get('/v1/replies')
			.reply(function () {
				headers = this.req.headers;
				return [200, { replies: [] }];
			});
		const { output } = await executeActionNode(
			{ parameters: { resource: 'reply', operation: 'getAll', returnAll: true } },
			[{}],
		);
		expect(headers.account).toBeUndefined();
		expect(output[0]).toEqual([]);
	});
});

describe('Reply → Confirm', () => {
	it('confirms a comma-separated list and outputs the count', async () => {
		const bodies: unknown[] = [];
		const scope = nock(BASE_URL)
			.post('/v1/replies/confirmed', (body) => {
				bodies.push(body);
				return true;
			})
			.matchHeader('account', 'SubAcc1')
			.matchHeader('content-type', 'application/json')
			.reply(202, 'Accepted', { 'content-type': 'text/plain' });
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'reply', operation: 'confirm', replyIds: ' r-1, r-2 ,r-1,,r-3 ' },
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(bodies).toEqual([{ reply_ids: ['r-1', 'r-2', 'r-3'] }]);
		expect(output[0]).toEqual([
			{ json: { confirmed: 3, replyIds: ['r-1', 'r-2', 'r-3'] }, pairedItem: { item: 0 } },
		]);
	});

	it('chunks 250 ids from an expression array into 3 requests of at most 100', async () => {
		const ids = Array.from({ length: 250 }, (_, i) => `r-${i}`);
		const sizes: number[] = [];
		const seen: string[] = [];
		nock(BASE_URL)
			.post('/v1/replies/confirmed')
			.times(3)
			.reply(function (_uri, body) {
				const list = (body as { reply_ids: string[] }).reply_ids;
				sizes.push(list.length);
				seen.push(...list);
				return [202, ''];
			});
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'reply', operation: 'confirm', replyIds: '={{ $json.ids }}' },
			},
			[{ ids }],
		);
		expect(sizes).toEqual([100, 100, 50]);
		expect(seen).toEqual(ids);
		expect(output[0][0].json.confirmed).toBe(250);
	});

	it('outputs one item per input item', async () => {
		nock(BASE_URL).post('/v1/replies/confirmed').times(2).reply(202, '');
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'reply', operation: 'confirm', replyIds: '={{ $json.id }}' },
			},
			[{ id: 'a' }, { id: 'b' }],
		);
		expect(output[0]).toEqual([
			{ json: { confirmed: 1, replyIds: ['a'] }, pairedItem: { item: 0 } },
			{ json: { confirmed: 1, replyIds: ['b'] }, pairedItem: { item: 1 } },
		]);
	});

	it('rejects an empty list without calling the API', async () => {
		await expect(
			executeActionNode(
				{ parameters: { resource: 'reply', operation: 'confirm', replyIds: ' , ' } },
				[{}],
			),
		).rejects.toThrow('"Reply IDs" is empty');
	});

	it('names the reply in a 404', async () => {
		nock(BASE_URL).post('/v1/replies/confirmed').reply(404, { message: 'Resource not found.' });
		await expect(
			executeActionNode(
				{ parameters: { resource: 'reply', operation: 'confirm', replyIds: 'r-404' } },
				[{}],
			),
		).rejects.toThrow('MessageMedia could not find reply "r-404"');
	});
});
