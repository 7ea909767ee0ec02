import nock from 'nock';

import { MessageMediaMessagingApi } from '../../credentials/MessageMediaMessagingApi.credentials';
import { md5Hex, hmacSignature } from '../../nodes/MessageMedia/auth/hmac';
import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../helpers/n8n';

const credential = new MessageMediaMessagingApi();

describe('MessageMedia API credential', () => {
	it('has key, password secret, auth type, region with custom base URL and sub-account', () => {
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(byName.apiSecret.typeOptions).toEqual({ password: true });
		expect((byName.authType.options as Array<{ value: string }>).map((o) => o.value)).toEqual([
			'basic',
			'hmac',
		]);
		expect(byName.authType.hint).toMatch(/different key pairs/);
		expect((byName.region.options as Array<{ value: string }>).map((o) => o.value)).toEqual([
			'https://api.messagemedia.com',
			'https://au.app.api.sinch.com',
			'https://eu.app.api.sinch.com',
			'custom',
		]);
		expect(byName.region.default).toBe('https://api.messagemedia.com');
		expect(byName.baseUrl.displayOptions).toEqual({ show: { region: ['custom'] } });
		expect(byName.subAccount).toBeDefined();
	});

	it('tests the key with a side-effect-free GET of one webhook', () => {
		expect(credential.test.request.method).toBe('GET');
		expect(credential.test.request.url).toBe('/v1/webhooks/messages?page=0&page_size=1');
	});

	it('applies Basic auth, the region base URL and the Account header', async () => {
		const options = await credential.authenticate(
			{ ...TEST_CREDENTIALS, region: 'https://eu.app.api.sinch.com', subAccount: 'Sub1' },
			{ url: '/v1/replies', method: 'GET' },
		);
		expect(options.baseURL).toBe('https://eu.app.api.sinch.com');
		expect(options.auth).toEqual({ username: 'test-key', password: 'test-secret' });
		expect(options.headers).toEqual({ Account: 'Sub1' });
	});

	it('signs with HMAC over the query string and the exact body it sends', async () => {
		const options = await credential.authenticate(
			{ ...TEST_CREDENTIALS, authType: 'hmac' },
			{
				url: '/v1/webhooks/messages',
				qs: { page: 0, page_size: 100 },
				method: 'POST',
				body: { a: 'é' },
			},
		);
		expect(options.url).toBe('/v1/webhooks/messages?page=0&page_size=100');
		expect(options.body).toBe('{"a":"é"}');
		expect(options.auth).toBeUndefined();
		const headers = options.headers as Record<string, string>;
		const md5 = md5Hex('{"a":"é"}');
		expect(headers['x-Content-MD5']).toBe(md5);
		const signing = `date: ${headers.date}\nx-Content-MD5: ${md5}\nPOST /v1/webhooks/messages?page=0&page_size=100 HTTP/1.1`;
		expect(headers.Authorization).toBe(
			`hmac username="test-key", algorithm="hmac-sha1", headers="date x-Content-MD5 request-line", signature="${hmacSignature(signing, 'test-secret')}"`,
		);
	});

	it('keeps a base URL path prefix (a proxy) in the signed request line', async () => {
		const options = await credential.authenticate(
			{ ...TEST_CREDENTIALS, authType: 'hmac', baseUrl: 'https://proxy.example.com/mm/' },
			{ url: '/v1/replies', method: 'GET' },
		);
		const headers = options.headers as Record<string, string>;
		const signing = `date: ${headers.date}\nGET /mm/v1/replies HTTP/1.1`;
		expect(headers.Authorization).toContain(`signature="${hmacSignature(signing, 'test-secret')}"`);
	});

	it('sends HMAC-signed requests through n8n with the Account header', async () => {
		nock.disableNetConnect();
		let headers: Record<string, unknown> = {};
		let raw = '';
		nock(BASE_URL)
			.post('/v1/messages')
			.reply(function (_uri, body) {
				headers = this.req.headers;
				raw = JSON.stringify(body);
				return [202, { messages: [{ message_id: 'm1', status: 'queued' }] }];
			});
		await executeActionNode(
			{
				credentials: { ...TEST_CREDENTIALS, authType: 'hmac', subAccount: 'Sub1' },
				parameters: {
					resource: 'message',
					operation: 'send',
					destination: '+61491570156',
					content: 'Hello World',
				},
			},
			[{}],
		);
		expect(headers.account).toBe('Sub1');
		expect(headers['x-content-md5']).toBe(md5Hex(raw));
		expect(String(headers.authorization)).toMatch(
			/^hmac username="test-key", algorithm="hmac-sha1", headers="date x-Content-MD5 request-line", signature="[^"]+"$/,
		);
		const signing = `date: ${headers.date}\nx-Content-MD5: ${md5Hex(raw)}\nPOST /v1/messages HTTP/1.1`;
		expect(headers.authorization).toContain(hmacSignature(signing, 'test-secret'));
		nock.cleanAll();
		nock.enableNetConnect();
	});
});
