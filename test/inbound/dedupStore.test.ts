import { DedupStore } from '../../nodes/MessageMedia/inbound/dedupStore';

describe('DedupStore', () => {
	it('claims an id once inside its window and again after it', () => {
		let now = 0;
		const store = new DedupStore(10, () => now);
		expect(store.claim('a', 1000)).toBe(true);
		expect(store.claim('a', 1000)).toBe(false);
		now = 1001;
		expect(store.claim('a', 1000)).toBe(true);
	});

	it('stays bounded, evicting the oldest', () => {
		const store = new DedupStore(3, () => 0);
		for (const id of ['a', 'b', 'c', 'd']) store.claim(id, 1000);
		expect(store.size).toBe(3);
		expect(store.claim('a', 1000)).toBe(true);
		expect(store.claim('d', 1000)).toBe(false);
	});

	it('sweeps expired entries', () => {
		let now = 0;
		const store = new DedupStore(100, () => now);
		store.claim('a', 10);
		store.claim('b', 10);
		now = 20;
		store.claim('c', 10);
		expect(store.size).toBe(1);
	});

	it('releases a claim', () => {
		const store = new DedupStore();
		store.claim('a', 1000);
		store.release('a');
		expect(store.claim('a', 1000)).toBe(true);
	});
});
