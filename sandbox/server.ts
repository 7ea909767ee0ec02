import http, { IncomingMessage, ServerResponse } from 'http';
import { authenticate } from './auth';
import { Faults } from './faults';
import { controlRoutes, type ControlledSandbox } from './routes/control';
import { messageRoutes } from './routes/messages';
import { numberRoutes } from './routes/numbers';
import { pollingRoutes } from './routes/polling';
import { signatureKeyRoutes } from './routes/signatureKeys';
import { webhookRoutes } from './routes/webhookManagement';
import { match, NOT_FOUND, type Result, type Route, type SandboxConfig } from './routing';
import { Scheduler } from './scheduler';
import { MODEL_PREFIX, ScriptedModel } from './scriptedModel';
import { DEFAULT_ACCOUNT, Store } from './store';
import { isPlainObject } from './validate';
import { Dispatcher } from './webhooks';

export type { SandboxConfig } from './routing';
export type { FaultConfig } from './faults';

const PARSE_ERROR = {
	message: 'Request failed to parse correctly. Please ensure input is valid and try again.',
	details: ['Failed to parse message body.'],
};
const MAX_BODY = 10 * 1024 * 1024;

/**
 * The HTTP front of the sandbox: reads a request, applies faults and auth, and hands it to the
 * route group that owns its path (routes/). State lives in the Store, outbound pushes in the
 * Dispatcher.
 */
export class Sandbox implements ControlledSandbox {
	readonly store = new Store();
	readonly scheduler = new Scheduler(25);
	readonly dispatcher: Dispatcher;
	readonly faults = new Faults();
	readonly model = new ScriptedModel();
	config: SandboxConfig;
	private held = new Set<ServerResponse>();
	private routes: Route[];
	private controlRoutes: Route[];

	constructor(readonly defaults: SandboxConfig) {
		this.config = { ...defaults };
		this.dispatcher = new Dispatcher(this.store, this.scheduler, () => this.config);
		this.routes = [
			...messageRoutes(this),
			...pollingRoutes(),
			...webhookRoutes(),
			...signatureKeyRoutes(this),
			...numberRoutes(this),
		];
		this.controlRoutes = controlRoutes(this);
	}

	start(): void {
		this.scheduler.start();
	}

	stop(): void {
		this.scheduler.stop();
		this.releaseHeld();
		this.dispatcher.close();
	}

	reset(): void {
		this.store.reset();
		this.scheduler.clear();
		this.dispatcher.reset();
		this.faults.clear();
		this.model.reset();
		this.config = { ...this.defaults };
		this.releaseHeld();
	}

	private releaseHeld(): void {
		for (const res of this.held) res.socket?.destroy();
		this.held.clear();
	}

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
			const { route, params, pathMatched } = match(this.controlRoutes, method, path);
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

		if (path.startsWith(`${MODEL_PREFIX}/`)) {
			if (parseFailed) return this.write(res, { status: 400, body: PARSE_ERROR });
			this.write(res, this.model.handle(method, path, body));
			return;
		}

		const { route, params } = match(this.routes, method, path);
		const key = `${method} ${route ? route.pattern : '(unmatched)'}`;
		this.store.count(this.store.requests, key);
		const respond = (r: Result) => {
			this.store.count(this.store.responses, `${key} ${r.status}`);
			this.write(res, r);
		};

		const faulted = this.faults.applies(method, path);
		if (faulted) {
			await this.faults.delay();
			const early = this.faults.rollBefore();
			if (early?.kind === 'respond') return respond(early.result);
			if (early?.kind === 'hold') return this.hold(key, res);
			if (early?.kind === 'reset') {
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

		if (faulted && result.status < 400) {
			const late = this.faults.rollAfter();
			if (late?.kind === 'respond') return respond(late.result);
			if (late?.kind === 'hold') return this.hold(key, res);
		}
		respond(result);
	}

	private hold(key: string, res: ServerResponse): void {
		// Never answered: the client's own timeout is what fires. Released on reset/close.
		this.store.count(this.store.responses, `${key} timeout`);
		this.held.add(res);
		res.on('close', () => this.held.delete(res));
	}
}

export function createHttpServer(sandbox: Sandbox): http.Server {
	const server = http.createServer(sandbox.handle);
	server.keepAliveTimeout = 5000;
	return server;
}
