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

	it('backs off exponentially with full jitter, capped', () => {
		const at = (random: number, attempt: number) =>
			actual.backoffDelay({ ...actual.DEFAULT_RETRY, random: () => random }, attempt);
		expect([at(0, 1), at(1, 1)]).toEqual([250, 500]);
		expect([at(0, 3), at(1, 3)]).toEqual([1000, 2000]);
		expect(at(1, 20)).toBe(30_000);
	});
});
