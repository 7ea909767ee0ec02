/**
 * The retry settings unit tests run with: the transport's real policy and backoff, with a sleep
 * that records each wait and returns at once, so retries cost no wall time. Installed for every
 * unit test by test/setup/instantRetries.ts; a test may change `policy` (reset after each test)
 * and read `waits`.
 */
import type { RetryPolicy, RetrySettings } from '../../nodes/MessageMedia/transport/retry';

const { DEFAULT_RETRY_POLICY } = jest.requireActual<
	typeof import('../../nodes/MessageMedia/transport/retry')
>('../../nodes/MessageMedia/transport/retry');

async function instantSleep(ms: number): Promise<void> {
	testRetry.waits.push(ms);
	// Yield, as a real sleep does, so other executions and the sandbox get their turn.
	await new Promise((resolve) => setImmediate(resolve));
}

export const testRetry: RetrySettings & { waits: number[] } = {
	policy: { ...DEFAULT_RETRY_POLICY },
	waits: [],
	sleep: instantSleep,
	random: Math.random,
};

/** Runs `during` in place of the wait (after recording it), e.g. to open a port mid-backoff. */
export function useRetrySleep(during: (ms: number) => Promise<void>): void {
	testRetry.sleep = async (ms) => {
		testRetry.waits.push(ms);
		await during(ms);
	};
}

/** Changes the policy for the current test. */
export function useRetryPolicy(changes: Partial<RetryPolicy>): void {
	testRetry.policy = { ...testRetry.policy, ...changes };
}

export function resetRetry(): void {
	testRetry.policy = { ...DEFAULT_RETRY_POLICY };
	testRetry.waits = [];
	testRetry.sleep = instantSleep;
}
