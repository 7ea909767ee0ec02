import { sleep } from 'n8n-workflow';

import type * as Retry from '../../nodes/MessageMedia/transport/retry';

// The unit suite swaps the default settings for instant ones (test/setup/instantRetries.ts);
// this checks the real module.
const actual = jest.requireActual<typeof Retry>('../../nodes/MessageMedia/transport/retry');

describe('retry settings', () => {
	it('production waits with n8n-workflow’s sleep and the documented policy', () => {
		expect(actual.DEFAULT_RETRY.sleep).toBe(sleep);
		expect(actual.DEFAULT_RETRY.policy).toEqual({
			maxAttempts: 5,
			maxRateLimitedAttempts: 10,
			baseDelayMs: 500,
			maxDelayMs: 30_000,
			maxTotalWaitMs: 90_000,
			timeoutMs: 60_000,
		});
		expect(Object.isFrozen(actual.DEFAULT_RETRY)).toBe(true);
		expect(Object.isFrozen(actual.DEFAULT_RETRY.policy)).toBe(true);
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(actual.parseRetryAfter('1.5', now)).toBe(1500);
		expect(actual.parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
		expect(actual.parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
		expect(actual.parseRetryAfter('soon', now)).toBeUndefined();
		expect(actual.parseRetryAfter(undefined, now)).toBeUndefined();
	});

	it('backs off exponentially with full jitter: uniform from 0 to the capped step', () => {
		const at = (random: number, attempt: number) =>
			actual.backoffDelay({ ...actual.DEFAULT_RETRY, random: () => random }, attempt);
		expect([at(0, 1), at(0.5, 1), at(1, 1)]).toEqual([0, 250, 500]);
		expect([at(0, 3), at(0.25, 3), at(1, 3)]).toEqual([0, 500, 2000]);
		expect([at(0, 20), at(0.5, 20), at(1, 20)]).toEqual([0, 15_000, 30_000]);
	});

	it('spreads waits over the whole step, not only its upper half', () => {
		let seed = 1;
		// A fixed linear congruential sequence, so the test is exact and cannot flake.
		const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
		const waits = Array.from({ length: 1000 }, () =>
			actual.backoffDelay({ ...actual.DEFAULT_RETRY, random }, 3),
		);
		expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...waits)).toBeLessThanOrEqual(2000);
		// Equal jitter would put none below 1000 ms; full jitter puts about half there.
		const lower = waits.filter((w) => w < 1000).length;
		expect(lower).toBeGreaterThan(400);
		expect(lower).toBeLessThan(600);
	});
});
