import { bad, type Result } from './routing';
import { isPlainObject } from './validate';

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

/** What a fault roll decided before the request is handled. */
export type EarlyFault = { kind: 'respond'; result: Result } | { kind: 'hold' } | { kind: 'reset' };

/** The fault set of the control API and the dice it rolls for each MessageMedia API request. */
export class Faults {
	config: FaultConfig = {};

	/** Validates a control-API body; replaces the whole set when it is valid. */
	set(body: unknown): Result {
		if (!isPlainObject(body)) return bad('Body must be a JSON object.');
		const next: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(body)) {
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
		this.config = next as FaultConfig;
		return { status: 200, body: this.config };
	}

	clear(): void {
		this.config = {};
	}

	applies(method: string, path: string): boolean {
		const f = this.config;
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

	async delay(): Promise<void> {
		const ms = this.config.latencyMs;
		if (ms) await new Promise((r) => setTimeout(r, ms));
	}

	/** Faults that strike before auth and handling, so the request has no effect. */
	rollBefore(): EarlyFault | undefined {
		const f = this.config;
		if (!this.left()) return undefined;
		const roll = Math.random();
		let edge = 0;
		const hit = (rate?: number) => rate !== undefined && roll < (edge += rate);
		let fault: EarlyFault | undefined;
		if (hit(f.rate429)) {
			fault = {
				kind: 'respond',
				result: {
					status: 429,
					body: { message: 'Too Many Requests' },
					headers: { 'Retry-After': String(f.retryAfterSeconds ?? 1) },
				},
			};
		} else if (hit(f.rate500)) {
			fault = {
				kind: 'respond',
				result: { status: 500, body: { message: 'Internal Server Error' } },
			};
		} else if (hit(f.rate503)) {
			fault = {
				kind: 'respond',
				result: { status: 503, body: { message: 'Service Unavailable' } },
			};
		} else if (hit(f.rateTimeout)) {
			fault = { kind: 'hold' };
		} else if (hit(f.rateReset)) {
			fault = { kind: 'reset' };
		}
		if (fault) this.use();
		return fault;
	}

	/** Faults that strike after a successful handling: the request took effect, the answer is lost. */
	rollAfter(): EarlyFault | undefined {
		const f = this.config;
		if (!this.left()) return undefined;
		const roll = Math.random();
		const r500 = f.rate500AfterAccept ?? 0;
		let fault: EarlyFault | undefined;
		if (roll < r500) {
			fault = {
				kind: 'respond',
				result: { status: 500, body: { message: 'Internal Server Error' } },
			};
		} else if (roll < r500 + (f.rateTimeoutAfterAccept ?? 0)) {
			fault = { kind: 'hold' };
		}
		if (fault) this.use();
		return fault;
	}

	private left(): boolean {
		return this.config.count === undefined || this.config.count > 0;
	}

	private use(): void {
		if (this.config.count !== undefined) this.config.count--;
	}
}
