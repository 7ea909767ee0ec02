import { classifyIntent, parseIntentKeywords } from '../../nodes/MessageMedia/shared/intent';
import { DedupStore } from '../../nodes/MessageMedia/trigger/dedup';
import { normaliseEvent, toIsoTimestamp } from '../../nodes/MessageMedia/trigger/normalise';
import {
	digestAlgorithm,
	parsePublicKey,
	secretsMatch,
} from '../../nodes/MessageMedia/trigger/verify';
import { PUBLIC_KEY_BASE64, PUBLIC_KEY_PEM } from './fixtures';

describe('classifyIntent', () => {
	const keywords = parseIntentKeywords({});
	it.each([
		['YES', 'confirm'],
		[' yes!! ', 'confirm'],
		['Y', 'confirm'],
		['Yes, see you then', 'confirm'],
		['no', 'cancel'],
		['No thanks.', 'cancel'],
		['Cancel please', 'cancel'],
		['STOP', 'stop'],
		['stop yes', 'stop'],
		['unsubscribe', 'stop'],
		['maybe', 'other'],
		['yesterday', 'other'],
		['', 'other'],
		['👍', 'other'],
	])('%j → %s', (text, intent) => {
		expect(classifyIntent(text, keywords)).toBe(intent);
	});

	it('uses custom lists, in any script', () => {
		const custom = parseIntentKeywords({ confirm: 'نعم, JA', cancel: '', stop: 'HALT' });
		expect(classifyIntent('نعم', custom)).toBe('confirm');
		expect(classifyIntent('ja!', custom)).toBe('confirm');
		expect(classifyIntent('no', custom)).toBe('other');
		expect(classifyIntent('halt', custom)).toBe('stop');
	});
});

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

describe('normaliseEvent on callback_url pushes (Send and Wait)', () => {
	it('maps the Reply object', () => {
		const { event } = normaliseEvent({
			reply_id: 'r-1',
			message_id: 'm-1',
			content: 'No',
			source_number: '+61491570156',
			destination_number: '+61491570999',
			date_received: '2016-12-07T08:43:00.850Z',
			callback_url: 'https://x',
			metadata: { key1: 'value1' },
			vendor_account_id: { vendor_id: 'SinchEU', account_id: 'MyAccount' },
		});
		expect(event).toMatchObject({
			event: 'reply',
			eventName: 'RECEIVED_SMS',
			id: 'r-1',
			messageId: 'm-1',
			from: '+61491570156',
			to: '+61491570999',
			text: 'No',
			intent: 'cancel',
			accountId: 'MyAccount',
			metadata_key1: 'value1',
			receivedAt: '2016-12-07T08:43:00.850Z',
		});
	});

	it('maps the DeliveryReport object with a numeric delay and error_code', () => {
		const { event } = normaliseEvent({
			delivery_report_id: 'd-1',
			message_id: 'm-1',
			status: 'failed',
			error_code: '411',
			delay: 0,
			source_number: '+61491570156',
			submitted_date: '2017-12-07T08:43:00.850Z',
			date_received: '2017-12-07T08:43:01.000Z',
			original_text: 'Hi',
			vendor_account_id: { vendor_id: 'SinchEU', account_id: 'MyAccount' },
		});
		expect(event).toMatchObject({
			event: 'delivery_report',
			eventName: 'FAILED_DR',
			statusCode: 411,
			statusDescription: 'Invalid destination',
			to: '+61491570156',
			submittedAt: '2017-12-07T08:43:00.850Z',
		});
	});

	it('treats a literally rendered Velocity reference as absent', () => {
		const { event } = normaliseEvent({
			notification_id: 'n-1',
			reply_id: '$replyId',
			content: 'STOP',
		});
		expect(event.event).toBe('opt_out');
	});

	it('normalises timestamps', () => {
		expect(toIsoTimestamp('1700000000')).toBe('2023-11-14T22:13:20.000Z');
		expect(toIsoTimestamp('1700000000000')).toBe('2023-11-14T22:13:20.000Z');
		expect(toIsoTimestamp('Wed, 08 Feb 2023 03:00:00 GMT')).toBe('2023-02-08T03:00:00.000Z');
		// Unreadable times become empty: the field is documented as ISO; `raw` keeps the original.
		expect(toIsoTimestamp('not a date')).toBe('');
		expect(toIsoTimestamp(undefined)).toBe('');
	});
});
