import nock from 'nock';

import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../../helpers/n8n';

const SUB = { ...TEST_CREDENTIALS, subAccount: 'SubAcc1' };

const report = (n: number) => ({
	delivery_report_id: `dr-${n}`,
	message_id: `m-${n}`,
	status: 'delivered',
	source_number: '+61491570156',
	date_received: '2017-05-20T06:30:37.642Z',
	submitted_date: '2017-05-20T06:30:37.639Z',
	original_text: 'My first message!',
	delay: 0,
	billing_units: 1,
	callback_url: 'https://example.com/cb',
	metadata: { key1: 'value1' },
	vendor_account_id: { vendor_id: 'SinchEU', account_id: 'MyAccount' },
});

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Delivery Report → Get Many', () => {
	it('gets and maps the unconfirmed delivery reports, with the Account header', async () => {
		const scope = nock(BASE_URL)
			.get('/v1/delivery_reports')
			.matchHeader('account', 'SubAcc1')
			.reply(200, { delivery_reports: [report(1), report(2)] });
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'deliveryReport', operation: 'getAll', returnAll: true },
				credentials: SUB,
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toEqual({
			deliveryReportId: 'dr-1',
			messageId: 'm-1',
			status: 'delivered',
			source: '+61491570156',
			dateReceived: '2017-05-20T06:30:37.642Z',
			submittedDate: '2017-05-20T06:30:37.639Z',
			originalText: 'My first message!',
			billingUnits: 1,
			callbackUrl: 'https://example.com/cb',
			metadata: { key1: 'value1' },
			vendorId: 'SinchEU',
			accountId: 'MyAccount',
		});
		expect(output[0]).toHaveLength(2);
	});

	it('slices to Limit', async () => {
		nock(BASE_URL)
			.get('/v1/delivery_reports')
			.reply(200, { delivery_reports: [report(1), report(2), report(3)] });
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'deliveryReport', operation: 'getAll', returnAll: false, limit: 1 },
			},
			[{}],
		);
		expect(output[0].map((o) => o.json.deliveryReportId)).toEqual(['dr-1']);
	});
});

describe('Delivery Report → Confirm', () => {
	it('chunks 250 ids into 3 requests and sends delivery_report_ids', async () => {
		const ids = Array.from({ length: 250 }, (_, i) => `dr-${i}`).join(',');
		const sizes: number[] = [];
		nock(BASE_URL)
			.post('/v1/delivery_reports/confirmed')
			.matchHeader('account', 'SubAcc1')
			.times(3)
			.reply(function (_uri, body) {
				sizes.push((body as { delivery_report_ids: string[] }).delivery_report_ids.length);
				return [202, ''];
			});
		const { output } = await executeActionNode(
			{
				parameters: { resource: 'deliveryReport', operation: 'confirm', deliveryReportIds: ids },
				credentials: SUB,
			},
			[{}],
		);
		expect(sizes).toEqual([100, 100, 50]);
		expect(output[0][0].json.confirmed).toBe(250);
		expect((output[0][0].json.deliveryReportIds as string[])[249]).toBe('dr-249');
	});

	it('reports a 404 per item under Continue On Fail', async () => {
		nock(BASE_URL)
			.post('/v1/delivery_reports/confirmed', { delivery_report_ids: ['dr-x'] })
			.reply(404, { message: 'Resource not found.' });
		nock(BASE_URL)
			.post('/v1/delivery_reports/confirmed', { delivery_report_ids: ['dr-ok'] })
			.reply(202, '');
		const { output } = await executeActionNode(
			{
				parameters: {
					resource: 'deliveryReport',
					operation: 'confirm',
					deliveryReportIds: '={{ $json.id }}',
				},
				continueOnFail: true,
			},
			[{ id: 'dr-x' }, { id: 'dr-ok' }],
		);
		expect(output[0][0].json.error).toBe(
			'MessageMedia could not find delivery report "dr-x" [item 0]',
		);
		expect(output[0][1].json).toEqual({ confirmed: 1, deliveryReportIds: ['dr-ok'] });
	});
});
