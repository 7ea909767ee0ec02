import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { IncomingMessage } from 'http';

export const DEMO_CREDENTIALS = {
	basic: { apiKey: 'demo-basic-key', apiSecret: 'demo-basic-secret' },
	hmac: { apiKey: 'demo-hmac-key', apiSecret: 'demo-hmac-secret' },
};

const HMAC_ALGORITHMS: Record<string, string> = {
	'hmac-sha1': 'sha1',
	'hmac-sha256': 'sha256',
	'hmac-sha384': 'sha384',
	'hmac-sha512': 'sha512',
};

export const MAX_CLOCK_SKEW_MS = 300_000;

export type AuthResult = { ok: true; scheme: 'basic' | 'hmac' } | { ok: false; reason: string };

function safeEqual(a: string, b: string): boolean {
	const ab = Buffer.from(a);
	const bb = Buffer.from(b);
	return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
	const v = req.headers[name.toLowerCase()];
	return Array.isArray(v) ? v.join(', ') : v;
}

/** Parses `hmac username="..", algorithm="..", headers="..", signature=".."`. */
export function parseHmacHeader(value: string): Record<string, string> | undefined {
	const m = /^hmac\s+(.*)$/i.exec(value.trim());
	if (!m) return undefined;
	const params: Record<string, string> = {};
	const re = /([A-Za-z]+)\s*=\s*"([^"]*)"/g;
	let p: RegExpExecArray | null;
	while ((p = re.exec(m[1]))) params[p[1].toLowerCase()] = p[2];
	return params;
}

/**
 * Checks Basic or HMAC credentials as docs/messagemedia-api.md (Authentication) describes. Basic and HMAC keys are
 * separate pairs, so each only works with its own scheme.
 */
export function authenticate(
	req: IncomingMessage,
	rawBody: Buffer,
	now: number = Date.now(),
): AuthResult {
	const authz = headerValue(req, 'authorization');
	if (!authz) return { ok: false, reason: 'missing Authorization' };

	const basic = /^Basic\s+(.+)$/i.exec(authz.trim());
	if (basic) {
		const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
		const idx = decoded.indexOf(':');
		if (idx < 0) return { ok: false, reason: 'malformed basic' };
		const key = decoded.slice(0, idx);
		const secret = decoded.slice(idx + 1);
		const c = DEMO_CREDENTIALS.basic;
		return safeEqual(key, c.apiKey) && safeEqual(secret, c.apiSecret)
			? { ok: true, scheme: 'basic' }
			: { ok: false, reason: 'bad basic credentials' };
	}

	const params = parseHmacHeader(authz);
	if (!params) return { ok: false, reason: 'unknown scheme' };
	const { username, algorithm, headers, signature } = params;
	if (!username || !algorithm || !headers || !signature) {
		return { ok: false, reason: 'incomplete hmac header' };
	}
	if (username !== DEMO_CREDENTIALS.hmac.apiKey) return { ok: false, reason: 'unknown hmac key' };
	const digest = HMAC_ALGORITHMS[algorithm.toLowerCase()];
	if (!digest) return { ok: false, reason: 'unsupported algorithm' };

	const names = headers.split(/\s+/).filter(Boolean);
	const lower = names.map((n) => n.toLowerCase());
	if (!lower.includes('request-line')) return { ok: false, reason: 'request-line not signed' };
	const dateName = names.find((n) => n.toLowerCase() === 'date' || n.toLowerCase() === 'x-date');
	if (!dateName) return { ok: false, reason: 'date not signed' };
	const date = Date.parse(headerValue(req, dateName) ?? '');
	if (Number.isNaN(date) || Math.abs(now - date) > MAX_CLOCK_SKEW_MS) {
		return { ok: false, reason: 'date missing or out of range' };
	}

	const md5Names = names.filter((n) => /^(x-)?content-md5$/i.test(n));
	const bodyMd5 = createHash('md5').update(rawBody).digest('hex');
	if (rawBody.length > 0 && md5Names.length === 0) return { ok: false, reason: 'body not signed' };
	for (const n of md5Names) {
		const v = headerValue(req, n);
		if (!v || v.trim().toLowerCase() !== bodyMd5) return { ok: false, reason: 'md5 mismatch' };
	}

	const url = req.url ?? '/';
	const pathOnly = url.split('?')[0];
	// Kong-style: the request line carries the query string; path-only is a legacy fallback.
	const candidates = url === pathOnly ? [url] : [url, pathOnly];
	for (const target of candidates) {
		const lines: string[] = [];
		let missing = false;
		for (const n of names) {
			if (n.toLowerCase() === 'request-line') {
				lines.push(`${req.method} ${target} HTTP/1.1`);
			} else {
				const v = headerValue(req, n);
				if (v === undefined) missing = true;
				lines.push(`${n}: ${v ?? ''}`);
			}
		}
		if (missing) return { ok: false, reason: 'signed header missing' };
		const expected = createHmac(digest, DEMO_CREDENTIALS.hmac.apiSecret)
			.update(lines.join('\n'), 'utf8')
			.digest('base64');
		if (safeEqual(expected, signature)) return { ok: true, scheme: 'hmac' };
	}
	return { ok: false, reason: 'signature mismatch' };
}
