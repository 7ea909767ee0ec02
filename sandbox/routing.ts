import type { IncomingMessage } from 'http';
import type { Dispatcher } from './webhooks';
import type { Scheduler } from './scheduler';
import type { AccountState, Store } from './store';

/** What a route answers; the server turns it into an HTTP response. */
export interface Result {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export interface Ctx {
	req: IncomingMessage;
	account: AccountState;
	params: Record<string, string>;
	query: URLSearchParams;
	body: unknown;
}

export type Handler = (ctx: Ctx) => Result | Promise<Result>;

export interface Route {
	method: string;
	pattern: string;
	regex: RegExp;
	keys: string[];
	handler: Handler;
}

export interface SandboxConfig {
	drIntervalMs: number;
	retryDelayScale: number;
	lookupsAvailable: boolean;
	/** MessageMedia's code guide shows signed callback pushes; off only to test unsigned receivers. */
	signCallbacks: boolean;
	deliveryTimeoutMs: number;
	callbackRetries: number;
	/** MessageMedia's docs tie all DRs to delivery_report:true; off by default (DRs always flow). */
	drRequiresDeliveryReport: boolean;
	signatureKeysEnabled: boolean;
}

/** What the route groups share: the sandbox's state and its outbound machinery. */
export interface SandboxState {
	readonly store: Store;
	readonly scheduler: Scheduler;
	readonly dispatcher: Dispatcher;
	readonly config: SandboxConfig;
}

export const NOT_FOUND: Result = { status: 404, body: { message: 'Resource not found.' } };

export const invalid = (details: string[]): Result => ({
	status: 400,
	body: { message: 'Invalid request', details },
});

export const bad = (message: string): Result => ({ status: 400, body: { message } });

/** Blacklisted numbers are kept without '+', as the API examples show. */
export function stripPlus(n: string): string {
	return n.startsWith('+') ? n.slice(1) : n;
}

export function compile(method: string, pattern: string, handler: Handler): Route {
	const keys: string[] = [];
	const src = pattern.replace(/:([a-zA-Z_]+)/g, (_, k: string) => {
		keys.push(k);
		return '([^/]+)';
	});
	return { method, pattern, regex: new RegExp(`^${src}/?$`), keys, handler };
}

export function match(routes: Route[], method: string, path: string) {
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
