import nock from 'nock';

import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import { VERIFICATION_HEADER } from '../../nodes/MessageMedia/trigger/webhookHeaders';
import { WEBHOOK_TEMPLATE } from '../../nodes/MessageMedia/trigger/webhookTemplate';
import type { HookRunOptions } from '../helpers/n8n';
import { BASE_URL, hookContext, TEST_CREDENTIALS } from '../helpers/n8n';
import { TEST_URL, WEBHOOK_URL } from './fixtures';

const trigger = new MessageMediaTrigger();
const methods = trigger.webhookMethods.default;
const EVENTS = ['RECEIVED_SMS', 'OPT_OUT_SMS', 'DELIVERED_DR'];
const SORTED = [...EVENTS].sort();
const SECRET = 'b'.repeat(64);

const params = (options: Record<string, unknown> = {}) => ({ events: EVENTS, options });

function hook(options: Partial<HookRunOptions> = {}) {
	const built = hookContext({ parameters: params(), ...options });
	return built;
}

function remote(overrides: Record<string, unknown> = {}) {
	return {
		id: 'wh-1',
		url: WEBHOOK_URL,
		method: 'POST',
		encoding: 'JSON',
		events: SORTED,
		headers: { [VERIFICATION_HEADER]: SECRET, 'X-N8N-Workflow-Id': 'wf-1' },
		template: WEBHOOK_TEMPLATE,
		retries: 3,
		retry_delay: 30,
		...overrides,
	};
}

function list(...hooks: unknown[]) {
	return nock(BASE_URL)
		.get('/v1/webhooks/messages')
		.query((q) => q.page === '0')
		.reply(200, { page: 0, pageSize: 100, pageData: hooks });
}

const stored = (overrides: Record<string, unknown> = {}) => ({
	webhookId: 'wh-1',
	webhookUrl: WEBHOOK_URL,
	webhookSecret: SECRET,
	...overrides,
});

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => {
	const pending = nock.pendingMocks();
	nock.cleanAll();
	expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe('create', () => {
	it('registers the node URL with the template, a fresh secret, tags and retries', async () => {
		let sent: Record<string, unknown> = {};
		nock(BASE_URL)
			.post('/v1/webhooks/messages', (body) => {
				sent = body;
				return true;
			})
			.reply(201, (_uri, body) => ({ ...(body as object), id: 'wh-new' }));
		const { context, staticData } = hook();
		await expect(methods.create.call(context)).resolves.toBe(true);

		expect(sent).toMatchObject({
			url: WEBHOOK_URL,
			method: 'POST',
			encoding: 'JSON',
			events: SORTED,
			template: WEBHOOK_TEMPLATE,
			retries: 3,
			retry_delay: 30,
			headers: { 'X-N8N-Workflow-Id': 'wf-1' },
		});
		const secret = (sent.headers as Record<string, string>)[VERIFICATION_HEADER];
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		expect(staticData()).toEqual({
			webhookId: 'wh-new',
			webhookUrl: WEBHOOK_URL,
			webhookSecret: secret,
		});
	});

	it('subscribes to every documented event when All Events is picked', async () => {
		let events: unknown;
		nock(BASE_URL)
			.post('/v1/webhooks/messages', (body) => {
				events = body.events;
				return true;
			})
			.reply(201, (_uri, body) => ({ ...(body as object), id: 'wh-all' }));
		const { context } = hook({ parameters: { events: ['*'], options: {} } });
		await methods.create.call(context);
		expect(events).toEqual([
			'DELIVERED_DR',
			'ENROUTE_DR',
			'EXPIRED_DR',
			'FAILED_DR',
			'OPT_OUT_SMS',
			'RECEIVED_MMS',
			'RECEIVED_SMS',
			'REJECTED_DR',
			'SUBMITTED_DR',
		]);
	});

	it('generates a different secret on every registration', async () => {
		const secrets: string[] = [];
		nock(BASE_URL)
			.post('/v1/webhooks/messages')
			.times(2)
			.reply(201, (_uri, body) => {
				secrets.push((body as { headers: Record<string, string> }).headers[VERIFICATION_HEADER]);
				return { id: `wh-${secrets.length}` };
			});
		await methods.create.call(hook().context);
		await methods.create.call(hook().context);
		expect(secrets[0]).not.toBe(secrets[1]);
	});

	it('honours the retry options', async () => {
		let sent: Record<string, unknown> = {};
		nock(BASE_URL)
			.post('/v1/webhooks/messages', (body) => ((sent = body), true))
			.reply(201, { id: 'wh-2' });
		await methods.create.call(hook({ parameters: params({ retries: 0, retryDelay: 10 }) }).context);
		expect(sent.retries).toBe(0);
		expect(sent).not.toHaveProperty('retry_delay');
	});

	it('on 409 updates the existing webhook for the URL instead of adding one', async () => {
		nock(BASE_URL).post('/v1/webhooks/messages').reply(409, {
			message: 'A webhook with the given url and method already exists.',
		});
		list(
			remote({ id: 'other', url: 'https://elsewhere.example/x' }),
			remote({ id: 'wh-old', headers: {} }),
		);
		let patched: Record<string, unknown> = {};
		nock(BASE_URL)
			.patch('/v1/webhooks/messages/wh-old', (body) => ((patched = body), true))
			.reply(200, (_uri, body) => ({ ...(body as object), id: 'wh-old' }));
		const { context, staticData } = hook();
		await expect(methods.create.call(context)).resolves.toBe(true);
		expect(patched).toMatchObject({ url: WEBHOOK_URL, events: SORTED, template: WEBHOOK_TEMPLATE });
		expect(patched).not.toHaveProperty('retries');
		const secret = (patched.headers as Record<string, string>)[VERIFICATION_HEADER];
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		expect(staticData()).toMatchObject({ webhookId: 'wh-old', webhookSecret: secret });
	});

	it('on 409 replaces the webhook when its retries differ (PATCH cannot change them)', async () => {
		nock(BASE_URL).post('/v1/webhooks/messages').reply(409, { message: 'exists' });
		list(remote({ id: 'wh-old', retries: 0, retry_delay: undefined }));
		nock(BASE_URL).delete('/v1/webhooks/messages/wh-old').reply(204);
		nock(BASE_URL)
			.post('/v1/webhooks/messages', (body) => body.retries === 3)
			.reply(201, { id: 'wh-fresh' });
		const { context, staticData } = hook();
		await methods.create.call(context);
		expect(staticData().webhookId).toBe('wh-fresh');
	});

	it('fails clearly on a 409 whose webhook is not listed', async () => {
		nock(BASE_URL).post('/v1/webhooks/messages').reply(409, { message: 'exists' });
		list();
		await expect(methods.create.call(hook().context)).rejects.toThrow(/does not list it/);
	});

	it('fails when MessageMedia returns no id', async () => {
		nock(BASE_URL).post('/v1/webhooks/messages').reply(201, {});
		await expect(methods.create.call(hook().context)).rejects.toThrow(/did not return the id/);
	});

	it('refuses a localhost URL when talking to MessageMedia cloud, naming WEBHOOK_URL', async () => {
		const { context } = hook({
			webhookUrl: 'http://localhost:5678/webhook/hook-uuid/webhook',
			credentials: { ...TEST_CREDENTIALS, region: 'https://api.messagemedia.com' },
		});
		const error = await methods.create
			.call(context)
			.catch((e: Error & { description?: string }) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as { description: string }).description).toMatch(/WEBHOOK_URL/);
		expect((error as { description: string }).description).toMatch(/tunnel/);
		expect((error as { description: string }).description).not.toMatch(/--tunnel/);
	});

	it('allows a localhost URL against a custom base URL such as the sandbox', async () => {
		nock(BASE_URL).post('/v1/webhooks/messages').reply(201, { id: 'wh-local' });
		const { context } = hook({ webhookUrl: 'http://127.0.0.1:5678/webhook/hook-uuid/webhook' });
		await expect(methods.create.call(context)).resolves.toBe(true);
	});

	it('removes the stored webhook when the instance URL changed', async () => {
		nock(BASE_URL).delete('/v1/webhooks/messages/wh-1').reply(204);
		nock(BASE_URL).post('/v1/webhooks/messages').reply(201, { id: 'wh-2' });
		const { context, staticData } = hook({
			staticData: stored({ webhookUrl: 'https://old.example.com/webhook/hook-uuid/webhook' }),
		});
		await methods.create.call(context);
		expect(staticData().webhookId).toBe('wh-2');
	});

	it('keeps the production webhook when test mode registers its own', async () => {
		let sentUrl = '';
		nock(BASE_URL)
			.post('/v1/webhooks/messages', (body) => ((sentUrl = body.url), true))
			.reply(201, { id: 'wh-test' });
		const { context, staticData } = hook({ webhookUrl: TEST_URL, staticData: stored() });
		await methods.create.call(context);
		expect(sentUrl).toBe(TEST_URL);
		expect(staticData()).toMatchObject({ webhookId: 'wh-test', webhookUrl: TEST_URL });
	});
});

describe('checkExists', () => {
	it('is true when the stored webhook exists with the same URL, events and secret', async () => {
		list(remote());
		await expect(methods.checkExists.call(hook({ staticData: stored() }).context)).resolves.toBe(
			true,
		);
	});

	it.each([
		['events differ', { events: ['RECEIVED_SMS'] }],
		['URL differs', { url: 'https://elsewhere.example/webhook/hook-uuid/webhook' }],
		['secret differs', { headers: { [VERIFICATION_HEADER]: 'c'.repeat(64) } }],
		['template is from another version', { template: '{"old":"$!replyId"}' }],
		['retries differ', { retries: 1 }],
	])('is false when %s, and changes nothing remotely', async (_name, overrides) => {
		list(remote(overrides));
		const { context, staticData } = hook({ staticData: stored() });
		await expect(methods.checkExists.call(context)).resolves.toBe(false);
		expect(staticData().webhookId).toBe('wh-1');
	});

	it('is false for a stored production webhook while registering the test URL', async () => {
		list(remote());
		const { context } = hook({ webhookUrl: TEST_URL, staticData: stored() });
		await expect(methods.checkExists.call(context)).resolves.toBe(false);
	});

	it('forgets a stored webhook that was deleted at MessageMedia', async () => {
		list(remote({ id: 'someone-else' }));
		const { context, staticData } = hook({ staticData: stored() });
		await expect(methods.checkExists.call(context)).resolves.toBe(false);
		expect(staticData().webhookId).toBeUndefined();
	});

	it('walks every page of the list', async () => {
		const filler = Array.from({ length: 100 }, (_, i) =>
			remote({ id: `x${i}`, url: `https://other.example/${i}` }),
		);
		list(...filler);
		nock(BASE_URL)
			.get('/v1/webhooks/messages')
			.query((q) => q.page === '1')
			.reply(200, { page: 1, pageSize: 100, pageData: [remote()] });
		await expect(methods.checkExists.call(hook({ staticData: stored() }).context)).resolves.toBe(
			true,
		);
	});

	it('adopts our webhook by URL when static data was lost', async () => {
		list(remote());
		const { context, staticData } = hook();
		await expect(methods.checkExists.call(context)).resolves.toBe(true);
		expect(staticData()).toEqual({
			webhookId: 'wh-1',
			webhookUrl: WEBHOOK_URL,
			webhookSecret: SECRET,
		});
	});

	it('does not adopt a webhook for our URL that lacks our secret header', async () => {
		list(remote({ headers: { Source: 'n8n' } }));
		const { context, staticData } = hook();
		await expect(methods.checkExists.call(context)).resolves.toBe(false);
		expect(staticData().webhookId).toBeUndefined();
	});

	it('does not adopt a webhook whose secret header was not written by this node', async () => {
		list(remote({ headers: { [VERIFICATION_HEADER]: 'hunter2' } }));
		await expect(methods.checkExists.call(hook().context)).resolves.toBe(false);
	});

	it('does not adopt our webhook when its events differ', async () => {
		list(remote({ events: ['RECEIVED_SMS'] }));
		await expect(methods.checkExists.call(hook().context)).resolves.toBe(false);
	});

	it('throws on an authentication error instead of reporting "missing"', async () => {
		nock(BASE_URL)
			.get('/v1/webhooks/messages')
			.query(true)
			.reply(401, { message: 'Invalid authentication credentials' });
		await expect(methods.checkExists.call(hook({ staticData: stored() }).context)).rejects.toThrow(
			/API key or secret/,
		);
	});
});

describe('delete', () => {
	it('deletes the stored webhook and clears static data', async () => {
		nock(BASE_URL).delete('/v1/webhooks/messages/wh-1').reply(204);
		const { context, staticData } = hook({ staticData: stored() });
		await expect(methods.delete.call(context)).resolves.toBe(true);
		expect(staticData()).toEqual({});
	});

	it('treats 404 as already deleted', async () => {
		nock(BASE_URL)
			.delete('/v1/webhooks/messages/wh-1')
			.reply(404, { message: 'Resource not found.' });
		const { context, staticData } = hook({ staticData: stored() });
		await expect(methods.delete.call(context)).resolves.toBe(true);
		expect(staticData().webhookId).toBeUndefined();
	});

	it('keeps the ids when deleting fails, so the next activation reuses the webhook', async () => {
		nock(BASE_URL).delete('/v1/webhooks/messages/wh-1').reply(401, { message: 'nope' });
		const { context, staticData } = hook({ staticData: stored() });
		await expect(methods.delete.call(context)).resolves.toBe(false);
		expect(staticData().webhookId).toBe('wh-1');
	});

	it('finds our webhook by URL when static data was lost', async () => {
		list(remote({ id: 'wh-lost' }));
		nock(BASE_URL).delete('/v1/webhooks/messages/wh-lost').reply(204);
		await expect(methods.delete.call(hook().context)).resolves.toBe(true);
	});

	it('leaves a webhook for our URL alone when it is not ours', async () => {
		list(remote({ headers: {} }));
		await expect(methods.delete.call(hook().context)).resolves.toBe(true);
	});
});
