import { sleep } from 'n8n-workflow';

/**
 * How a request may be retried.
 * - `safe`: reads, deletes and confirms; retried on 429, 5xx and network errors.
 * - `send`: not idempotent; retried only where MessageMedia cannot have accepted it (429, or the
 *   connection refused before a byte was sent). Anything else is an unknown outcome.
 * - `none`: never retried.
 */
export type RetryMode = 'safe' | 'send' | 'none';

export interface RetryPolicy {
	/** Attempts for 5xx and network errors. */
	maxAttempts: number;
	/**
	 * Attempts when MessageMedia answers 429. A 429 means the request was not accepted, so a retry
	 * is always safe; the wait budget bounds it.
	 */
	maxRateLimitedAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Upper bound on the time spent waiting between attempts of one call. */
	maxTotalWaitMs: number;
	timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
	maxAttempts: 5,
	maxRateLimitedAttempts: 10,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxTotalWaitMs: 90_000,
	timeoutMs: 60_000,
});

/** What a request's retries depend on: the policy, and how to wait between attempts. */
export interface RetrySettings {
	policy: Readonly<RetryPolicy>;
	/** n8n-workflow's sleep in production; tests pass one that records the wait and returns. */
	sleep: (ms: number) => Promise<void>;
	random: () => number;
}

export const DEFAULT_RETRY: Readonly<RetrySettings> = Object.freeze({
	policy: DEFAULT_RETRY_POLICY,
	sleep,
	random: Math.random,
});

export const RETRYABLE_STATUS = [500, 502, 503, 504];

export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(parseFloat(text) * 1000);
	const at = Date.parse(text);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Full jitter: a uniform wait between 0 and the capped exponential step. When many executions hit
 * a 429 together, spreading their retries over the whole step lets the fewest collide again; equal
 * jitter (half the step fixed, half random) keeps them bunched in the upper half and, in AWS's
 * "Exponential Backoff and Jitter" comparison, needs more calls and more time to get the same work
 * through. A 429 that says when to come back is honoured by Retry-After instead.
 */
export function backoffDelay(settings: RetrySettings, attempt: number): number {
	const { policy } = settings;
	const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(settings.random() * step);
}
