import nock from 'nock';

import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../../helpers/n8n';

const SUB = { ...TEST_CREDENTIALS, subAccount: 'SubAcc1' };
const PATH = '/v1/lookups/phone/%2B61491570156';

const params = (overrides: Record<string, unknown> = {}) => ({
	resource: 'lookup',
	operation: 'get',
	phoneNumber: '0491 570 156',
	include: ['carrier', 'type'],
	options: { defaultCountryCode: '61' },
	...overrides,
});

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Number Lookup → Get', () => {
	it('looks up the normalised number with the chosen options and maps the answer', async () => {
		const scope = nock(BASE_URL)
			.get(PATH)
			.query({ options: 'carrier,type' })
			.matchHeader('account', 'SubAcc1')
			.reply(200, {
				country_code: 'AU',
				phone_number: '+61491570156',
				type: 'mobile',
				carrier: { name: 'Telstra' },
			});
		const { output } = await executeActionNode({ parameters: params(), credentials: SUB }, [{}]);
		expect(scope.isDone()).toBe(true);
		expect(output[0]).toEqual([
			{
				json: {
					phoneNumber: '+61491570156',
					countryCode: 'AU',
					type: 'mobile',
					carrier: 'Telstra',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('sends no options query when none is chosen', async () => {
		const scope = nock(BASE_URL)
			.get(PATH)
			.reply(200, { country_code: 'AU', phone_number: '+61491570156' });
		const { output } = await executeActionNode({ parameters: params({ include: [] }) }, [{}]);
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toMatchObject({ phoneNumber: '+61491570156', countryCode: 'AU' });
	});

	it('says the number is invalid on the documented 404', async () => {
		nock(BASE_URL)
			.get(PATH)
			.query(true)
			.reply(404, { message: 'The number could not be found or is invalid.' });
		await expect(executeActionNode({ parameters: params() }, [{}])).rejects.toThrow(
			'the number +61491570156 is invalid',
		);
	});

	it.each([
		[404, { message: 'Resource not found.' }],
		[404, ''],
		[410, { message: 'Gone' }],
	])('says the Lookups API is not available on HTTP %s', async (status, body) => {
		nock(BASE_URL).get(PATH).query(true).reply(status, body);
		await expect(executeActionNode({ parameters: params() }, [{}])).rejects.toThrow(
			'The Lookups API is not available on your MessageMedia account',
		);
	});
});
