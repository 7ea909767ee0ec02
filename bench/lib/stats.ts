/** Small statistics for noisy machines: median and spread (min–max and relative IQR-ish range). */
export interface Summary {
	n: number;
	median: number;
	min: number;
	max: number;
	/** (max - min) / median, as a fraction. */
	spread: number;
	samples: number[];
}

export function median(values: number[]): number {
	if (values.length === 0) return NaN;
	const s = [...values].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const s = [...values].sort((a, b) => a - b);
	const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
	return s[idx];
}

export function summarise(samples: number[]): Summary {
	const m = median(samples);
	const min = Math.min(...samples);
	const max = Math.max(...samples);
	return {
		n: samples.length,
		median: m,
		min,
		max,
		spread: m ? (max - min) / m : 0,
		samples: samples.map((v) => round(v, 3)),
	};
}

export function round(v: number, digits = 2): number {
	if (!Number.isFinite(v)) return v;
	const f = 10 ** digits;
	return Math.round(v * f) / f;
}

/** "123.4 ms (±5%)" */
export function fmtMs(s: Summary | undefined): string {
	if (!s) return '–';
	return `${fmtNum(s.median)} ms (±${Math.round((s.spread * 100) / 2)}%)`;
}

export function fmtNum(v: number): string {
	if (!Number.isFinite(v)) return String(v);
	if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
	if (Math.abs(v) >= 10) return v.toFixed(1);
	return v.toFixed(2);
}
