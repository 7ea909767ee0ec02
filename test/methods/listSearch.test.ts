import nock from 'nock';
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { searchSenderAddresses } from '../../nodes/MessageMedia/methods/listSearch';
import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../helpers/n8n';

const PATH = '/v1/messaging/numbers/sender_address/addresses';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

// The list search runs with the same helpers as an execution; an ExecuteContext provides them.
async function loadOptionsContext(credentials = TEST_CREDENTIALS) {
	nock(BASE_URL)
		.post('/v1/messages')
		.reply(202, { messages: [{ message_id: 'm' }] });
	const { context } = await executeActionNode(
		{
			credentials,
			parameters: {
				resource: 'message',
				operation: 'send',
				destination: '+61491570156',
				content: 'x',
			},
		},
		[{}],
	);
	return context as unknown as ILoadOptionsFunctions;
}

describe('From dropdown: sender addresses', () => {
	it('lists the account’s sender addresses with their type and label, and pages by token', async () => {
		const context = await loadOptionsContext({ ...TEST_CREDENTIALS, subAccount: 'Sub1' });
		nock(BASE_URL, { reqheaders: { account: 'Sub1' } })
			.get(PATH)
			.query({ page_size: '100' })
			.reply(200, {
				data: [
					{ sender_address: '+61491570200', sender_address_type: 'INTERNATIONAL', label: 'Clinic' },
					{ sender_address: 'ACME', sender_address_type: 'ALPHANUMERIC' },
				],
				pagination: { page_size: 100, next_token: 'tok-2' },
			});
		const first = await searchSenderAddresses.call(context);
		expect(first).toEqual({
			results: [
				{ name: '+61491570200 (Clinic) · INTERNATIONAL', value: '+61491570200' },
				{ name: 'ACME · ALPHANUMERIC', value: 'ACME' },
			],
			paginationToken: 'tok-2',
		});

		nock(BASE_URL)
			.get(PATH)
			.query({ page_size: '100', token: 'tok-2' })
			.reply(200, {
				data: [{ sender_address: '2442', sender_address_type: 'SHORT_CODE' }],
				pagination: { page_size: 100 },
			});
		const second = await searchSenderAddresses.call(context, undefined, 'tok-2');
		expect(second).toEqual({
			results: [{ name: '2442 · SHORT_CODE', value: '2442' }],
			paginationToken: undefined,
		});
	});

	it('filters by the text typed in the search box, ignoring case', async () => {
		const context = await loadOptionsContext();
		nock(BASE_URL)
			.get(PATH)
			.query(true)
			.reply(200, {
				data: [
					{ sender_address: '+61491570200', sender_address_type: 'INTERNATIONAL', label: 'Clinic' },
					{ sender_address: 'ACME', sender_address_type: 'ALPHANUMERIC' },
				],
				pagination: {},
			});
		const found = await searchSenderAddresses.call(context, 'clin');
		expect(found.results.map((r) => r.value)).toEqual(['+61491570200']);
	});
});
