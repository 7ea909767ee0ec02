import { startSandbox, SandboxHandle } from '../../sandbox';
import { call, CountersBody, MessagesBody } from './helpers';

const ONE = { messages: [{ content: 'fault test', destination_number: '+61491570156' }] };

describe('sandbox control API', () => {
	let sb: SandboxHandle;
	beforeAll(async () => {
		sb = await startSandbox({ port: 0, quiet: true });
	});
	afterAll(() => sb.close());
	beforeEach(() => call(sb.url, 'POST', '/_sandbox/reset'));

	const messages = async () => (await call<MessagesBody>(sb.url, 'GET', '/_sandbox/messages')).json;

	it('injects 429 with Retry-After and no side effect', async () => {
		const f = await call(sb.url, 'POST', '/_sandbox/faults', {
			rate429: 1,
			retryAfterSeconds: 7,
			paths: ['/v1/messages'],
		});
		expect(f.status).toBe(200);
		const r = await call(sb.url, 'POST', '/v1/messages', ONE);
		expect(r.status).toBe(429);
		expect(r.headers.get('retry-after')).toBe('7');
		expect((await messages()).count).toBe(0);
		// Other paths are untouched.
		expect((await call(sb.url, 'GET', '/v1/replies')).status).toBe(200);
		await call(sb.url, 'DELETE', '/_sandbox/faults');
		expect((await call(sb.url, 'POST', '/v1/messages', ONE)).status).toBe(202);
		expect((await messages()).count).toBe(1);
	});

	it('injects 500 and 503 without storing, and only for the listed methods', async () => {
		await call(sb.url, 'POST', '/_sandbox/faults', { rate500: 1, methods: ['POST'] });
		expect((await call(sb.url, 'POST', '/v1/messages', ONE)).status).toBe(500);
		expect((await call(sb.url, 'GET', '/v1/replies')).status).toBe(200);
		await call(sb.url, 'POST', '/_sandbox/faults', { rate503: 1 });
		expect((await call(sb.url, 'GET', '/v1/replies')).status).toBe(503);
		expect((await messages()).count).toBe(0);
	});

	it('rate500AfterAccept stores the messages and still answers 500', async () => {
		await call(sb.url, 'POST', '/_sandbox/faults', {
			rate500AfterAccept: 1,
			paths: ['/v1/messages'],
		});
		const r = await call(sb.url, 'POST', '/v1/messages', ONE);
		expect(r.status).toBe(500);
		const all = await messages();
		expect(all.count).toBe(1);
		expect(all.messages[0].content).toBe('fault test');
	});

	it('holds timed-out requests and resets sockets', async () => {
		await call(sb.url, 'POST', '/_sandbox/faults', { rateTimeout: 1 });
		await expect(
			fetch(`${sb.url}/v1/replies`, { signal: AbortSignal.timeout(300) }),
		).rejects.toThrow();
		await call(sb.url, 'POST', '/_sandbox/faults', { rateReset: 1 });
		await expect(fetch(`${sb.url}/v1/replies`)).rejects.toThrow();
		await call(sb.url, 'POST', '/_sandbox/faults', {
			rateTimeoutAfterAccept: 1,
			paths: ['/v1/messages'],
		});
		await expect(
			fetch(`${sb.url}/v1/messages`, {
				method: 'POST',
				headers: {
					'Content-Type': 'application/json',
					Authorization:
						'Basic ' + Buffer.from('demo-basic-key:demo-basic-secret').toString('base64'),
				},
				body: JSON.stringify(ONE),
				signal: AbortSignal.timeout(300),
			}),
		).rejects.toThrow();
		expect((await messages()).count).toBe(1);
	});

	it('limits the number of injected faults with count', async () => {
		await call(sb.url, 'POST', '/_sandbox/faults', { rate429: 1, count: 2 });
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await call(sb.url, 'GET', '/v1/replies')).status);
		expect(statuses).toEqual([429, 429, 200]);
	});

	it('adds latency', async () => {
		await call(sb.url, 'POST', '/_sandbox/faults', { latencyMs: 150 });
		const t = Date.now();
		expect((await call(sb.url, 'GET', '/v1/replies')).status).toBe(200);
		expect(Date.now() - t).toBeGreaterThanOrEqual(140);
	});

	it('rejects unknown fault and config keys', async () => {
		expect((await call(sb.url, 'POST', '/_sandbox/faults', { rate418: 1 })).status).toBe(400);
		expect((await call(sb.url, 'POST', '/_sandbox/faults', { rate429: 2 })).status).toBe(400);
		expect((await call(sb.url, 'POST', '/_sandbox/config', { colour: 'red' })).status).toBe(400);
		expect((await call(sb.url, 'POST', '/_sandbox/config', { drIntervalMs: 'fast' })).status).toBe(
			400,
		);
	});

	it('counts requests and responses by route pattern', async () => {
		const sent = await call<MessagesBody>(sb.url, 'POST', '/v1/messages', ONE);
		await call(sb.url, 'POST', '/v1/messages', ONE);
		await call(sb.url, 'GET', `/v1/messages/${sent.json.messages[0].message_id}`);
		await call(sb.url, 'GET', '/v1/messages/00000000-0000-4000-8000-000000000000');
		await call(sb.url, 'GET', '/v1/replies', undefined, {});
		const c = (await call<CountersBody>(sb.url, 'GET', '/_sandbox/counters')).json;
		expect(c.requests).toEqual({
			'POST /v1/messages': 2,
			'GET /v1/messages/:id': 2,
			'GET /v1/replies': 1,
		});
		expect(c.responses).toEqual({
			'POST /v1/messages 202': 2,
			'GET /v1/messages/:id 200': 1,
			'GET /v1/messages/:id 404': 1,
			'GET /v1/replies 401': 1,
		});
		expect(c.messagesAccepted).toBe(2);
		expect(c.uniqueContents).toBe(1);
		expect(c.webhookDeliveries).toMatchObject({ attempts: 0, succeeded: 0, failed: 0 });
		expect(c.callbackDeliveries).toMatchObject({ attempts: 0 });
	});

	it('reset clears state, counters, faults and config', async () => {
		await call(sb.url, 'POST', '/v1/messages', ONE);
		await call(sb.url, 'POST', '/_sandbox/config', { drIntervalMs: 5, lookupsAvailable: false });
		await call(sb.url, 'POST', '/_sandbox/faults', { rate503: 1, paths: ['/v1/lookups'] });
		expect((await call(sb.url, 'POST', '/_sandbox/reset')).status).toBe(200);
		expect((await messages()).count).toBe(0);
		const cfg = (await call(sb.url, 'GET', '/_sandbox/config')).json;
		expect(cfg).toMatchObject({ drIntervalMs: 1000, lookupsAvailable: true, retryDelayScale: 1 });
		expect((await call(sb.url, 'GET', '/_sandbox/faults')).json).toEqual({});
		expect((await call(sb.url, 'GET', '/v1/lookups/phone/+61491570156')).status).toBe(200);
		const c = (await call<CountersBody>(sb.url, 'GET', '/_sandbox/counters')).json;
		expect(c.messagesAccepted).toBe(0);
		expect(c.requests).toEqual({ 'GET /v1/lookups/phone/:number': 1 });
	});
});
