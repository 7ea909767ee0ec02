import {
	digestAlgorithm,
	headerOf,
	parsePublicKey,
	secretsMatch,
} from '../../nodes/MessageMedia/inbound/verifyRequest';
import { PUBLIC_KEY_BASE64, PUBLIC_KEY_PEM } from '../trigger/fixtures';

describe('verify helpers', () => {
	it('compares secrets, including different lengths, without throwing', () => {
		expect(secretsMatch('abc', 'abc')).toBe(true);
		expect(secretsMatch('abd', 'abc')).toBe(false);
		expect(secretsMatch('abcd', 'abc')).toBe(false);
		expect(secretsMatch(undefined, 'abc')).toBe(false);
		expect(secretsMatch('', '')).toBe(false);
	});

	it.each([
		['SHA224', 'sha224'],
		['SHA-224', 'sha224'],
		['sha-256', 'sha256'],
		['SHA512', 'sha512'],
		['MD5', undefined],
		[undefined, undefined],
	])('maps digest %s to %s', (input, expected) => {
		expect(digestAlgorithm(input)).toBe(expected);
	});

	it('reads base64 DER and PEM keys as the same key', () => {
		const a = parsePublicKey(PUBLIC_KEY_BASE64).export({ format: 'der', type: 'spki' });
		const b = parsePublicKey(PUBLIC_KEY_PEM).export({ format: 'der', type: 'spki' });
		expect(a.equals(b)).toBe(true);
		expect(() => parsePublicKey('not a key!')).toThrow();
	});
});

describe('headerOf', () => {
	it('finds a header whatever the case of its name, the first of repeated ones', () => {
		const headers = { 'X-Custom': 'a', 'x-list': ['b', 'c'], 'x-none': undefined };
		expect(headerOf(headers, 'x-custom')).toBe('a');
		expect(headerOf(headers, 'X-LIST')).toBe('b');
		expect(headerOf(headers, 'x-none')).toBeUndefined();
		expect(headerOf(headers, 'x-missing')).toBeUndefined();
	});
});
