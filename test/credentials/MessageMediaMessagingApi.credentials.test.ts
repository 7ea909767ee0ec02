import nock from 'nock';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteData,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';
import { ExecuteContext, RoutingNode } from 'n8n-core';

import { MessageMediaMessagingApi } from '../../credentials/MessageMediaMessagingApi.credentials';
import { hmacSignature, md5Hex } from '../../nodes/MessageMedia/auth/hmac';
import { additionalData, BASE_URL, executeActionNode, TEST_CREDENTIALS } from '../helpers/n8n';

const credential = new MessageMediaMessagingApi();

interface SeenRequest {
	method: string;
	host: string;
	path: string;
	headers: Record<string, unknown>;
	body: string;
}

/**
 * Runs the credential's test the way n8n's CredentialsTester does: a throwaway node whose one
 * property routes `credential.test.request`, executed by n8n-core's RoutingNode, which resolves
 * the expressions against the credential and sends the request through `authenticate`.
 */
async function runCredentialTest(data: ICredentialDataDecryptedObject): Promise<void> {
	const testNodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'temp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: credential.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: credential.test.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'temp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credential.name]: { id: 'cred-1', name: 'MessageMedia account' } },
	};
	const nodeTypes = {
		getByName: () => testNodeType,
		getByNameAndVersion: () => testNodeType,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const inputData = { main: [[{ json: {} }] as INodeExecutionData[]] };
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData({ parameters: {}, credentials: data }),
		'internal',
		createRunExecutionData({}),
		0,
		[],
		inputData,
		executeData,
		[],
	);
	const decrypted: ICredentialsDecrypted = {
		id: 'cred-1',
		name: 'MessageMedia account',
		type: credential.name,
		data,
	};
	await workflow.expression.acquireIsolate();
	try {
		await new RoutingNode(context, testNodeType, decrypted).runNode();
	} finally {
		await workflow.expression.releaseIsolate();
	}
}

/** Answers every request to `origin` with `status` and records it; nothing else may be reached. */
function record(origin: string, status = 200): SeenRequest[] {
	const seen: SeenRequest[] = [];
	const scope = nock(origin).persist();
	for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
		scope
			.intercept(() => true, method)
			.reply(function (path, body) {
				seen.push({
					method: this.req.method,
					host: new URL(origin).host,
					path,
					headers: this.req.headers,
					body: typeof body === 'string' ? body : JSON.stringify(body),
				});
				return [status, { replies: [] }];
			});
	}
	return seen;
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
	nock.cleanAll();
	nock.enableNetConnect();
});

describe("n8n's credential test", () => {
	it('reads the unconfirmed replies with one GET and no query string', async () => {
		const seen = record(BASE_URL);
		await runCredentialTest(TEST_CREDENTIALS);
		expect(seen).toHaveLength(1);
		expect(seen[0]).toMatchObject({ method: 'GET', path: '/v1/replies', body: '' });
		expect(seen[0].headers.authorization).toBe(
			`Basic ${Buffer.from('test-key:test-secret').toString('base64')}`,
		);
	});

	it('signs the bare request line with HMAC, which MessageMedia’s own SDKs also sign', async () => {
		const seen = record(BASE_URL);
		await runCredentialTest({ ...TEST_CREDENTIALS, authType: 'hmac' });
		expect(seen).toHaveLength(1);
		const { headers } = seen[0];
		expect(headers['x-content-md5']).toBeUndefined();
		const signing = `date: ${headers.date}\nGET /v1/replies HTTP/1.1`;
		expect(headers.authorization).toBe(
			`hmac username="test-key", algorithm="hmac-sha1", headers="date request-line", signature="${hmacSignature(signing, 'test-secret')}"`,
		);
	});

	it.each([
		['https://api.messagemedia.com', 'https://api.messagemedia.com'],
		['https://au.app.api.sinch.com', 'https://au.app.api.sinch.com'],
		['https://eu.app.api.sinch.com', 'https://eu.app.api.sinch.com'],
	])('goes to the region %s', async (region, origin) => {
		const seen = record(origin);
		await runCredentialTest({ ...TEST_CREDENTIALS, region, baseUrl: 'https://ignored.test' });
		expect(seen.map((r) => `${r.host}${r.path}`)).toEqual([`${new URL(origin).host}/v1/replies`]);
	});

	it('goes to a custom base URL, path prefix included, and sends the sub-account', async () => {
		const seen = record('https://proxy.example.com');
		await runCredentialTest({
			...TEST_CREDENTIALS,
			authType: 'hmac',
			baseUrl: 'https://proxy.example.com/mm',
			subAccount: ' Sub1 ',
		});
		expect(seen.map((r) => r.path)).toEqual(['/mm/v1/replies']);
		expect(seen[0].headers.account).toBe('Sub1');
		const signing = `date: ${seen[0].headers.date}\nGET /mm/v1/replies HTTP/1.1`;
		expect(seen[0].headers.authorization).toContain(
			`signature="${hmacSignature(signing, 'test-secret')}"`,
		);
	});

	it('fails with the status when MessageMedia refuses the key', async () => {
		record(BASE_URL, 401);
		const error = await runCredentialTest(TEST_CREDENTIALS).then(
			() => undefined,
			(e: unknown) => e,
		);
		// CredentialsTester reports the status it finds here as the test's error.
		expect(error).toMatchObject({ cause: { response: { status: 401 } } });
	});
});

describe('authenticate', () => {
	it('uses Basic auth with the key pair, the region base URL and the Account header', async () => {
		const options = await credential.authenticate(
			{ ...TEST_CREDENTIALS, region: 'https://eu.app.api.sinch.com', subAccount: 'Sub1' },
			{ url: '/v1/replies', method: 'GET' },
		);
		expect(options.baseURL).toBe('https://eu.app.api.sinch.com');
		expect(options.auth).toEqual({ username: 'test-key', password: 'test-secret' });
		expect(options.headers).toEqual({ Account: 'Sub1' });
	});

	it('sends no Account header without a sub-account', async () => {
		const options = await credential.authenticate(
			{ ...TEST_CREDENTIALS, subAccount: '  ' },
			{ url: '/v1/replies', method: 'GET' },
		);
		expect(options.headers).toEqual({});
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

	it('sends HMAC-signed node requests through n8n with the Account header', async () => {
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
		const signing = `date: ${headers.date}\nx-Content-MD5: ${md5Hex(raw)}\nPOST /v1/messages HTTP/1.1`;
		expect(headers.authorization).toBe(
			`hmac username="test-key", algorithm="hmac-sha1", headers="date x-Content-MD5 request-line", signature="${hmacSignature(signing, 'test-secret')}"`,
		);
	});
});
