import nock from 'nock';

import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../../helpers/n8n';

const SUB = { ...TEST_CREDENTIALS, subAccount: 'SubAcc1' };
const LIST = '/v1/number_authorisation/mt/blacklist';

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Opt-Out → Add', () => {
	it('normalises the numbers, strips the + and posts them with the Account header', async () => {
		let body: unknown;
		const scope = nock(BASE_URL)
			.post(LIST, (b) => {
				body = b;
				return true;
			})
			.matchHeader('account', 'SubAcc1')
			.reply(201, { uri: LIST, numbers: ['61491570156', '61491570157', '61491570158'] });
		const { output } = await executeActionNode(
			{
				parameters: {
					resource: 'optOut',
					operation: 'add',
					numbers: '+61 491 570 156, 0491-570-157; 0061491570158, +61491570156',
					options: { defaultCountryCode: '61' },
				},
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(body).toEqual({ numbers: ['61491570156', '61491570157', '61491570158'] });
		expect(output[0]).toEqual([
			{
				json: { added: 3, numbers: ['61491570156', '61491570157', '61491570158'] },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('batches an array of 150 numbers into requests of 100', async () => {
		const numbers = Array.from({ length: 150 }, (_, i) => `+6149157${String(i).padStart(4, '0')}`);
		const sizes: number[] = [];
		nock(BASE_URL)
			.post(LIST)
			.times(2)
			.reply(function (_uri, b) {
				const list = (b as { numbers: string[] }).numbers;
				sizes.push(list.length);
				return [201, { uri: LIST, numbers: list }];
			});
		const { output } = await executeActionNode(
			{ parameters: { resource: 'optOut', operation: 'add', numbers: '={{ $json.numbers }}' } },
			[{ numbers }],
		);
		expect(sizes).toEqual([100, 50]);
		expect(output[0][0].json.added).toBe(150);
	});

	it('names the item and the bad number', async () => {
		await expect(
			executeActionNode(
				{ parameters: { resource: 'optOut', operation: 'add', numbers: '+61491570156, abc' } },
				[{}],
			),
		).rejects.toThrow('"Phone Numbers" is not a valid phone number: "abc"');
	});
});

describe('Opt-Out → Remove', () => {
	it('deletes the number without +', async () => {
		const scope = nock(BASE_URL)
			.delete(`${LIST}/61491570156`)
			.matchHeader('account', 'SubAcc1')
			.reply(200);
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'optOut', operation: 'remove', number: '+61 491 570 156' },
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toEqual({ number: '61491570156', removed: true });
	});

	it('says the number was not on the list on a 404', async () => {
		nock(BASE_URL).delete(`${LIST}/61491570156`).reply(404, { message: 'Resource not found.' });
		await expect(
			executeActionNode(
				{ parameters: { resource: 'optOut', operation: 'remove', number: '+61491570156' } },
				[{}],
			),
		).rejects.toThrow('the number 61491570156 was not on the opt-out list');
	});
});

describe('Opt-Out → Get Many', () => {
	it('follows next_uri tokens and outputs one item per number', async () => {
		const scope = nock(BASE_URL)
			.get(LIST)
			.matchHeader('account', 'SubAcc1')
			.reply(200, {
				uri: LIST,
				numbers: ['61491570001', '61491570002'],
				pagination: { page: 1, next_uri: `${LIST}?token=tok2` },
			})
			.get(LIST)
			.query({ token: 'tok2' })
			.reply(200, {
				uri: `${LIST}?token=tok2`,
				numbers: ['61491570003'],
				pagination: { page: 2, next_uri: `${LIST}?token=tok3` },
			})
			.get(LIST)
			.query({ token: 'tok3' })
			.reply(200, { uri: `${LIST}?token=tok3`, numbers: ['61491570004'], pagination: { page: 3 } });
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'optOut', operation: 'getAll', returnAll: true },
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0].map((o) => o.json)).toEqual([
			{ number: '61491570001' },
			{ number: '61491570002' },
			{ number: '61491570003' },
			{ number: '61491570004' },
		]);
	});

	it('stops at Limit', async () => {
		const scope = nock(BASE_URL)
			.get(LIST)
			.reply(200, {
				numbers: ['61491570001', '61491570002', '61491570003'],
				pagination: { page: 1, next_uri: `${LIST}?token=tok2` },
			});
		const { output } = await executeActionNode(
			{ parameters: { resource: 'optOut', operation: 'getAll', returnAll: false, limit: 2 } },
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0]).toHaveLength(2);
	});
});

describe('Opt-Out → Check', () => {
	it('asks for all numbers in one path segment and outputs one item per number', async () => {
		const scope = nock(BASE_URL)
			.get('/v1/number_authorisation/is_authorised/61491570156,61491570157')
			.matchHeader('account', 'SubAcc1')
			.reply(200, {
				uri: '/v1/number_authorisation/is_authorised/61491570156,61491570157',
				numbers: [
					{ number: '61491570156', authorised: true },
					{ number: '61491570157', authorised: false },
				],
			});
		const { output } = await executeActionNode(
			{
				parameters: {
					resource: 'optOut',
					operation: 'check',
					numbers: '+61491570156, +61491570157',
				},
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0]).toEqual([
			{ json: { number: '61491570156', authorised: true }, pairedItem: { item: 0 } },
			{ json: { number: '61491570157', authorised: false }, pairedItem: { item: 0 } },
		]);
	});

	it('splits 150 numbers into two requests', async () => {
		const numbers = Array.from({ length: 150 }, (_, i) => `6149157${String(i).padStart(4, '0')}`);
		const counts: number[] = [];
		nock(BASE_URL)
			.get(/\/v1\/number_authorisation\/is_authorised\/.+/)
			.times(2)
			.reply(function (uri) {
				const list = decodeURIComponent(uri.split('/').pop()!).split(',');
				counts.push(list.length);
				return [200, { numbers: list.map((number) => ({ number, authorised: true })) }];
			});
		const { output } = await executeActionNode(
			{ parameters: { resource: 'optOut', operation: 'check', numbers: numbers.join(',') } },
			[{}],
		);
		expect(counts).toEqual([100, 50]);
		expect(output[0]).toHaveLength(150);
	});
});
