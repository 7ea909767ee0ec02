/**
 * One timer for all due work (DR walks, scheduled sends, webhook retries), so 10,000 messages
 * cost heap entries rather than 30,000 live timers.
 */
interface Job {
	at: number;
	seq: number;
	run: () => void;
}

export class Scheduler {
	private heap: Job[] = [];
	private seq = 0;
	private timer: NodeJS.Timeout | undefined;

	constructor(private readonly tickMs = 25) {}

	start(): void {
		if (this.timer) return;
		this.timer = setInterval(() => this.runDue(), this.tickMs);
		this.timer.unref();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}

	clear(): void {
		this.heap = [];
	}

	get size(): number {
		return this.heap.length;
	}

	at(time: number, run: () => void): void {
		this.push({ at: time, seq: this.seq++, run });
	}

	runDue(now = Date.now()): void {
		while (this.heap.length > 0 && this.heap[0].at <= now) {
			const job = this.pop()!;
			try {
				job.run();
			} catch (err) {
				// A failing job must not stall the queue for everyone else.
				console.error('[sandbox] scheduled job failed:', err);
			}
		}
	}

	private less(a: Job, b: Job): boolean {
		return a.at < b.at || (a.at === b.at && a.seq < b.seq);
	}

	private push(job: Job): void {
		const h = this.heap;
		h.push(job);
		let i = h.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (!this.less(h[i], h[p])) break;
			[h[i], h[p]] = [h[p], h[i]];
			i = p;
		}
	}

	private pop(): Job | undefined {
		const h = this.heap;
		const top = h[0];
		const last = h.pop();
		if (h.length > 0 && last) {
			h[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < h.length && this.less(h[l], h[m])) m = l;
				if (r < h.length && this.less(h[r], h[m])) m = r;
				if (m === i) break;
				[h[i], h[m]] = [h[m], h[i]];
				i = m;
			}
		}
		return top;
	}
}
