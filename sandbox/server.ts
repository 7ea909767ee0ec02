import { generateKeyPairSync, randomUUID } from 'crypto';
import http, { IncomingMessage, ServerResponse } from 'http';
import { authenticate } from './auth';
import { Scheduler } from './scheduler';
import {
	AccountState,
	DEFAULT_ACCOUNT,
	Json,
	RESERVED_NUMBERS,
	Reply,
	SignatureKey,
	StoredMessage,
	Store,
	VENDOR_ID,
	Webhook,
} from './store';
import { E164, isHttpUrl, isPlainObject, validateMessage, validateWebhook } from './validate';
import { Dispatcher } from './webhooks';
import { JavaMap } from './velocity';

export interface SandboxConfig {
	drIntervalMs: number;
	retryDelayScale: number;
	lookupsAvailable: boolean;
	signCallbacks: boolean;
	deliveryTimeoutMs: number;
	callbackRetries: number;
	/** MessageMedia's docs tie all DRs to delivery_report:true; off by default (DRs always flow). */
	drRequiresDeliveryReport: boolean;
	signatureKeysEnabled: boolean;
}

export interface FaultConfig {
	latencyMs?: number;
	rate429?: number;
	retryAfterSeconds?: number;
	rate500?: number;
	rate503?: number;
	rateTimeout?: number;
	rateReset?: number;
	rate500AfterAccept?: number;
	rateTimeoutAfterAccept?: number;
	paths?: string[];
	methods?: string[];
	/** Stop injecting after this many faults (latency is not counted). */
	count?: number;
}

const FAULT_KEYS: Record<keyof FaultConfig, 'rate' | 'number' | 'list'> = {
	latencyMs: 'number',
	rate429: 'rate',
	retryAfterSeconds: 'number',
	rate500: 'rate',
	rate503: 'rate',
	rateTimeout: 'rate',
	rateReset: 'rate',
	rate500AfterAccept: 'rate',
	rateTimeoutAfterAccept: 'rate',
	paths: 'list',
	methods: 'list',
	count: 'number',
};

interface Result {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

interface Ctx {
	req: IncomingMessage;
	account: AccountState;
	params: Record<string, string>;
	query: URLSearchParams;
	body: unknown;
}

type Handler = (ctx: Ctx) => Result | Promise<Result>;

interface Route {
	method: string;
	pattern: string;
	regex: RegExp;
	keys: string[];
	handler: Handler;
}

const NOT_FOUND: Result = { status: 404, body: { message: 'Resource not found.' } };
const PARSE_ERROR = {
	message: 'Request failed to parse correctly. Please ensure input is valid and try again.',
	details: ['Failed to parse message body.'],
};
const MAX_BODY = 10 * 1024 * 1024;

const COUNTRY_PREFIXES: Array<[string, string, string]> = [
	['61', 'AU', 'Telstra'],
	['64', 'NZ', 'Spark'],
	['65', 'SG', 'Singtel'],
	['44', 'GB', 'Vodafone'],
	['49', 'DE', 'Deutsche Telekom'],
	['33', 'FR', 'Orange'],
	['1', 'US', 'Verizon'],
];

const invalid = (details: string[]): Result => ({
	status: 400,
	body: { message: 'Invalid request', details },
});
const bad = (message: string): Result => ({ status: 400, body: { message } });

function stripPlus(n: string): string {
	return n.startsWith('+') ? n.slice(1) : n;
}

function compile(method: string, pattern: string, handler: Handler): Route {
	const keys: string[] = [];
	const src = pattern.replace(/:([a-zA-Z_]+)/g, (_, k: string) => {
		keys.push(k);
		return '([^/]+)';
	});
	return { method, pattern, regex: new RegExp(`^${src}/?$`), keys, handler };
}

export class Sandbox {
	readonly store = new Store();
	readonly scheduler = new Scheduler(25);
	readonly dispatcher: Dispatcher;
	config: SandboxConfig;
	faults: FaultConfig = {};
	private held = new Set<ServerResponse>();
	private routes: Route[];
	private controlRoutes: Route[];

	constructor(private readonly defaults: SandboxConfig) {
		this.config = { ...defaults };
		this.dispatcher = new Dispatcher(this.store, this.scheduler, () => this.config);
		this.routes = this.apiRoutes();
		this.controlRoutes = this.sandboxRoutes();
	}

	start(): void {
		this.scheduler.start();
	}

	stop(): void {
		this.scheduler.stop();
		this.releaseHeld();
		this.dispatcher.close();
	}

	private releaseHeld(): void {
		for (const res of this.held) res.socket?.destroy();
		this.held.clear();
	}

	// ---------------------------------------------------------------- request plumbing

	handle = (req: IncomingMessage, res: ServerResponse): void => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size <= MAX_BODY) chunks.push(c);
		});
		req.on('end', () => {
			if (size > MAX_BODY) {
				this.write(res, { status: 413, body: { message: 'Payload too large.' } });
				return;
			}
			this.dispatch(req, res, Buffer.concat(chunks)).catch((err) => {
				console.error('[sandbox] handler error:', err);
				if (!res.headersSent)
					this.write(res, { status: 500, body: { message: 'Internal error.' } });
			});
		});
	};

	private write(res: ServerResponse, r: Result): void {
		if (res.writableEnded || res.destroyed) return;
		const headers: Record<string, string> = { ...r.headers };
		let payload = '';
		if (r.body !== undefined) {
			if (typeof r.body === 'string') {
				payload = r.body;
				headers['Content-Type'] ??= 'text/plain';
			} else {
				payload = JSON.stringify(r.body);
				headers['Content-Type'] = 'application/json';
			}
		}
		headers['Content-Length'] = String(Buffer.byteLength(payload));
		res.writeHead(r.status, headers);
		res.end(payload);
	}

	private match(routes: Route[], method: string, path: string) {
		let pathMatched = false;
		for (const r of routes) {
			const m = r.regex.exec(path);
			if (!m) continue;
			pathMatched = true;
			if (r.method !== method) continue;
			const params: Record<string, string> = {};
			r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
			return { route: r, params, pathMatched };
		}
		return { route: undefined, params: {}, pathMatched };
	}

	private async dispatch(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
		const method = req.method ?? 'GET';
		const url = new URL(req.url ?? '/', 'http://sandbox');
		const path = url.pathname;

		let body: unknown;
		let parseFailed = false;
		if (raw.length > 0) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				parseFailed = true;
			}
		}

		if (path.startsWith('/_sandbox/')) {
			const { route, params, pathMatched } = this.match(this.controlRoutes, method, path);
			if (!route) {
				this.write(
					res,
					pathMatched ? { status: 405, body: { message: 'Method not allowed.' } } : NOT_FOUND,
				);
				return;
			}
			if (parseFailed) return this.write(res, { status: 400, body: PARSE_ERROR });
			const account = this.store.account(
				(isPlainObject(body) && typeof body.account === 'string' && body.account) ||
					url.searchParams.get('account') ||
					DEFAULT_ACCOUNT,
			);
			this.write(res, await route.handler({ req, account, params, query: url.searchParams, body }));
			return;
		}

		const { route, params } = this.match(this.routes, method, path);
		const key = `${method} ${route ? route.pattern : '(unmatched)'}`;
		this.store.count(this.store.requests, key);
		const respond = (r: Result) => {
			this.store.count(this.store.responses, `${key} ${r.status}`);
			this.write(res, r);
		};

		const f = this.faults;
		const faulted = this.faultApplies(method, path);
		if (faulted && f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
		if (faulted && this.faultsLeft()) {
			const roll = Math.random();
			let edge = 0;
			const hit = (rate?: number) => rate !== undefined && roll < (edge += rate);
			if (hit(f.rate429)) {
				this.useFault();
				return respond({
					status: 429,
					body: { message: 'Too Many Requests' },
					headers: { 'Retry-After': String(f.retryAfterSeconds ?? 1) },
				});
			}
			if (hit(f.rate500)) {
				this.useFault();
				return respond({ status: 500, body: { message: 'Internal Server Error' } });
			}
			if (hit(f.rate503)) {
				this.useFault();
				return respond({ status: 503, body: { message: 'Service Unavailable' } });
			}
			if (hit(f.rateTimeout)) {
				this.useFault();
				return this.hold(key, res);
			}
			if (hit(f.rateReset)) {
				this.useFault();
				this.store.count(this.store.responses, `${key} reset`);
				req.socket.destroy();
				return;
			}
		}

		const auth = authenticate(req, raw);
		if (!auth.ok) {
			return respond({ status: 401, body: { message: 'Invalid authentication credentials' } });
		}
		if (!route) return respond(NOT_FOUND);
		if (parseFailed) return respond({ status: 400, body: PARSE_ERROR });

		const accountHeader = req.headers['account'];
		const accountId =
			(Array.isArray(accountHeader) ? accountHeader[0] : accountHeader) || DEFAULT_ACCOUNT;
		const result = await route.handler({
			req,
			account: this.store.account(accountId),
			params,
			query: url.searchParams,
			body,
		});

		if (faulted && result.status < 400 && this.faultsLeft()) {
			const roll = Math.random();
			const r500 = f.rate500AfterAccept ?? 0;
			if (roll < r500) {
				this.useFault();
				return respond({ status: 500, body: { message: 'Internal Server Error' } });
			}
			if (roll < r500 + (f.rateTimeoutAfterAccept ?? 0)) {
				this.useFault();
				return this.hold(key, res);
			}
		}
		respond(result);
	}

	private hold(key: string, res: ServerResponse): void {
		// Never answered: the client's own timeout is what fires. Released on reset/close.
		this.store.count(this.store.responses, `${key} timeout`);
		this.held.add(res);
		res.on('close', () => this.held.delete(res));
	}

	private faultApplies(method: string, path: string): boolean {
		const f = this.faults;
		if (Object.keys(f).length === 0) return false;
		const prefixes = f.paths && f.paths.length > 0 ? f.paths : ['/v1'];
		if (!prefixes.some((p) => path.startsWith(p))) return false;
		if (
			f.methods &&
			f.methods.length > 0 &&
			!f.methods.map((m) => m.toUpperCase()).includes(method)
		) {
			return false;
		}
		return true;
	}

	private faultsLeft(): boolean {
		return this.faults.count === undefined || this.faults.count > 0;
	}

	private useFault(): void {
		if (this.faults.count !== undefined) this.faults.count--;
	}

	// ---------------------------------------------------------------- MessageMedia API

	private apiRoutes(): Route[] {
		return [
			compile('POST', '/v1/messages', (c) => this.sendMessages(c)),
			compile('GET', '/v1/messages/:id', (c) => {
				const m = c.account.messages.get(c.params.id);
				return m ? { status: 200, body: m.data } : NOT_FOUND;
			}),
			compile('PUT', '/v1/messages/:id', (c) => this.cancelMessage(c)),
			compile('GET', '/v1/delivery_reports', (c) => ({
				status: 200,
				body: { delivery_reports: this.oldest(c.account.unconfirmedDrs) },
			})),
			compile('POST', '/v1/delivery_reports/confirmed', (c) =>
				this.confirm(c, 'delivery_report_ids', c.account.unconfirmedDrs),
			),
			compile('GET', '/v1/replies', (c) => ({
				status: 200,
				body: { replies: this.oldest(c.account.unconfirmedReplies) },
			})),
			compile('POST', '/v1/replies/confirmed', (c) =>
				this.confirm(c, 'reply_ids', c.account.unconfirmedReplies),
			),
			compile('POST', '/v1/webhooks/messages', (c) => this.createWebhook(c)),
			compile('GET', '/v1/webhooks/messages', (c) => this.listWebhooks(c)),
			compile('GET', '/v1/webhooks/messages/:id', (c) => {
				const wh = c.account.webhooks.get(c.params.id);
				return wh ? { status: 200, body: this.webhookView(wh) } : NOT_FOUND;
			}),
			compile('PATCH', '/v1/webhooks/messages/:id', (c) => this.updateWebhook(c)),
			compile('DELETE', '/v1/webhooks/messages/:id', (c) =>
				c.account.webhooks.delete(c.params.id) ? { status: 204 } : NOT_FOUND,
			),
			compile('POST', '/v1/iam/signature_keys', (c) => this.createKey(c)),
			compile('GET', '/v1/iam/signature_keys', (c) => this.listKeys(c)),
			compile('GET', '/v1/iam/signature_keys/enabled', (c) => {
				if (!this.config.signatureKeysEnabled) return this.featureDisabled();
				const k = c.account.enabledKeyId && c.account.signatureKeys.get(c.account.enabledKeyId);
				return k
					? { status: 200, body: this.keyView(c.account, k) }
					: { status: 404, body: { message: 'Currently no key is enabled' } };
			}),
			compile('PATCH', '/v1/iam/signature_keys/enabled', (c) => this.enableKey(c)),
			compile('DELETE', '/v1/iam/signature_keys/enabled', (c) => {
				if (!this.config.signatureKeysEnabled) return this.featureDisabled();
				c.account.enabledKeyId = undefined;
				return { status: 204 };
			}),
			compile('GET', '/v1/iam/signature_keys/:id', (c) => {
				if (!this.config.signatureKeysEnabled) return this.featureDisabled();
				const k = c.account.signatureKeys.get(c.params.id);
				return k
					? { status: 200, body: this.keyView(c.account, k) }
					: { status: 404, body: { message: 'Entity not found' } };
			}),
			compile('DELETE', '/v1/iam/signature_keys/:id', (c) => {
				if (!this.config.signatureKeysEnabled) return this.featureDisabled();
				if (!c.account.signatureKeys.delete(c.params.id)) {
					return { status: 404, body: { message: 'Entity not found' } };
				}
				if (c.account.enabledKeyId === c.params.id) c.account.enabledKeyId = undefined;
				return { status: 200 };
			}),
			compile('GET', '/v1/number_authorisation/mt/blacklist', (c) => this.listBlacklist(c)),
			compile('POST', '/v1/number_authorisation/mt/blacklist', (c) => this.addBlacklist(c)),
			compile('DELETE', '/v1/number_authorisation/mt/blacklist/:number', (c) =>
				c.account.blacklist.delete(stripPlus(c.params.number)) ? { status: 200 } : NOT_FOUND,
			),
			compile('GET', '/v1/number_authorisation/is_authorised/:numbers', (c) => {
				const numbers = c.params.numbers.split(',').filter(Boolean);
				return {
					status: 200,
					body: {
						uri: `/v1/number_authorisation/is_authorised/${c.params.numbers}`,
						numbers: numbers.map((n) => ({
							number: n,
							authorised: !c.account.blacklist.has(stripPlus(n.trim())),
						})),
					},
				};
			}),
			compile('GET', '/v1/messaging/numbers/sender_address/addresses', (c) =>
				this.listAddresses(c),
			),
			compile('GET', '/v1/messaging/numbers/sender_address/addresses/:id', (c) => {
				const a = c.account.senderAddresses.find((x) => x.id === c.params.id);
				return a ? { status: 200, body: a } : NOT_FOUND;
			}),
			compile('PATCH', '/v1/messaging/numbers/sender_address/addresses/:id', (c) => {
				const a = c.account.senderAddresses.find((x) => x.id === c.params.id);
				if (!a) return NOT_FOUND;
				if (!isPlainObject(c.body) || typeof c.body.label !== 'string') {
					return invalid(['/label: is required']);
				}
				a.label = c.body.label;
				return { status: 200, body: a };
			}),
			compile('DELETE', '/v1/messaging/numbers/sender_address/addresses/:id', (c) => {
				const i = c.account.senderAddresses.findIndex((x) => x.id === c.params.id);
				if (i < 0) return NOT_FOUND;
				c.account.senderAddresses.splice(i, 1);
				return { status: 204 };
			}),
			compile('GET', '/v1/lookups/phone/:number', (c) => this.lookup(c)),
			compile('GET', '/v1/messaging/credits', () => ({
				status: 200,
				body: {
					credits: 1000,
					expiry_date: new Date(Date.now() + 365 * 86_400_000).toISOString(),
				},
			})),
		];
	}

	private sendMessages(c: Ctx): Result {
		const b = c.body;
		if (!isPlainObject(b)) return invalid(['/messages: is required']);
		const details: string[] = [];
		for (const k of Object.keys(b)) {
			if (k !== 'messages') details.push(`/${k}: is not a permitted field`);
		}
		const list = b.messages;
		if (!Array.isArray(list)) details.push('/messages: is required and must be an array');
		else if (list.length < 1) details.push('/messages: must contain at least 1 message');
		else if (list.length > 100) details.push('/messages: must contain at most 100 messages');
		else list.forEach((m, i) => validateMessage(m, i, details));
		if (details.length > 0) return invalid(details);

		const now = Date.now();
		const submittedAt = new Date(now).toISOString();
		const out = (list as Json[]).map((m) => {
			const scheduledAt = m.scheduled !== undefined ? Date.parse(m.scheduled as string) : NaN;
			const isScheduled = scheduledAt > now;
			const data = {
				...m,
				format: m.format ?? 'SMS',
				delivery_report: m.delivery_report ?? false,
				message_id: randomUUID(),
				status: isScheduled ? 'scheduled' : 'queued',
			} as unknown as StoredMessage['data'];
			const sm: StoredMessage = { data, account: c.account.id, submittedAt };
			c.account.messages.set(data.message_id, sm);
			this.store.messagesAccepted++;
			this.store.uniqueContents.add(data.content);
			if (isScheduled) {
				this.scheduler.at(scheduledAt, () => {
					if (sm.data.status !== 'scheduled') return;
					sm.data.status = 'queued';
					this.startWalk(c.account, sm);
				});
			} else {
				this.startWalk(c.account, sm);
			}
			return data;
		});
		return { status: 202, body: { messages: out } };
	}

	private cancelMessage(c: Ctx): Result {
		const m = c.account.messages.get(c.params.id);
		if (!m) return NOT_FOUND;
		if (!isPlainObject(c.body) || c.body.status !== 'cancelled') {
			return invalid(['/status: must be "cancelled"']);
		}
		if (m.data.status !== 'scheduled') {
			return {
				status: 400,
				body: {
					message: 'Only scheduled messages can be cancelled',
					details: [`/status: message is ${m.data.status}, not scheduled`],
				},
			};
		}
		m.data.status = 'cancelled';
		return { status: 200 };
	}

	private oldest<T>(map: Map<string, T>): T[] {
		const out: T[] = [];
		for (const v of map.values()) {
			if (out.length >= 100) break;
			out.push(v);
		}
		return out;
	}

	private confirm(c: Ctx, field: string, map: Map<string, unknown>): Result {
		const ids = isPlainObject(c.body) ? c.body[field] : undefined;
		if (!Array.isArray(ids) || ids.length === 0) return invalid([`/${field}: is required`]);
		if (ids.length > 100) return invalid([`/${field}: must contain at most 100 ids`]);
		if (ids.some((x) => typeof x !== 'string')) return invalid([`/${field}: must be strings`]);
		for (const id of ids as string[]) map.delete(id);
		return { status: 202, body: '' };
	}

	// ---------------------------------------------------------------- delivery reports

	private startWalk(account: AccountState, sm: StoredMessage): void {
		const dest = sm.data.destination_number;
		let final: [string, number] = ['delivered', 220];
		if (dest === RESERVED_NUMBERS.failed) final = ['failed', 400];
		else if (dest === RESERVED_NUMBERS.expired) final = ['expired', 401];
		if (dest === RESERVED_NUMBERS.rejected || account.blacklist.has(stripPlus(dest))) {
			final = ['rejected', 302];
		}
		const steps: Array<[string, number]> =
			final[0] === 'rejected'
				? [['enroute', 101], final]
				: [['enroute', 101], ['submitted', 200], final];
		const step = (i: number) => {
			if (sm.data.status === 'cancelled') return;
			let [status, code] = steps[i];
			const expiry = sm.data.message_expiry_timestamp;
			if (status === 'delivered' && typeof expiry === 'string' && Date.parse(expiry) < Date.now()) {
				[status, code] = ['expired', 401];
			}
			sm.data.status = status;
			this.emitDr(account, sm, status, code);
			if (i + 1 < steps.length)
				this.scheduler.at(Date.now() + this.config.drIntervalMs, () => step(i + 1));
		};
		this.scheduler.at(Date.now() + this.config.drIntervalMs, () => step(0));
	}

	private emitDr(account: AccountState, sm: StoredMessage, status: string, code: number): void {
		const m = sm.data;
		const now = new Date().toISOString();
		const wanted = m.delivery_report === true;
		const dr = {
			...(m.callback_url ? { callback_url: m.callback_url } : {}),
			delivery_report_id: randomUUID(),
			source_number: m.destination_number,
			date_received: now,
			status,
			delay: 0,
			billing_units: 1,
			submitted_date: now,
			original_text: m.content,
			message_id: m.message_id,
			vendor_account_id: { vendor_id: VENDOR_ID, account_id: account.id },
			...(m.metadata ? { metadata: m.metadata } : {}),
		};
		if (this.config.drRequiresDeliveryReport && !wanted) return;
		account.unconfirmedDrs.set(dr.delivery_report_id, dr);
		const event = `${status.toUpperCase()}_DR`;
		if (wanted && typeof m.callback_url === 'string') {
			this.dispatcher.callback(account, m.callback_url, { ...dr, error_code: String(code) }, event);
		}
		this.dispatcher.emit(account, event, {
			format: m.format,
			type: m.format,
			mtId: m.message_id,
			messageId: m.message_id,
			drId: dr.delivery_report_id,
			reportId: dr.delivery_report_id,
			accountId: account.id,
			vendorId: VENDOR_ID,
			submittedTimestamp: sm.submittedAt,
			receivedTimestamp: now,
			status,
			statusCode: code,
			metadata: new JavaMap(m.metadata as Record<string, string> | undefined),
			sourceAddress: m.destination_number,
			mtContent: m.content,
			messageContent: m.content,
			billingUnits: 1,
		});
	}

	// ---------------------------------------------------------------- webhooks

	private webhookView(wh: Webhook): Json {
		return {
			id: wh.id,
			url: wh.url,
			method: wh.method,
			encoding: wh.encoding,
			events: wh.events,
			headers: wh.headers,
			...(wh.template !== undefined ? { template: wh.template } : {}),
			retries: wh.retries,
			...(wh.read_timeout !== undefined ? { read_timeout: wh.read_timeout } : {}),
			...(wh.retry_delay !== undefined ? { retry_delay: wh.retry_delay } : {}),
		};
	}

	private duplicate(account: AccountState, url: string, method: string, except?: string): boolean {
		for (const wh of account.webhooks.values()) {
			if (wh.id !== except && wh.url === url && wh.method === method) return true;
		}
		return false;
	}

	private static readonly CONFLICT: Result = {
		status: 409,
		body: { message: 'A webhook with the given url and method already exists.' },
	};

	private createWebhook(c: Ctx): Result {
		const problem = validateWebhook(c.body, 'create');
		if (problem) return bad(problem);
		const b = c.body as Json;
		if (this.duplicate(c.account, b.url as string, b.method as string)) return Sandbox.CONFLICT;
		const wh: Webhook = {
			id: randomUUID(),
			url: b.url as string,
			method: b.method as string,
			encoding: b.encoding as string,
			events: [...(b.events as string[])],
			headers: { ...((b.headers as Record<string, string>) ?? {}) },
			retries: (b.retries as number) ?? 0,
			...(typeof b.template === 'string' ? { template: b.template } : {}),
			...(typeof b.read_timeout === 'number' ? { read_timeout: b.read_timeout } : {}),
			...(typeof b.retry_delay === 'number' ? { retry_delay: b.retry_delay } : {}),
		};
		c.account.webhooks.set(wh.id, wh);
		return { status: 201, body: this.webhookView(wh) };
	}

	private updateWebhook(c: Ctx): Result {
		const wh = c.account.webhooks.get(c.params.id);
		if (!wh) return NOT_FOUND;
		const problem = validateWebhook(c.body, 'update');
		if (problem) return bad(problem);
		const b = c.body as Json;
		const url = (b.url as string) ?? wh.url;
		const method = (b.method as string) ?? wh.method;
		if (this.duplicate(c.account, url, method, wh.id)) return Sandbox.CONFLICT;
		wh.url = url;
		wh.method = method;
		if (typeof b.encoding === 'string') wh.encoding = b.encoding;
		if (Array.isArray(b.events)) wh.events = [...(b.events as string[])];
		if (isPlainObject(b.headers)) wh.headers = { ...(b.headers as Record<string, string>) };
		if (typeof b.template === 'string') wh.template = b.template;
		return { status: 200, body: this.webhookView(wh) };
	}

	private listWebhooks(c: Ctx): Result {
		const pageRaw = c.query.get('page') ?? '0';
		const sizeRaw = c.query.get('page_size') ?? c.query.get('pageSize') ?? '10';
		const page = Number(pageRaw);
		const size = Number(sizeRaw);
		if (!Number.isInteger(page) || page < 0) return bad('page must be a non-negative integer.');
		if (!Number.isInteger(size) || size < 1 || size > 100) {
			return bad('pageSize must be between 1 and 100.');
		}
		const all = [...c.account.webhooks.values()];
		return {
			status: 200,
			body: {
				page,
				pageSize: size,
				pageData: all.slice(page * size, page * size + size).map((w) => this.webhookView(w)),
			},
		};
	}

	// ---------------------------------------------------------------- signature keys

	private featureDisabled(): Result {
		return { status: 403, body: { message: 'This feature has not been enabled in your account.' } };
	}

	private keyView(account: AccountState, k: SignatureKey): Json {
		return {
			key_id: k.key_id,
			cipher: k.cipher,
			digest: k.digest,
			created: k.created,
			enabled: account.enabledKeyId === k.key_id,
		};
	}

	private createKey(c: Ctx): Result {
		if (!this.config.signatureKeysEnabled) return this.featureDisabled();
		const b = isPlainObject(c.body) ? c.body : {};
		const details: string[] = [];
		if (!['SHA224', 'SHA256', 'SHA512'].includes(b.digest as string)) {
			details.push('/digest: must be one of SHA224, SHA256, SHA512');
		}
		if (b.cipher !== 'RSA') details.push('/cipher: must be RSA');
		if (details.length > 0) return { status: 400, body: { message: 'Bad Request', details } };
		const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const key: SignatureKey = {
			key_id: randomUUID(),
			cipher: 'RSA',
			digest: b.digest as string,
			created: new Date().toISOString(),
			publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
			privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		};
		c.account.signatureKeys.set(key.key_id, key);
		return {
			status: 201,
			body: { ...this.keyView(c.account, key), public_key: key.publicKey },
		};
	}

	private listKeys(c: Ctx): Result {
		if (!this.config.signatureKeysEnabled) return this.featureDisabled();
		const page = Number(c.query.get('page'));
		const size = Number(c.query.get('page_size'));
		const details: string[] = [];
		if (!c.query.has('page') || !Number.isInteger(page) || page < 1) {
			details.push('/page: is required and must be >= 1');
		}
		if (!c.query.has('page_size') || !Number.isInteger(size) || size < 1 || size > 100) {
			details.push('/page_size: is required and must be between 1 and 100');
		}
		if (details.length > 0) return { status: 400, body: { message: 'Bad Request', details } };
		const all = [...c.account.signatureKeys.values()].map((k) => this.keyView(c.account, k));
		return { status: 200, body: all.slice((page - 1) * size, page * size) };
	}

	private enableKey(c: Ctx): Result {
		if (!this.config.signatureKeysEnabled) return this.featureDisabled();
		const id = isPlainObject(c.body) ? c.body.key_id : undefined;
		if (typeof id !== 'string' || !id) {
			return {
				status: 400,
				body: { message: 'Bad Request', details: ['/key_id: Key id cannot be null'] },
			};
		}
		const k = c.account.signatureKeys.get(id);
		if (!k) return { status: 404, body: { message: 'Entity not found' } };
		c.account.enabledKeyId = id;
		return { status: 200, body: this.keyView(c.account, k) };
	}

	// ---------------------------------------------------------------- number authorisation

	private listBlacklist(c: Ctx): Result {
		const all = [...c.account.blacklist];
		const token = c.query.get('token');
		let start = 0;
		if (token) {
			start = Number(Buffer.from(token, 'base64url').toString('utf8'));
			if (!Number.isInteger(start) || start < 0) return invalid(['/token: is invalid']);
		}
		const page = all.slice(start, start + 100);
		const base = '/v1/number_authorisation/mt/blacklist';
		const next = start + 100 < all.length;
		return {
			status: 200,
			body: {
				uri: token ? `${base}?token=${token}` : base,
				numbers: page,
				pagination: {
					page: Math.floor(start / 100) + 1,
					...(next
						? {
								next_uri: `${base}?token=${Buffer.from(String(start + 100)).toString('base64url')}`,
							}
						: {}),
				},
			},
		};
	}

	private addBlacklist(c: Ctx): Result {
		const numbers = isPlainObject(c.body) ? c.body.numbers : undefined;
		if (!Array.isArray(numbers) || numbers.length === 0) return invalid(['/numbers: is required']);
		const details: string[] = [];
		numbers.forEach((n, i) => {
			if (typeof n !== 'string' || !E164.test('+' + stripPlus(n))) {
				details.push(`/numbers/${i}: must be an international number`);
			}
		});
		if (details.length > 0) return invalid(details);
		const stored = (numbers as string[]).map(stripPlus);
		for (const n of stored) c.account.blacklist.add(n);
		return {
			status: 201,
			body: { uri: '/v1/number_authorisation/mt/blacklist', numbers: stored },
		};
	}

	// ---------------------------------------------------------------- sender addresses, lookups

	private listAddresses(c: Ctx): Result {
		const q = c.query;
		const size = Number(q.get('page_size') ?? '10');
		if (!Number.isInteger(size) || size < 1 || size > 100) {
			return invalid(['/page_size: must be between 1 and 100']);
		}
		const token = q.get('token');
		const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
		if (!Number.isInteger(start) || start < 0) return invalid(['/token: is invalid']);
		let list = c.account.senderAddresses;
		const f = (name: string, field: string) => {
			const v = q.get(name);
			if (v) list = list.filter((a) => String(a[field]) === v);
		};
		f('sender_address', 'sender_address');
		f('sender_address_type', 'sender_address_type');
		f('usage_type', 'usage_type');
		const data = list.slice(start, start + size);
		const next = start + size < list.length;
		return {
			status: 200,
			body: {
				data,
				pagination: {
					page_size: size,
					next_token: next ? Buffer.from(String(start + size)).toString('base64url') : null,
				},
			},
		};
	}

	private lookup(c: Ctx): Result {
		if (!this.config.lookupsAvailable) return NOT_FOUND;
		const notFound: Result = {
			status: 404,
			body: { message: 'The number could not be found or is invalid.' },
		};
		const e164 = '+' + stripPlus(c.params.number.trim());
		if (!E164.test(e164)) return notFound;
		const country = COUNTRY_PREFIXES.find(([p]) => e164.startsWith('+' + p));
		if (!country) return notFound;
		const options = (c.query.get('options') ?? '').split(',').map((o) => o.trim().toLowerCase());
		const mobile = country[1] !== 'AU' || e164.startsWith('+614');
		return {
			status: 200,
			body: {
				country_code: country[1],
				phone_number: e164,
				...(options.includes('type') ? { type: mobile ? 'mobile' : 'landline' } : {}),
				...(options.includes('carrier') ? { carrier: { name: country[2] } } : {}),
			},
		};
	}

	// ---------------------------------------------------------------- control API

	private sandboxRoutes(): Route[] {
		return [
			compile('POST', '/_sandbox/replies', (c) => this.injectReply(c)),
			compile('POST', '/_sandbox/opt-outs', (c) => this.injectOptOut(c)),
			compile('GET', '/_sandbox/config', () => ({ status: 200, body: this.config })),
			compile('POST', '/_sandbox/config', (c) => this.setConfig(c)),
			compile('GET', '/_sandbox/faults', () => ({ status: 200, body: this.faults })),
			compile('POST', '/_sandbox/faults', (c) => this.setFaults(c)),
			compile('DELETE', '/_sandbox/faults', () => {
				this.faults = {};
				return { status: 200, body: this.faults };
			}),
			compile('GET', '/_sandbox/counters', () => ({ status: 200, body: this.counters() })),
			compile('GET', '/_sandbox/webhook-deliveries', (c) => {
				const limit = Number(c.query.get('limit') ?? '100');
				let entries = this.store.recentLog(Number.isFinite(limit) && limit > 0 ? limit : 100);
				const kind = c.query.get('kind');
				if (kind) entries = entries.filter((e) => e.kind === kind);
				return { status: 200, body: { deliveries: entries } };
			}),
			compile('GET', '/_sandbox/messages', () => {
				const messages: Json[] = [];
				for (const a of this.store.accounts.values()) {
					for (const m of a.messages.values()) messages.push({ ...m.data, account_id: a.id });
				}
				return { status: 200, body: { count: messages.length, messages } };
			}),
			compile('GET', '/_sandbox/webhooks', () => {
				const webhooks: Json[] = [];
				for (const a of this.store.accounts.values()) {
					for (const w of a.webhooks.values())
						webhooks.push({ ...this.webhookView(w), account_id: a.id });
				}
				return { status: 200, body: { webhooks } };
			}),
			compile('POST', '/_sandbox/reset', () => {
				this.store.reset();
				this.scheduler.clear();
				this.dispatcher.reset();
				this.faults = {};
				this.config = { ...this.defaults };
				this.releaseHeld();
				return { status: 200, body: { ok: true } };
			}),
			compile('GET', '/_sandbox/health', () => ({ status: 200, body: { ok: true } })),
		];
	}

	private counters(): Json {
		const s = this.store;
		return {
			requests: s.requests,
			responses: s.responses,
			messagesAccepted: s.messagesAccepted,
			uniqueContents: s.uniqueContents.size,
			webhookDeliveries: s.webhookStats,
			callbackDeliveries: s.callbackStats,
			pendingJobs: this.scheduler.size,
		};
	}

	private setConfig(c: Ctx): Result {
		if (!isPlainObject(c.body)) return bad('Body must be a JSON object.');
		const next = { ...this.config } as unknown as Record<string, unknown>;
		for (const [k, v] of Object.entries(c.body)) {
			if (k === 'account') continue;
			if (!(k in this.defaults)) return bad(`Unknown config key: ${k}`);
			const expected = typeof (this.defaults as unknown as Record<string, unknown>)[k];
			if (typeof v !== expected || (typeof v === 'number' && (!Number.isFinite(v) || v < 0))) {
				return bad(`${k} must be a ${expected === 'number' ? 'non-negative number' : expected}`);
			}
			next[k] = v;
		}
		this.config = next as unknown as SandboxConfig;
		return { status: 200, body: this.config };
	}

	private setFaults(c: Ctx): Result {
		if (!isPlainObject(c.body)) return bad('Body must be a JSON object.');
		const next: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(c.body)) {
			if (k === 'account') continue;
			const kind = FAULT_KEYS[k as keyof FaultConfig];
			if (!kind) return bad(`Unknown fault key: ${k}`);
			if (kind === 'list') {
				if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
					return bad(`${k} must be an array of strings`);
				}
			} else if (typeof v !== 'number' || v < 0 || (kind === 'rate' && v > 1)) {
				return bad(
					`${k} must be ${kind === 'rate' ? 'a rate between 0 and 1' : 'a non-negative number'}`,
				);
			}
			next[k] = v;
		}
		this.faults = next as FaultConfig;
		return { status: 200, body: this.faults };
	}

	private injectReply(c: Ctx): Result {
		const b = isPlainObject(c.body) ? c.body : {};
		if (typeof b.content !== 'string' || b.content.length === 0) return bad('content is required');
		const found = this.findOriginal(c, b);
		if ('status' in found) return found;
		const { account, original } = found;
		const m = original?.data;
		const source = (b.source_number as string) ?? m?.destination_number;
		if (typeof source !== 'string') return bad('source_number is required without message_id');
		const destination =
			(b.destination_number as string | undefined) ?? (m?.source_number as string | undefined);
		const attachments = Array.isArray(b.attachments) ? (b.attachments as Json[]) : undefined;
		const format =
			b.format === 'MMS' || b.format === 'SMS' ? b.format : attachments ? 'MMS' : 'SMS';
		const copies = this.copies(b.deliveries);
		if (copies === undefined) return bad('deliveries must be an integer from 1 to 20');

		const now = new Date().toISOString();
		const reply: Reply = {
			reply_id: randomUUID(),
			...(m ? { message_id: m.message_id } : {}),
			content: b.content,
			source_number: source,
			...(destination ? { destination_number: destination } : {}),
			date_received: now,
			...(m?.callback_url ? { callback_url: m.callback_url } : {}),
			...(m?.metadata ? { metadata: m.metadata } : {}),
			vendor_account_id: { vendor_id: VENDOR_ID, account_id: account.id },
		};
		account.unconfirmedReplies.set(reply.reply_id, reply);
		const event = format === 'MMS' ? 'RECEIVED_MMS' : 'RECEIVED_SMS';
		if (typeof m?.callback_url === 'string') {
			this.dispatcher.callback(account, m.callback_url, reply, event, copies);
		}
		this.dispatcher.emit(
			account,
			event,
			{
				format,
				type: format,
				...(m
					? {
							mtId: m.message_id,
							messageId: m.message_id,
							mtContent: m.content,
							messageContent: m.content,
						}
					: {}),
				moId: reply.reply_id,
				replyId: reply.reply_id,
				accountId: account.id,
				vendorId: VENDOR_ID,
				submittedTimestamp: original?.submittedAt ?? now,
				receivedTimestamp: now,
				metadata: new JavaMap(m?.metadata as Record<string, string> | undefined),
				sourceAddress: source,
				...(destination ? { destinationAddress: destination } : {}),
				moContent: b.content,
				replyContent: b.content,
				...(format === 'MMS' ? { attachments: attachments ?? [] } : {}),
			},
			copies,
		);
		return { status: 201, body: reply };
	}

	private injectOptOut(c: Ctx): Result {
		const b = isPlainObject(c.body) ? c.body : {};
		const found = this.findOriginal(c, b);
		if ('status' in found) return found;
		const { account, original } = found;
		const m = original?.data;
		const source = (b.source_number as string) ?? m?.destination_number;
		if (typeof source !== 'string' || !E164.test('+' + stripPlus(source))) {
			return bad('source_number must be an international number');
		}
		const copies = this.copies(b.deliveries);
		if (copies === undefined) return bad('deliveries must be an integer from 1 to 20');
		const destination =
			(b.destination_number as string | undefined) ?? (m?.source_number as string | undefined);
		const content = typeof b.content === 'string' ? b.content : 'STOP';
		const now = new Date().toISOString();
		const notificationId = randomUUID();
		account.blacklist.add(stripPlus(source));
		this.dispatcher.emit(
			account,
			'OPT_OUT_SMS',
			{
				format: 'SMS',
				type: 'SMS',
				notificationId,
				...(m
					? {
							mtId: m.message_id,
							messageId: m.message_id,
							mtContent: m.content,
							messageContent: m.content,
						}
					: {}),
				accountId: account.id,
				vendorId: VENDOR_ID,
				submittedTimestamp: original?.submittedAt ?? now,
				receivedTimestamp: now,
				metadata: new JavaMap(m?.metadata as Record<string, string> | undefined),
				sourceAddress: source,
				...(destination ? { destinationAddress: destination } : {}),
				moContent: content,
				replyContent: content,
			},
			copies,
		);
		return {
			status: 201,
			body: {
				notification_id: notificationId,
				source_number: source,
				...(destination ? { destination_number: destination } : {}),
				...(m ? { message_id: m.message_id } : {}),
				content,
				date_received: now,
				account_id: account.id,
			},
		};
	}

	/**
	 * Finds the message a reply/opt-out answers. Without an explicit `account`, a message of any
	 * account is found, so demos work whichever sub-account the credential uses.
	 */
	private findOriginal(
		c: Ctx,
		b: Json,
	): Result | { account: AccountState; original: StoredMessage | undefined } {
		if (b.message_id === undefined) return { account: c.account, original: undefined };
		const id = String(b.message_id);
		const hit = c.account.messages.get(id);
		if (hit) return { account: c.account, original: hit };
		if (b.account === undefined) {
			for (const a of this.store.accounts.values()) {
				const m = a.messages.get(id);
				if (m) return { account: a, original: m };
			}
		}
		return { status: 404, body: { message: `Unknown message_id ${id}` } };
	}

	private copies(v: unknown): number | undefined {
		if (v === undefined) return 1;
		return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 20 ? v : undefined;
	}
}

export function createHttpServer(sandbox: Sandbox): http.Server {
	const server = http.createServer(sandbox.handle);
	server.keepAliveTimeout = 5000;
	return server;
}

export { isHttpUrl };
