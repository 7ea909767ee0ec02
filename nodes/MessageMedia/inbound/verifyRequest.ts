import type { KeyObject } from 'crypto';
import { createPublicKey, timingSafeEqual, verify } from 'crypto';

export type VerifyResult = { ok: true } | { ok: false; reason: string };

type Headers = Record<string, string | string[] | undefined>;

/** A header's value whatever the case of its name; the first one when it was sent twice. */
export function headerOf(headers: Record<string, unknown>, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted) continue;
		const first: unknown = Array.isArray(value) ? value[0] : value;
		return first === undefined || first === null ? undefined : String(first);
	}
	return undefined;
}

/**
 * Compares two secrets in constant time. Lengths are compared first because timingSafeEqual
 * throws on unequal lengths; a secret's length is not what it protects.
 */
export function secretsMatch(received: string | undefined, expected: string | undefined): boolean {
	if (typeof received !== 'string' || typeof expected !== 'string' || expected === '') return false;
	const a = Buffer.from(received, 'utf8');
	const b = Buffer.from(expected, 'utf8');
	if (a.length !== b.length) return false;
	return timingSafeEqual(a, b);
}

/** Checks the secret header the trigger registered with its webhook. */
export function verifySecretHeader(
	headers: Headers,
	headerName: string,
	expected: string | undefined,
): VerifyResult {
	if (!expected) {
		return {
			ok: false,
			reason:
				'No webhook secret is stored for this trigger. Deactivate and activate the workflow to register the webhook again.',
		};
	}
	const received = headerOf(headers, headerName);
	if (received === undefined) return { ok: false, reason: `The ${headerName} header is missing` };
	return secretsMatch(received, expected)
		? { ok: true }
		: { ok: false, reason: `The ${headerName} header does not match` };
}

const keyCache = new Map<string, KeyObject>();

/**
 * Parses the public key MessageMedia returned when the signature key was created. Accepts the
 * bare base64 DER (SubjectPublicKeyInfo) MessageMedia returns, the same wrapped as PEM, and PEM
 * whose line breaks were lost when pasted into a one-line field.
 */
export function parsePublicKey(input: string): KeyObject {
	const text = String(input ?? '').trim();
	const cached = keyCache.get(text);
	if (cached) return cached;
	const pkcs1 = /BEGIN RSA PUBLIC KEY/.test(text);
	const base64 = text.replace(/-----(BEGIN|END)[A-Z ]+-----/g, '').replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/]+=*$/.test(base64)) {
		throw new Error('The public key is neither PEM nor base64');
	}
	const key = createPublicKey({
		key: Buffer.from(base64, 'base64'),
		format: 'der',
		type: pkcs1 ? 'pkcs1' : 'spki',
	});
	if (key.asymmetricKeyType !== 'rsa') throw new Error('The public key is not an RSA key');
	if (keyCache.size > 100) keyCache.clear();
	keyCache.set(text, key);
	return key;
}

const DIGESTS: Record<string, string> = {
	SHA1: 'sha1',
	SHA224: 'sha224',
	SHA256: 'sha256',
	SHA384: 'sha384',
	SHA512: 'sha512',
};

/** `SHA-224`, `sha224` and `SHA224` all name the same digest. */
export function digestAlgorithm(value: string | undefined): string | undefined {
	if (!value) return undefined;
	return DIGESTS[value.toUpperCase().replace(/[^A-Z0-9]/g, '')];
}

export interface RsaVerifyInput {
	headers: Headers;
	/** The exact request body bytes (`req.rawBody`), never re-serialised JSON. */
	rawBody: Buffer;
	/** The URL registered with MessageMedia; its path and query form the signed request line. */
	registeredUrl: string;
	/** RSA public key as PEM or base64 DER. */
	publicKey: string;
	/** When set, the `X-MessageMedia-Key-Id` header must equal it. */
	keyId?: string;
	/** Reject a `Date` further than this from now; 0 turns the check off. */
	maxAgeSeconds: number;
	method?: string;
	now?: number;
}

/**
 * Verifies MessageMedia's RSA webhook signature ("Enterprise Webhooks").
 *
 * MessageMedia signs each delivery with the private half of the account's enabled signature key:
 * 1. It builds the request line: method, a space, the path and query of the webhook URL, a space,
 *    and `HTTP/1.1`, e.g. `POST /webhook/abc/webhook HTTP/1.1`. The URL is the one registered with
 *    MessageMedia; a reverse proxy may rewrite the path n8n sees, so the caller passes the
 *    registered URL rather than the request's own.
 * 2. It appends the value of the `Date` header it sends, then the raw body, with no separators.
 * 3. It signs those bytes with RSA PKCS#1 v1.5 using the key's digest (SHA-224, SHA-256 or
 *    SHA-512), and sends the base64 signature in `X-MessageMedia-Signature`, the digest in
 *    `X-MessageMedia-Digest-Type`, `RSA` in `X-MessageMedia-Cipher-Type` and the key's UUID in
 *    `X-MessageMedia-Key-Id`.
 *
 * This checks the key id (when one is configured), the cipher, the digest, the `Date` age (the
 * signature itself carries no replay protection) and then the signature over the raw bytes.
 * Returns `{ ok: false, reason }` for anything unsigned, stale or forged.
 */
export function verifyRsaSignature(input: RsaVerifyInput): VerifyResult {
	const { headers } = input;
	const signature = headerOf(headers, 'x-messagemedia-signature');
	if (!signature) return { ok: false, reason: 'The request is not signed' };

	const keyId = headerOf(headers, 'x-messagemedia-key-id');
	if (input.keyId && keyId !== input.keyId.trim()) {
		return { ok: false, reason: 'The request was signed with a different key' };
	}
	const cipher = headerOf(headers, 'x-messagemedia-cipher-type');
	if (cipher && cipher.toUpperCase() !== 'RSA') {
		return { ok: false, reason: `Unsupported cipher ${cipher}` };
	}
	const digestHeader = headerOf(headers, 'x-messagemedia-digest-type');
	const algorithm = digestAlgorithm(digestHeader);
	if (!algorithm) return { ok: false, reason: `Unsupported digest ${digestHeader ?? '(none)'}` };

	const date = headerOf(headers, 'date');
	if (!date) return { ok: false, reason: 'The Date header is missing' };
	if (input.maxAgeSeconds > 0) {
		const sent = Date.parse(date);
		const now = input.now ?? Date.now();
		if (Number.isNaN(sent)) return { ok: false, reason: 'The Date header is not a date' };
		// Either direction: a future date is as suspicious as an old one, beyond clock skew.
		if (Math.abs(now - sent) > input.maxAgeSeconds * 1000) {
			return { ok: false, reason: 'The signed Date is too old or in the future' };
		}
	}

	let key: KeyObject;
	try {
		key = parsePublicKey(input.publicKey);
	} catch (error) {
		return { ok: false, reason: `The configured public key is unusable: ${error.message}` };
	}
	const url = new URL(input.registeredUrl);
	const requestLine = `${input.method ?? 'POST'} ${url.pathname}${url.search} HTTP/1.1`;
	const signed = Buffer.concat([Buffer.from(requestLine + date, 'utf8'), input.rawBody]);
	let valid = false;
	try {
		valid = verify(algorithm, signed, key, Buffer.from(signature, 'base64'));
	} catch {
		valid = false;
	}
	return valid ? { ok: true } : { ok: false, reason: 'The signature does not match' };
}
