import nock from 'nock';

import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../../helpers/n8n';

const ID = '04fe9a97-a579-43c5-bb1a-58ed29bf0a6a';

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Message → Get', () => {
	it('gets a message by id with the Account header and maps it', async () => {
		const scope = nock(BASE_URL, { reqheaders: { account: 'Sub1' } })
			.get(`/v1/messages/${ID}`)
			.reply(200, {
				message_id: ID,
				status: 'delivered',
				content: 'Hi',
				destination_number: '+61491570156',
				format: 'SMS',
				metadata: { appointmentId: 'A1' },
			});
		const { output } = await executeActionNode(
			{
				credentials: { ...TEST_CREDENTIALS, subAccount: 'Sub1' },
				parameters: { resource: 'message', operation: 'get', messageId: ` ${ID} ` },
			},
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toMatchObject({
			messageId: ID,
			status: 'delivered',
			destination: '+61491570156',
			metadata: { appointmentId: 'A1' },
		});
	});

	it('names the id on a 404', async () => {
		nock(BASE_URL).get(`/v1/messages/${ID}`).reply(404, { message: 'Resource not found.' });
		await expect(
			executeActionNode({ parameters: { resource: 'message', operation: 'get', messageId: ID } }, [
				{},
			]),
		).rejects.toMatchObject({
			message: `MessageMedia could not find message "${ID}" [item 0]`,
			description: 'MessageMedia says: Resource not found.',
			httpCode: '404',
		});
	});

	it('retries a GET on 5xx, then succeeds', async () => {
		let calls = 0;
		nock(BASE_URL)
			.get(`/v1/messages/${ID}`)
			.times(2)
			.reply(() => {
				calls++;
				return [503, { message: 'busy' }];
			})
			.get(`/v1/messages/${ID}`)
			.reply(() => {
				calls++;
				return [200, { message_id: ID, status: 'queued' }];
			});
		const { output } = await executeActionNode(
			{ parameters: { resource: 'message', operation: 'get', messageId: ID } },
			[{}],
		);
		expect(calls).toBe(3);
		expect(output[0][0].json.status).toBe('queued');
	});

	it('explains a 401 and reminds that Basic and HMAC keys differ', async () => {
		nock(BASE_URL)
			.get(`/v1/messages/${ID}`)
			.reply(401, { message: 'Invalid authentication credentials' });
		await expect(
			executeActionNode({ parameters: { resource: 'message', operation: 'get', messageId: ID } }, [
				{},
			]),
		).rejects.toMatchObject({
			message: 'MessageMedia rejected the API key or secret [item 0]',
			description: expect.stringMatching(
				/MessageMedia says: Invalid authentication credentials\n.*Basic and HMAC are different key pairs/s,
			),
		});
	});

	it('explains a 403 as a feature not enabled on the account', async () => {
		nock(BASE_URL)
			.get(`/v1/messages/${ID}`)
			.reply(403, { message: 'This feature has not been enabled in your account.' });
		await expect(
			executeActionNode({ parameters: { resource: 'message', operation: 'get', messageId: ID } }, [
				{},
			]),
		).rejects.toMatchObject({
			message: 'This feature is not enabled on your MessageMedia account [item 0]',
			description: expect.stringContaining('This feature has not been enabled in your account.'),
		});
	});

	it('with Continue On Fail returns one error item per failed id and keeps the others', async () => {
		nock(BASE_URL)
			.get('/v1/messages/a')
			.reply(200, { message_id: 'a', status: 'queued' })
			.get('/v1/messages/b')
			.reply(404, { message: 'Resource not found.' });
		const { output } = await executeActionNode(
			{
				continueOnFail: true,
				parameters: { resource: 'message', operation: 'get', messageId: '={{ $json.id }}' },
			},
			[{ id: 'a' }, { id: 'b' }],
		);
		expect(output[0]).toEqual([
			expect.objectContaining({
				json: expect.objectContaining({ messageId: 'a' }),
				pairedItem: { item: 0 },
			}),
			{
				json: {
					error: 'MessageMedia could not find message "b" [item 1]',
					description: 'MessageMedia says: Resource not found.',
				},
				pairedItem: { item: 1 },
			},
		]);
	});
});

describe('Message → Cancel', () => {
	it('cancels a scheduled message with PUT {status: cancelled}', async () => {
		const scope = nock(BASE_URL).put(`/v1/messages/${ID}`, { status: 'cancelled' }).reply(200, '');
		const { output } = await executeActionNode(
			{ parameters: { resource: 'message', operation: 'cancel', messageId: ID } },
			[{}],
		);
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toEqual({ messageId: ID, status: 'cancelled' });
	});

	it('says so when the message is not scheduled', async () => {
		nock(BASE_URL)
			.put(`/v1/messages/${ID}`)
			.reply(400, { message: 'Bad Request', details: ['/status: message is not scheduled'] });
		await expect(
			executeActionNode(
				{ parameters: { resource: 'message', operation: 'cancel', messageId: ID } },
				[{}],
			),
		).rejects.toMatchObject({
			message: `message "${ID}" cannot be cancelled because it is not scheduled [item 0]`,
			description: expect.stringContaining('Details: /status: message is not scheduled'),
		});
	});

	it('names the id when it does not exist', async () => {
		nock(BASE_URL).put(`/v1/messages/${ID}`).reply(404, { message: 'Resource not found.' });
		await expect(
			executeActionNode(
				{ parameters: { resource: 'message', operation: 'cancel', messageId: ID } },
				[{}],
			),
		).rejects.toMatchObject({ message: `MessageMedia could not find message "${ID}" [item 0]` });
	});
});
