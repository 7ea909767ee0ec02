import nock from 'nock';

import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../../helpers/n8n';

const SUB = { ...TEST_CREDENTIALS, subAccount: 'SubAcc1' };
const PATH = '/v1/messaging/numbers/sender_address/addresses';

const address = (n: number) => ({
	id: `sa-${n}`,
	sender_address: `+6149157000${n}`,
	sender_address_type: 'INTERNATIONAL',
	usage_type: 'DEDICATED',
	destination_countries: ['AU'],
	label: `Line ${n}`,
	account_id: 'MyAccount',
	display_status: 'ACTIVE',
	expiry: '2030-01-01T00:00:00Z',
});

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Sender Address → Get Many', () => {
	it('follows next_token with the filters on every page', async () => {
		const filters = {
			sender_address_type: 'INTERNATIONAL',
			usage_type: 'DEDICATED',
			include_related_accounts: 'true',
			expiry_status: 'EXPIRING',
			sender_address: '+61491570001',
		};
		const scope = nock(BASE_URL)
			.get(PATH)
			.query({ ...filters, page_size: '100' })
			.matchHeader('account', 'SubAcc1')
			.reply(200, {
				data: [address(1), address(2)],
				pagination: { page_size: 100, next_token: 'T2' },
			})
			.get(PATH)
			.query({ ...filters, page_size: '100', token: 'T2' })
			.reply(200, { data: [address(3)], pagination: { page_size: 100, next_token: 'T3' } })
			.get(PATH)
			.query({ ...filters, page_size: '100', token: 'T3' })
			.reply(200, { data: [address(4)], pagination: { page_size: 100, next_token: null } });
		const { output } = await executeActionNode(
			{
				parameters: {
					resource: 'senderAddress',
					operation: 'getAll',
					returnAll: true,
					filters: {
						senderAddressType: 'INTERNATIONAL',
						usageType: 'DEDICATED',
						includeRelatedAccounts: true,
						expiryStatus: 'EXPIRING',
						senderAddress: ' +61491570001 ',
					},
				},
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0].map((o) => o.json.id)).toEqual(['sa-1', 'sa-2', 'sa-3', 'sa-4']);
		expect(output[0][0].json).toEqual({
			id: 'sa-1',
			senderAddress: '+61491570001',
			senderAddressType: 'INTERNATIONAL',
			usageType: 'DEDICATED',
			label: 'Line 1',
			destinationCountries: ['AU'],
			displayStatus: 'ACTIVE',
			expiry: '2030-01-01T00:00:00Z',
			accountId: 'MyAccount',
		});
	});

	it('sends no filter that was not set and stops at Limit', async () => {
		const scope = nock(BASE_URL)
			.get(PATH)
			.query({ page_size: '100' })
			.reply(200, {
				data: [address(1), address(2), address(3)],
				pagination: { page_size: 100, next_token: 'T2' },
			});
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'senderAddress', operation: 'getAll', returnAll: false, limit: 2 },
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0]).toHaveLength(2);
	});

	it('maps a 403 to the feature-not-enabled error', async () => {
		nock(BASE_URL)
			.get(PATH)
			.query(true)
			.reply(403, { message: 'This feature has not been enabled in your account.' });
		await expect(
			executeActionNode(
				{ parameters: { resource: 'senderAddress', operation: 'getAll', returnAll: true } },
				[{}],
			),
		).rejects.toThrow('This feature is not enabled on your MessageMedia account');
	});
});
