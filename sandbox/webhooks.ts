import { sign } from 'crypto';
import http from 'http';
import https from 'https';
import type { Scheduler } from './scheduler';
import type { AccountState, DeliveryStats, Json, Store, Webhook } from './store';
import { escapeJson, renderTemplate } from './velocity';

export const WEBHOOK_EVENTS = [
	'RECEIVED_SMS',
	'OPT_OUT_SMS',
	'RECEIVED_MMS',
	'ENROUTE_DR',
	'SUBMITTED_DR',
	'DELIVERED_DR',
	'EXPIRED_DR',
	'REJECTED_DR',
	'FAILED_DR',
];

export const CONTENT_TYPES: Record<string, string> = {
	JSON: 'application/json',
	FORM_ENCODED: 'application/x-www-form-urlencoded',
	XML: 'application/xml',
};

export interface DeliveryConfig {
	retryDelayScale: number;
	signCallbacks: boolean;
	deliveryTimeoutMs: number;
	callbackRetries: number;
}

type Outcome = { status: number | 'timeout' | 'error'; error?: string };

/** One delivery attempt, as it is recorded. */
interface DeliveryEntry {
	account: AccountState;
	webhookId: string | null;
	url: string;
	method: string;
	event: string;
	body: string;
	headers: Record<string, string>;
	attempt: number;
	retryCount: number;
	outcome: Outcome;
}

const DIGESTS: Record<string, string> = { SHA224: 'sha224', SHA256: 'sha256', SHA512: 'sha512' };

/** Used only when a webhook has no template: MessageMedia documents none, so mirror its samples. */
function defaultPayload(event: string, v: Json): string {
	const q = (x: unknown) => `"${escapeJson(x)}"`;
	const md = (v.metadata ?? {}) as { entrySet?: () => Array<{ key: string; value: string }> };
	const meta =
		'{' +
		(md.entrySet ? md.entrySet().map((e) => `${q(e.key)}:${q(e.value)}`) : []).join(',') +
		'}';
	if (event.endsWith('_DR')) {
		return `{"delivery_report_id":${q(v.drId)},"source_number":${q(v.sourceAddress)},"date_received":${q(
			v.receivedTimestamp,
		)},"status":${q(v.status)},"delay":"0","submitted_date":${q(v.submittedTimestamp)},"message_id":${q(
			v.messageId,
		)},"original_text":${q(v.mtContent)},"vendor_account_id":{"vendor_id":${q(
			v.vendorId,
		)},"account_id":${q(v.accountId)}},"error_code":${q(v.statusCode)},"metadata":${meta}}`;
	}
	const id =
		event === 'OPT_OUT_SMS'
			? `"notification_id":${q(v.notificationId)}`
			: `"reply_id":${q(v.replyId)}`;
	return `{${id},"account_id":${q(v.accountId)},"destination_number":${q(
		v.destinationAddress,
	)},"source_number":${q(v.sourceAddress)},"date_received":${q(v.receivedTimestamp)},"message_id":${q(
		v.messageId,
	)},"content":${q(v.moContent)},"metadata":${meta}}`;
}

function urlSafeVars(vars: Json): Json {
	const out: Json = {};
	for (const [k, v] of Object.entries(vars)) {
		out[k] = typeof v === 'string' || typeof v === 'number' ? encodeURIComponent(String(v)) : v;
	}
	return out;
}

/** Pushes events to account webhooks and per-message callback URLs over real HTTP. */
export class Dispatcher {
	private httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	private httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });
	private pending = new Set<http.ClientRequest>();
	// Our own FIFO in front of the agent: Node's agent queue uses Array#shift, which turns a burst
	// of 10,000 queued requests into quadratic work.
	private queue: Array<() => void> = [];
	private queueHead = 0;
	private active = 0;
	/** Bumped on reset so in-flight deliveries from before it neither count nor retry. */
	private generation = 0;
	private static readonly MAX_CONCURRENT = 64;

	constructor(
		private readonly store: Store,
		private readonly scheduler: Scheduler,
		private readonly config: () => DeliveryConfig,
	) {}

	/** Delivers one event to every webhook of the account subscribed to it, `copies` times each. */
	emit(account: AccountState, event: string, vars: Json, copies = 1): void {
		for (const wh of account.webhooks.values()) {
			if (!wh.events.includes(event)) continue;
			const snapshot: Webhook = { ...wh, headers: { ...wh.headers }, events: [...wh.events] };
			for (let i = 0; i < copies; i++) {
				this.attemptWebhook(account, snapshot, event, vars, i, 0);
			}
		}
	}

	/** Per-message callback_url push: fixed JSON body, exponential back-off on failure. */
	callback(account: AccountState, url: string, body: Json, event: string, copies = 1): void {
		const raw = JSON.stringify(body);
		for (let i = 0; i < copies; i++) this.attemptCallback(account, url, raw, event, i, 0);
	}

	/** Drops queued deliveries and aborts in-flight ones (used by /_sandbox/reset). */
	reset(): void {
		this.generation++;
		this.queue = [];
		this.queueHead = 0;
		for (const req of this.pending) req.destroy();
	}

	close(): void {
		this.generation++;
		this.queue = [];
		this.queueHead = 0;
		for (const req of this.pending) req.destroy();
		this.pending.clear();
		this.httpAgent.destroy();
		this.httpsAgent.destroy();
	}

	private attemptWebhook(
		account: AccountState,
		wh: Webhook,
		event: string,
		vars: Json,
		retryCount: number,
		attempt: number,
	): void {
		const v = { ...vars, retryCount };
		let body: string;
		let url: string;
		try {
			body = wh.template !== undefined ? renderTemplate(wh.template, v) : defaultPayload(event, v);
			url = wh.url.includes('$') ? renderTemplate(wh.url, urlSafeVars(v)) : wh.url;
		} catch (err) {
			this.record('webhook', this.store.webhookStats, {
				account,
				webhookId: wh.id,
				url: wh.url,
				method: wh.method,
				event,
				body: '',
				headers: {},
				attempt,
				retryCount,
				outcome: { status: 'error', error: `template: ${(err as Error).message}` },
			});
			return;
		}
		const headers: Record<string, string> = { ...wh.headers };
		headers['Content-Type'] = CONTENT_TYPES[wh.encoding] ?? 'application/json';
		const sendBody = wh.method === 'GET' ? '' : body;
		this.signIfEnabled(account, wh.method, url, sendBody, headers);
		const timeout = wh.read_timeout ?? this.config().deliveryTimeoutMs;
		this.deliver(
			'webhook',
			this.store.webhookStats,
			{
				account,
				webhookId: wh.id,
				url,
				method: wh.method,
				event,
				body: sendBody,
				headers,
				attempt,
				retryCount,
			},
			timeout,
			{
				more: attempt < wh.retries,
				delayMs: (wh.retry_delay ?? 5) * 1000,
				again: () => this.attemptWebhook(account, wh, event, vars, retryCount + 1, attempt + 1),
			},
		);
	}

	private attemptCallback(
		account: AccountState,
		url: string,
		body: string,
		event: string,
		retryCount: number,
		attempt: number,
	): void {
		const headers: Record<string, string> = { 'Content-Type': 'application/json' };
		if (this.config().signCallbacks) this.signIfEnabled(account, 'POST', url, body, headers);
		this.deliver(
			'callback',
			this.store.callbackStats,
			{ account, webhookId: null, url, method: 'POST', event, body, headers, attempt, retryCount },
			this.config().deliveryTimeoutMs,
			{
				more: attempt < this.config().callbackRetries,
				delayMs: 5000 * 2 ** attempt,
				again: () => this.attemptCallback(account, url, body, event, retryCount + 1, attempt + 1),
			},
		);
	}

	/**
	 * Sends one attempt and records it. A failed attempt runs `retry.again` after `retry.delayMs`
	 * (scaled by retryDelayScale) while `retry.more`; otherwise it counts as abandoned. A reset in
	 * the meantime drops the answer.
	 */
	private deliver(
		kind: 'webhook' | 'callback',
		stats: DeliveryStats,
		entry: Omit<DeliveryEntry, 'outcome'>,
		timeoutMs: number,
		retry: { more: boolean; delayMs: number; again: () => void },
	): void {
		const gen = this.generation;
		void this.send(entry.method, entry.url, entry.headers, entry.body, timeoutMs).then(
			(outcome) => {
				if (gen !== this.generation) return;
				if (this.record(kind, stats, { ...entry, outcome })) return;
				if (retry.more) {
					this.scheduler.at(
						Date.now() + retry.delayMs * this.config().retryDelayScale,
						retry.again,
					);
				} else {
					stats.abandoned++;
				}
			},
		);
	}

	private signIfEnabled(
		account: AccountState,
		method: string,
		url: string,
		body: string,
		headers: Record<string, string>,
	): void {
		const key = account.enabledKeyId ? account.signatureKeys.get(account.enabledKeyId) : undefined;
		if (!key) return;
		const u = new URL(url);
		const date = new Date().toUTCString();
		const requestLine = `${method} ${u.pathname}${u.search} HTTP/1.1`;
		const signature = sign(
			DIGESTS[key.digest] ?? 'sha256',
			Buffer.from(requestLine + date + body, 'utf8'),
			key.privateKeyPem,
		).toString('base64');
		headers['Date'] = date;
		headers['X-MessageMedia-Signature'] = signature;
		headers['X-MessageMedia-Digest-Type'] = key.digest;
		headers['X-MessageMedia-Cipher-Type'] = key.cipher;
		headers['X-MessageMedia-Key-Id'] = key.key_id;
	}

	private record(kind: 'webhook' | 'callback', stats: DeliveryStats, e: DeliveryEntry): boolean {
		const { status } = e.outcome;
		const ok = typeof status === 'number' && status >= 200 && status < 300;
		stats.attempts++;
		if (ok) stats.succeeded++;
		else stats.failed++;
		this.store.count(stats.byStatus, String(status));
		this.store.addLog({
			kind,
			webhook_id: e.webhookId,
			account: e.account.id,
			url: e.url,
			method: e.method,
			event: e.event,
			status,
			...(e.outcome.error ? { error: e.outcome.error } : {}),
			attempt: e.attempt,
			retry_count: e.retryCount,
			body: e.body,
			headers: e.headers,
			at: new Date().toISOString(),
		});
		return ok;
	}

	private send(
		method: string,
		url: string,
		headers: Record<string, string>,
		body: string,
		timeoutMs: number,
	): Promise<Outcome> {
		return new Promise((resolve) => {
			this.queue.push(() =>
				this.sendNow(method, url, headers, body, timeoutMs).then((o) => {
					this.active--;
					this.pump();
					resolve(o);
				}),
			);
			this.pump();
		});
	}

	private pump(): void {
		while (this.active < Dispatcher.MAX_CONCURRENT && this.queueHead < this.queue.length) {
			const start = this.queue[this.queueHead++];
			this.active++;
			start();
		}
		if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
			this.queue = this.queue.slice(this.queueHead);
			this.queueHead = 0;
		}
	}

	private sendNow(
		method: string,
		url: string,
		headers: Record<string, string>,
		body: string,
		timeoutMs: number,
	): Promise<Outcome> {
		return new Promise((resolve) => {
			let settled = false;
			const done = (o: Outcome) => {
				if (settled) return;
				settled = true;
				this.pending.delete(req);
				resolve(o);
			};
			let target: URL;
			try {
				target = new URL(url);
			} catch {
				resolve({ status: 'error', error: 'invalid url' });
				return;
			}
			const isHttps = target.protocol === 'https:';
			const payload = Buffer.from(body, 'utf8');
			const req = (isHttps ? https : http).request(target, {
				method,
				headers: { ...headers, 'Content-Length': String(payload.length) },
				agent: isHttps ? this.httpsAgent : this.httpAgent,
				timeout: timeoutMs,
			});
			this.pending.add(req);
			req.on('timeout', () => {
				req.destroy();
				done({ status: 'timeout' });
			});
			req.on('error', (err) => done({ status: 'error', error: err.message }));
			req.on('response', (res) => {
				res.resume();
				res.on('end', () => done({ status: res.statusCode ?? 0 }));
				res.on('error', (err) => done({ status: 'error', error: err.message }));
			});
			req.end(payload);
		});
	}
}
