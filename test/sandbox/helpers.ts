import { createHash, createHmac } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import { DEMO_CREDENTIALS, startSandbox } from '../../sandbox';
import type { SandboxHandle } from '../../sandbox';
import type { DeliveryLogEntry, DeliveryStats, Json } from '../../sandbox/store';

/** A message as the sandbox's API returns it. */
export interface MessageBody extends Json {
	message_id: string;
	status: string;
	content: string;
	destination_number: string;
	source_number?: string;
	metadata?: Record<string, string>;
}

/** POST /v1/messages and GET /_sandbox/messages. */
export interface MessagesBody {
	messages: MessageBody[];
	count?: number;
}

/** GET /_sandbox/counters. */
export interface CountersBody {
	requests: Record<string, number>;
	responses: Record<string, number>;
	messagesAccepted: number;
	uniqueContents: number;
	webhookDeliveries: DeliveryStats;
	callbackDeliveries: DeliveryStats;
	pendingJobs: number;
}

/** GET /_sandbox/webhook-deliveries. */
export interface DeliveriesBody {
	deliveries: DeliveryLogEntry[];
}

/** POST /v1/iam/signature_keys. */
export interface SignatureKeyBody extends Json {
	key_id: string;
	public_key: string;
}

/** An error answer: a message and, for validation errors, one detail per problem. */
export interface ErrorBody {
	message: string;
	details?: string[];
}

/** A page of a list the API pages with a next_uri or next_token. */
export interface Pagination {
	next_uri?: string;
	next_token?: string | null;
}

/** An injected reply (POST /_sandbox/replies). */
export interface ReplyBody extends Json {
	reply_id: string;
}

export const BASIC =
	'Basic ' +
	Buffer.from(`${DEMO_CREDENTIALS.basic.apiKey}:${DEMO_CREDENTIALS.basic.apiSecret}`).toString(
		'base64',
	);

export interface HmacOptions {
	key?: string;
	secret?: string;
	date?: string;
	/** 'sdk': hmac-sha1 + date/x-Content-MD5; 'docs': hmac-sha256 + Date/Content-MD5. */
	variant?: 'sdk' | 'docs';
	md5?: string;
}

/** Signs a request as docs/messagemedia-api.md (HMAC) describes, independently of the sandbox's own code. */
export function hmacHeaders(
	method: string,
	pathAndQuery: string,
	body: string | undefined,
	o: HmacOptions = {},
): Record<string, string> {
	const variant = o.variant ?? 'sdk';
	const date = o.date ?? new Date().toUTCString();
	const dateName = variant === 'sdk' ? 'date' : 'Date';
	const md5Name = variant === 'sdk' ? 'x-Content-MD5' : 'Content-MD5';
	const headers: Record<string, string> = { [dateName]: date };
	const names = [dateName];
	const lines = [`${dateName}: ${date}`];
	if (body !== undefined) {
		const md5 = o.md5 ?? createHash('md5').update(body).digest('hex');
		headers[md5Name] = md5;
		names.push(md5Name);
		lines.push(`${md5Name}: ${md5}`);
	}
	names.push('request-line');
	lines.push(`${method} ${pathAndQuery} HTTP/1.1`);
	const alg = variant === 'sdk' ? 'sha1' : 'sha256';
	const signature = createHmac(alg, o.secret ?? DEMO_CREDENTIALS.hmac.apiSecret)
		.update(lines.join('\n'))
		.digest('base64');
	headers.Authorization = `hmac username="${o.key ?? DEMO_CREDENTIALS.hmac.apiKey}", algorithm="hmac-${alg}", headers="${names.join(' ')}", signature="${signature}"`;
	return headers;
}

export interface ApiResponse<T = unknown> {
	status: number;
	headers: Headers;
	text: string;
	/** The parsed body, or undefined when it is empty or not JSON. */
	json: T;
}

export async function call<T = unknown>(
	base: string,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = { Authorization: BASIC },
): Promise<ApiResponse<T>> {
	const res = await fetch(base + path, {
		method,
		headers: { 'Content-Type': 'application/json', ...headers },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let json: T;
	try {
		json = text ? (JSON.parse(text) as T) : (undefined as T);
	} catch {
		json = undefined as T;
	}
	return { status: res.status, headers: res.headers, text, json };
}

export interface Received {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

export interface Receiver {
	url: string;
	received: Received[];
	/** Status codes to answer with, consumed in order; 200 once exhausted. */
	respondWith: number[];
	waitFor(
		count: number,
		filter?: (r: Received) => boolean,
		timeoutMs?: number,
	): Promise<Received[]>;
	close(): Promise<void>;
}

/**
 * How long waitFor and waitUntil wait by default: long, because on a busy machine a push can take
 * seconds, and a passing test never waits it out. Below jest's test timeout, so the failure names
 * what was missing.
 */
const PATIENCE_MS = 30_000;

export async function startReceiver(): Promise<Receiver> {
	const received: Received[] = [];
	const r: Partial<Receiver> = { received, respondWith: [] };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			received.push({
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			});
			res.statusCode = r.respondWith!.shift() ?? 200;
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	r.url = `http://127.0.0.1:${port}`;
	r.waitFor = async (count, filter = () => true, timeoutMs = PATIENCE_MS) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const hits = received.filter(filter);
			if (hits.length >= count) return hits;
			if (Date.now() > deadline) {
				throw new Error(`expected ${count} requests, got ${hits.length}`);
			}
			await new Promise((res) => setTimeout(res, 20));
		}
	};
	r.close = () =>
		new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	return r as Receiver;
}

/**
 * One sandbox and one receiver for the whole file, both reset before each test. Deliveries and
 * callback retries run fast, so webhook tests wait milliseconds instead of MessageMedia's seconds.
 * Read `sb` and `rx` inside tests: they exist only once beforeAll has run.
 */
export function sandboxWithReceiver(): { readonly sb: SandboxHandle; readonly rx: Receiver } {
	const live = {} as { sb: SandboxHandle; rx: Receiver };
	beforeAll(async () => {
		live.sb = await startSandbox({ port: 0, quiet: true, drIntervalMs: 30 });
		live.rx = await startReceiver();
	});
	afterAll(async () => {
		await live.sb.close();
		await live.rx.close();
	});
	beforeEach(async () => {
		await call(live.sb.url, 'POST', '/_sandbox/reset');
		await call(live.sb.url, 'POST', '/_sandbox/config', {
			drIntervalMs: 30,
			retryDelayScale: 0.01,
		});
		live.rx.received.length = 0;
		live.rx.respondWith.length = 0;
	});
	return live;
}

export async function waitUntil<T>(
	fn: () => Promise<T | undefined | false>,
	timeoutMs = PATIENCE_MS,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((res) => setTimeout(res, 25));
	}
}
