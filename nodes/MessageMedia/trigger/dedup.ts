import { createHash } from 'crypto';

/**
 * Remembers event ids for a while so that an event MessageMedia retries starts one execution.
 * Entries live in insertion order in a Map, so the oldest is evicted first when the store is full
 * and expired ones are swept from the front. This memory is per n8n process; `claimPersisted`
 * extends it across restarts and webhook processes: see trigger/README.md.
 */
export class DedupStore {
	private readonly seen = new Map<string, number>();
	/** This process's latest persisted claims (digest → expiry in seconds), oldest first. */
	readonly persisted = new Map<string, number>();
	/** The record this process wrote last, with its entries, so it is not parsed again. */
	lastRecord?: { text: string; entries: Map<string, number>; newest: number };

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
		this.persisted.delete(digest(id));
	}
}

/** How many event ids the workflow's static data keeps (19 bytes each). */
export const PERSISTED_MAX = 1_000;

const KEY_LENGTH = 12;
const EXPIRY_LENGTH = 7;
const ENTRY_LENGTH = KEY_LENGTH + EXPIRY_LENGTH;

function digest(id: string): string {
	return createHash('sha256').update(id).digest('base64url').slice(0, KEY_LENGTH);
}

/**
 * The stored record is one string of fixed-width entries, key then expiry (seconds, base 36),
 * oldest first: an object with a thousand keys costs milliseconds to build on every event.
 */
function expiryIn(record: string, key: string): number {
	for (let at = record.indexOf(key); at !== -1; at = record.indexOf(key, at + 1)) {
		if (at % ENTRY_LENGTH === 0) {
			return parseInt(record.slice(at + KEY_LENGTH, at + ENTRY_LENGTH), 36);
		}
	}
	return 0;
}

function entry(key: string, expiresAt: number): string {
	return key + expiresAt.toString(36).padStart(EXPIRY_LENGTH, '0');
}

/**
 * Claims the id in `saved`, the record kept in the workflow's static data, and returns the record
 * to store back, or undefined when the id is already there. n8n reloads static data for every
 * webhook request and saves it before it answers, so this claim survives a restart and is seen by
 * every webhook process of a queue-mode setup. Two requests handled at the same time each save
 * their own copy and the last save wins, so each save also writes back this process's recent
 * claims: an id lost that way returns with the process's next event.
 */
export function claimPersisted(
	store: DedupStore,
	saved: unknown,
	id: string,
	windowMs: number,
	nowMs = Date.now(),
): string | undefined {
	const now = Math.floor(nowMs / 1000);
	const record = typeof saved === 'string' && saved.length % ENTRY_LENGTH === 0 ? saved : '';
	const key = digest(id);
	if (expiryIn(record, key) > now) return undefined;
	const expiresAt = now + Math.ceil(windowMs / 1000);

	const mine = store.persisted;
	mine.delete(key);
	mine.set(key, expiresAt);
	while (mine.size > PERSISTED_MAX) mine.delete(mine.keys().next().value as string);

	let entries: Map<string, number>;
	// Only the front (oldest) entries go and one is appended: the text can be cut, not rebuilt.
	let appendOnly = false;
	const last = store.lastRecord;
	if (last?.text === record) {
		// Nobody else wrote since this process did: its entries already hold all of `mine`.
		entries = last.entries;
		appendOnly = !entries.delete(key) && expiresAt >= last.newest;
		entries.set(key, expiresAt);
	} else {
		entries = new Map<string, number>();
		for (let at = 0; at < record.length; at += ENTRY_LENGTH) {
			const k = record.slice(at, at + KEY_LENGTH);
			entries.set(k, parseInt(record.slice(at + KEY_LENGTH, at + ENTRY_LENGTH), 36));
		}
		for (const [k, e] of mine) if (!((entries.get(k) ?? 0) >= e)) entries.set(k, e);
		const list = [...entries];
		if (list.some(([, e], i) => i > 0 && e < list[i - 1][1])) {
			entries = new Map(list.sort((a, b) => a[1] - b[1]));
		}
	}
	let dropped = 0;
	for (const [k, e] of entries) {
		if (e > now && entries.size <= PERSISTED_MAX) break;
		entries.delete(k);
		dropped++;
	}
	let text = '';
	if (appendOnly) text = record.slice(dropped * ENTRY_LENGTH) + entry(key, expiresAt);
	else for (const [k, e] of entries) text += entry(k, e);
	let newest = 0;
	if (appendOnly) newest = expiresAt;
	else for (const e of entries.values()) newest = e;
	store.lastRecord = { text, entries, newest };
	return text;
}

/** Removes a claim from the stored record, for an event that never reached the workflow. */
export function releasePersisted(saved: unknown, id: string): string | undefined {
	if (typeof saved !== 'string') return undefined;
	const key = digest(id);
	let record = saved;
	for (let at = record.indexOf(key); at !== -1; at = record.indexOf(key, at + 1)) {
		if (at % ENTRY_LENGTH === 0) record = record.slice(0, at) + record.slice(at + ENTRY_LENGTH);
	}
	return record;
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
