/**
 * Remembers event ids for a while so that an event MessageMedia retries starts one execution.
 * Entries live in insertion order in a Map, so the oldest is evicted first when the store is full
 * and expired ones are swept from the front. Memory is per n8n process: see the trigger README.
 */
export class DedupStore {
	private readonly seen = new Map<string, number>();

	constructor(
		private readonly maxEntries = 10_000,
		private now: () => number = () => Date.now(),
	) {}

	get size(): number {
		return this.seen.size;
	}

	private sweep(at: number): void {
		for (const [id, expiresAt] of this.seen) {
			if (expiresAt > at) break;
			this.seen.delete(id);
		}
	}

	/**
	 * Records the id for `windowMs` and returns true, or returns false when the id was already
	 * claimed inside its window. Claim before any await, so two concurrent copies cannot both win.
	 */
	claim(id: string, windowMs: number): boolean {
		const at = this.now();
		this.sweep(at);
		const expiresAt = this.seen.get(id);
		if (expiresAt !== undefined && expiresAt > at) return false;
		this.seen.delete(id);
		this.seen.set(id, at + windowMs);
		while (this.seen.size > this.maxEntries) {
			this.seen.delete(this.seen.keys().next().value as string);
		}
		return true;
	}

	/** Forgets a claim whose event could not be emitted, so MessageMedia's retry can succeed. */
	release(id: string): void {
		this.seen.delete(id);
	}
}

const MAX_STORES = 1_000;
const stores = new Map<string, DedupStore>();

/**
 * The store of one trigger registration. Keyed by workflow, node and URL, so test and production
 * webhooks (both may receive the same event) keep separate memories. Lives at module level
 * because webhook() gets a fresh context per request.
 */
export function dedupStoreFor(workflowId: string, nodeId: string, url: string): DedupStore {
	const key = `${workflowId}\u0000${nodeId}\u0000${url}`;
	let store = stores.get(key);
	if (store) {
		// Re-inserting keeps the most recently used stores at the back of the eviction order.
		stores.delete(key);
	} else {
		store = new DedupStore();
	}
	stores.set(key, store);
	while (stores.size > MAX_STORES) stores.delete(stores.keys().next().value as string);
	return store;
}

/** Test seam: forget every store. */
export function resetDedupStores(): void {
	stores.clear();
}
