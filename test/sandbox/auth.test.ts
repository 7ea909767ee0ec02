import { createHmac } from 'crypto';
import { DEMO_CREDENTIALS, startSandbox, SandboxHandle } from '../../sandbox';
import { BASIC, call, CountersBody, hmacHeaders, MessagesBody } from './helpers';

const UNAUTHORISED = { message: 'Invalid authentication credentials' };
const BODY = JSON.stringify({
	messages: [{ content: 'Hello World', destination_number: '+61491570156', format: 'SMS' }],
});

describe('sandbox auth', () => {
	let sb: SandboxHandle;
	beforeAll(async () => {
		sb = await startSandbox({ port: 0, quiet: true });
	});
	afterAll(() => sb.close());

	it('reports the real ephemeral port', () => {
		expect(sb.port).toBeGreaterThan(0);
		expect(sb.url).toBe(`http://127.0.0.1:${sb.port}`);
	});

	it('the test signer reproduces the HMAC test vector of docs/messagemedia-api.md', () => {
		const signing =
			'date: Wed, 08 Feb 2023 03:00:00 GMT\nx-Content-MD5: e4355dd089ef72a8730a238a3a324237\nPOST /v1/messages HTTP/1.1';
		expect(createHmac('sha1', 'myApiSecret').update(signing).digest('base64')).toBe(
			'K+QdYtAMMvRnIIPG4NkbTjyxVBA=',
		);
		const h = hmacHeaders('POST', '/v1/messages', BODY, {
			key: 'myApiKey',
			secret: 'myApiSecret',
			date: 'Wed, 08 Feb 2023 03:00:00 GMT',
		});
		expect(h['x-Content-MD5']).toBe('e4355dd089ef72a8730a238a3a324237');
		expect(h.Authorization).toBe(
			'hmac username="myApiKey", algorithm="hmac-sha1", headers="date x-Content-MD5 request-line", signature="K+QdYtAMMvRnIIPG4NkbTjyxVBA="',
		);
	});

	it('accepts Basic with the demo basic key and rejects a wrong secret', async () => {
		expect((await call(sb.url, 'GET', '/v1/replies')).status).toBe(200);
		const wrong = 'Basic ' + Buffer.from('demo-basic-key:nope').toString('base64');
		const r = await call(sb.url, 'GET', '/v1/replies', undefined, { Authorization: wrong });
		expect(r.status).toBe(401);
		expect(r.json).toEqual(UNAUTHORISED);
		expect((await call(sb.url, 'GET', '/v1/replies', undefined, {})).status).toBe(401);
	});

	it('does not accept the HMAC key pair as Basic', async () => {
		const h = DEMO_CREDENTIALS.hmac;
		const auth = 'Basic ' + Buffer.from(`${h.apiKey}:${h.apiSecret}`).toString('base64');
		expect(
			(await call(sb.url, 'GET', '/v1/replies', undefined, { Authorization: auth })).status,
		).toBe(401);
	});

	it('accepts the SDK variant (hmac-sha1, date, x-Content-MD5) with a body', async () => {
		const r = await call(
			sb.url,
			'POST',
			'/v1/messages',
			BODY,
			hmacHeaders('POST', '/v1/messages', BODY),
		);
		expect(r.status).toBe(202);
	});

	it('accepts the documented variant (hmac-sha256, Date, Content-MD5)', async () => {
		const headers = hmacHeaders('POST', '/v1/messages', BODY, { variant: 'docs' });
		expect((await call(sb.url, 'POST', '/v1/messages', BODY, headers)).status).toBe(202);
	});

	it('signs the query string in the request line, with a path-only fallback', async () => {
		const path = '/v1/webhooks/messages?page=0&page_size=10';
		expect(
			(await call(sb.url, 'GET', path, undefined, hmacHeaders('GET', path, undefined))).status,
		).toBe(200);
		const legacy = hmacHeaders('GET', '/v1/webhooks/messages', undefined);
		expect((await call(sb.url, 'GET', path, undefined, legacy)).status).toBe(200);
		const wrongPath = hmacHeaders('GET', '/v1/replies', undefined);
		expect((await call(sb.url, 'GET', path, undefined, wrongPath)).status).toBe(401);
	});

	it('rejects a wrong signature, a wrong MD5, a stale date and the basic key used as HMAC', async () => {
		const good = hmacHeaders('POST', '/v1/messages', BODY);
		const cases: Array<Record<string, string>> = [
			{
				...good,
				Authorization: good.Authorization.replace(/signature="[^"]+"/, 'signature="AAAA"'),
			},
			hmacHeaders('POST', '/v1/messages', BODY, { md5: '0'.repeat(32) }),
			hmacHeaders('POST', '/v1/messages', BODY, {
				date: new Date(Date.now() - 301_000).toUTCString(),
			}),
			hmacHeaders('POST', '/v1/messages', BODY, {
				key: DEMO_CREDENTIALS.basic.apiKey,
				secret: DEMO_CREDENTIALS.basic.apiSecret,
			}),
			// Signed as POST but sent as PUT: the SDK bug must not be accepted.
			hmacHeaders('POST', '/v1/messages', BODY),
		];
		for (const [i, headers] of cases.entries()) {
			const method = i === 4 ? 'PUT' : 'POST';
			const r = await call(sb.url, method, '/v1/messages', BODY, headers);
			expect({ i, status: r.status, body: r.json }).toEqual({ i, status: 401, body: UNAUTHORISED });
		}
		// A body that differs from the signed one by a single byte.
		const r = await call(sb.url, 'POST', '/v1/messages', BODY + ' ', good);
		expect(r.status).toBe(401);
		const counters = (await call<CountersBody>(sb.url, 'GET', '/_sandbox/counters')).json;
		expect(counters.messagesAccepted).toBe(2);
	});

	it('keeps sub-account data apart via the Account header', async () => {
		const send = await call<MessagesBody>(sb.url, 'POST', '/v1/messages', BODY, {
			Authorization: BASIC,
			Account: 'SubAccount1',
		});
		expect(send.status).toBe(202);
		const id = send.json.messages[0].message_id;
		expect(
			(
				await call(sb.url, 'GET', `/v1/messages/${id}`, undefined, {
					Authorization: BASIC,
					Account: 'SubAccount1',
				})
			).status,
		).toBe(200);
		const other = await call(sb.url, 'GET', `/v1/messages/${id}`);
		expect(other.status).toBe(404);
		expect(other.json).toEqual({ message: 'Resource not found.' });
	});
});
