import { createPublicKey, generateKeyPairSync, sign, verify } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import nock from 'nock';

import { BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../../helpers/n8n';

const SUB = { ...TEST_CREDENTIALS, subAccount: 'SubAcc1' };
const KEYS = '/v1/iam/signature_keys';

const key = (id: string, enabled = false) => ({
	key_id: id,
	cipher: 'RSA',
	digest: 'SHA256',
	created: '2018-01-18T10:16:12.364Z',
	enabled,
});
const simplified = (id: string, enabled = false) => ({
	keyId: id,
	cipher: 'RSA',
	digest: 'SHA256',
	created: '2018-01-18T10:16:12.364Z',
	enabled,
});

const run = (
	parameters: Record<string, unknown>,
	credentials: ICredentialDataDecryptedObject = SUB,
) =>
	executeActionNode({ parameters: { resource: 'signatureKey', ...parameters }, credentials }, [{}]);

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Signature Key → Create', () => {
	it('creates an RSA key and outputs public_key plus a PEM that verifies signatures', async () => {
		const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
		const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
		let body: unknown;
		const scope = nock(BASE_URL)
			.post(KEYS, (b) => {
				body = b;
				return true;
			})
			.matchHeader('account', 'SubAcc1')
			.matchHeader('accept', 'application/json')
			.reply(201, { ...key('k-1'), digest: 'SHA512', public_key: der });
		const { output } = await run({ operation: 'create', digest: 'SHA512' });
		expect(scope.isDone()).toBe(true);
		expect(body).toEqual({ digest: 'SHA512', cipher: 'RSA' });
		const json = output[0][0].json;
		expect(json).toMatchObject({ ...simplified('k-1'), digest: 'SHA512', public_key: der });
		const pem = json.publicKeyPem as string;
		expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n(.{1,64}\n)+-----END PUBLIC KEY-----\n$/);
		const data = Buffer.from('POST /webhook HTTP/1.1Mon, 01 Jan 2024 00:00:00 GMT{}');
		const signature = sign('sha512', data, privateKey);
		expect(verify('sha512', data, createPublicKey(pem), signature)).toBe(true);
	});

	it('does not retry a create after a server error', async () => {
		const scope = nock(BASE_URL).post(KEYS).reply(503, {});
		await expect(run({ operation: 'create', digest: 'SHA256' })).rejects.toThrow('server error');
		expect(scope.isDone()).toBe(true);
	});

	it('maps a 403 to the feature-not-enabled error', async () => {
		nock(BASE_URL)
			.post(KEYS)
			.reply(403, { message: 'This feature has not been enabled in your account.' });
		await expect(run({ operation: 'create', digest: 'SHA224' })).rejects.toThrow(
			'This feature is not enabled on your MessageMedia account',
		);
	});
});

describe('Signature Key → Get / Delete', () => {
	it('gets one key', async () => {
		const scope = nock(BASE_URL)
			.get(`${KEYS}/k-1`)
			.matchHeader('account', 'SubAcc1')
			.reply(200, key('k-1', true));
		const { output } = await run({ operation: 'get', keyId: 'k-1' });
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toEqual(simplified('k-1', true));
	});

	it('names the key in a 404', async () => {
		nock(BASE_URL).get(`${KEYS}/nope`).reply(404, { message: 'Entity not found' });
		await expect(run({ operation: 'get', keyId: 'nope' })).rejects.toThrow(
			'MessageMedia could not find signature key "nope"',
		);
		nock(BASE_URL).delete(`${KEYS}/nope`).reply(404, { message: 'Entity not found' });
		await expect(run({ operation: 'delete', keyId: 'nope' })).rejects.toThrow(
			'MessageMedia could not find signature key "nope"',
		);
	});

	it('deletes a key', async () => {
		const scope = nock(BASE_URL).delete(`${KEYS}/k-1`).matchHeader('account', 'SubAcc1').reply(200);
		const { output } = await run({ operation: 'delete', keyId: 'k-1' });
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toEqual({ keyId: 'k-1', deleted: true });
	});
});

describe('Signature Key → Get Many', () => {
	it('pages from 1 until a short page', async () => {
		const scope = nock(BASE_URL)
			.get(KEYS)
			.query({ page: '1', page_size: '100' })
			.matchHeader('account', 'SubAcc1')
			.reply(
				200,
				Array.from({ length: 100 }, (_, i) => key(`a${i}`)),
			)
			.get(KEYS)
			.query({ page: '2', page_size: '100' })
			.reply(200, [key('b0', true)]);
		const { output } = await run({ operation: 'getAll', returnAll: true });
		expect(scope.isDone()).toBe(true);
		expect(output[0]).toHaveLength(101);
		expect(output[0][100].json).toEqual(simplified('b0', true));
	});

	it('stops at Limit', async () => {
		const scope = nock(BASE_URL)
			.get(KEYS)
			.query({ page: '1', page_size: '100' })
			.reply(200, [key('a'), key('b'), key('c')]);
		const { output } = await run({ operation: 'getAll', returnAll: false, limit: 2 });
		expect(scope.isDone()).toBe(true);
		expect(output[0].map((o) => o.json.keyId)).toEqual(['a', 'b']);
	});
});

describe('Signature Key → Enable / Get Enabled / Disable', () => {
	it('enables a key', async () => {
		const scope = nock(BASE_URL)
			.patch(`${KEYS}/enabled`, { key_id: 'k-1' })
			.matchHeader('account', 'SubAcc1')
			.reply(200, key('k-1', true));
		const { output } = await run({ operation: 'enable', keyId: ' k-1 ' });
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toEqual(simplified('k-1', true));
	});

	it('names the key when enabling an unknown one', async () => {
		nock(BASE_URL).patch(`${KEYS}/enabled`).reply(404, { message: 'Entity not found' });
		await expect(run({ operation: 'enable', keyId: 'nope' })).rejects.toThrow(
			'MessageMedia could not find signature key "nope"',
		);
	});

	it('gets the enabled key', async () => {
		const scope = nock(BASE_URL)
			.get(`${KEYS}/enabled`)
			.matchHeader('account', 'SubAcc1')
			.reply(200, key('k-1', true));
		const { output } = await run({ operation: 'getEnabled' });
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toEqual(simplified('k-1', true));
	});

	it('outputs enabled false when no key is enabled', async () => {
		nock(BASE_URL).get(`${KEYS}/enabled`).reply(404, { message: 'Currently no key is enabled' });
		const { output } = await run({ operation: 'getEnabled' });
		expect(output[0][0].json).toEqual({ keyId: null, enabled: false });
	});

	it('disables signing', async () => {
		const scope = nock(BASE_URL)
			.delete(`${KEYS}/enabled`)
			.matchHeader('account', 'SubAcc1')
			.reply(204);
		const { output } = await run({ operation: 'disable' });
		expect(scope.isDone()).toBe(true);
		expect(output[0][0].json).toEqual({ disabled: true });
	});

	it('maps a 403 on disable', async () => {
		nock(BASE_URL)
			.delete(`${KEYS}/enabled`)
			.reply(403, { message: 'This feature has not been enabled in your account.' });
		await expect(run({ operation: 'disable' }, TEST_CREDENTIALS)).rejects.toThrow(
			'This feature is not enabled on your MessageMedia account',
		);
	});
});
