import { buildHmacHeaders, hmacSignature, md5Hex } from '../../nodes/MessageMedia/auth/hmac';

// Vectors from docs/messagemedia-api.md (HMAC), computed as the official SDKs sign.
const DATE = new Date('Wed, 08 Feb 2023 03:00:00 GMT');
const BODY =
	'{"messages":[{"content":"Hello World","destination_number":"+61491570156","format":"SMS"}]}';

describe('HMAC signing', () => {
	it('hashes the exact body bytes with MD5 (hex)', () => {
		expect(md5Hex(BODY)).toBe('e4355dd089ef72a8730a238a3a324237');
	});

	it('signs a POST with date, x-Content-MD5 and the request line (SDK vector)', () => {
		const headers = buildHmacHeaders({
			apiKey: 'myApiKey',
			apiSecret: 'myApiSecret',
			method: 'POST',
			pathAndQuery: '/v1/messages',
			body: BODY,
			date: DATE,
		});
		expect(headers).toEqual({
			date: 'Wed, 08 Feb 2023 03:00:00 GMT',
			'x-Content-MD5': 'e4355dd089ef72a8730a238a3a324237',
			Authorization:
				'hmac username="myApiKey", algorithm="hmac-sha1", headers="date x-Content-MD5 request-line", signature="K+QdYtAMMvRnIIPG4NkbTjyxVBA="',
		});
	});

	it('signs a GET without a body over the date and request line only (SDK vector)', () => {
		const headers = buildHmacHeaders({
			apiKey: 'myApiKey',
			apiSecret: 'myApiSecret',
			method: 'GET',
			pathAndQuery: '/v1/messages/404b941b-2a29-469f-b114-9ea3e16bbe18',
			date: DATE,
		});
		expect(headers['x-Content-MD5']).toBeUndefined();
		expect(headers.Authorization).toBe(
			'hmac username="myApiKey", algorithm="hmac-sha1", headers="date request-line", signature="hfI/27NvtZUXEq4xoJSwcKDPbGY="',
		);
	});

	it('uses the real method in the request line, unlike the SDKs (PUT is not signed as POST)', () => {
		const put = buildHmacHeaders({
			apiKey: 'k',
			apiSecret: 's',
			method: 'PUT',
			pathAndQuery: '/v1/messages/x',
			body: '{"status":"cancelled"}',
			date: DATE,
		});
		const md5 = md5Hex('{"status":"cancelled"}');
		const expected = hmacSignature(
			`date: ${DATE.toUTCString()}\nx-Content-MD5: ${md5}\nPUT /v1/messages/x HTTP/1.1`,
			's',
		);
		expect(put.Authorization).toContain(`signature="${expected}"`);
	});
});
