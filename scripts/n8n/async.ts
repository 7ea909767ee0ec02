/**
 * Small async helpers shared by the harness, the end-to-end tests and the benchmarks: waiting,
 * polling with a deadline, and bounded concurrency.
 */

export function sleep(ms: number): Promise<void> {
	return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/** Polls `fn` until `done(value)` holds; throws with the last value after the timeout. */
export async function pollUntil<T>(
	what: string,
	fn: () => Promise<T>,
	done: (value: T) => boolean,
	opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
	const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
	let last: T;
	for (;;) {
		last = await fn();
		if (done(last)) return last;
		if (Date.now() > deadline) {
			throw new Error(
				`timed out waiting for ${what}; last value: ${JSON.stringify(last).slice(0, 1500)}`,
			);
		}
		await sleep(opts.intervalMs ?? 200);
	}
}

/** Runs `fn` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(
	items: T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;
	const run = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
	return out;
}
