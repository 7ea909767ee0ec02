import type { IDataObject } from 'n8n-workflow';

import {
	normaliseEvent,
	parseEventBody,
	PayloadError,
	toIsoTimestamp,
} from '../../nodes/MessageMedia/inbound/normaliseEvent';
import { parseIntentKeywords } from '../../nodes/MessageMedia/intent/replyIntentLists';

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

describe('delivery statuses', () => {
	const report = (status: string, code = '400') => ({
		delivery_report_id: `d-${status}`,
		message_id: 'm-1',
		status,
		error_code: code,
		source_number: '+61491570156',
	});

	it('files undeliverable under FAILED_DR, keeping its own status', () => {
		const { event } = normaliseEvent(report('undeliverable'));
		expect(event).toMatchObject({
			event: 'delivery_report',
			eventName: 'FAILED_DR',
			status: 'undeliverable',
			statusCode: 400,
			statusDescription: 'Undeliverable',
		});
	});

	it.each([
		['queued', 'QUEUED_DR'],
		['__proto__', '__PROTO___DR'],
	])(
		'names a status no event stands for (%s) after itself, so no subscription selects it',
		(status, name) => {
			expect(normaliseEvent(report(status, '101')).event.eventName).toBe(name);
		},
	);
});

describe('payloads that still carry template text', () => {
	const reply = { reply_id: 'r-1', message_id: 'm-1', content: 'Yes', metadata: { k: 'v' } };

	function refusal(payload: IDataObject): string {
		try {
			normaliseEvent(payload);
		} catch (error) {
			expect(error).toBeInstanceOf(PayloadError);
			return (error as Error).message;
		}
		throw new Error('normaliseEvent accepted the payload');
	}

	it.each([
		['a quiet reference', 'message_id', '$!{messageId}'],
		['a formal reference', 'message_id', '${messageId}'],
		['a quiet escape call', 'date_received', '$!esc.json($!receivedTimestamp)'],
		['a loud escape call', 'status', '$esc.json($!status)'],
	])('refuses %s in an id, code or time field, naming the cause', (_name, field, text) => {
		const message = refusal({ ...reply, [field]: text });
		expect(message).toMatch(/^MessageMedia did not render the webhook template/);
		expect(message).toContain(`"${field}"`);
		expect(message).toContain(text);
	});

	it.each([
		['the reply text', { content: '$!esc.json($!moContent)' }],
		['the original text', { original_text: '$esc.json($!mtContent)' }],
		['a metadata value', { metadata: { k: '$!esc.json($!metadata.get($key))' } }],
		['a metadata key', { metadata: { '$!esc.json($key)': 'v' } }],
		['an attachment', { attachments: [{ content: '$!esc.json($!a.base64)' }] }],
	])('refuses an unrendered escape call as %s', (_name, fields) => {
		expect(refusal({ ...reply, ...fields })).toMatch(/did not render the webhook template/);
	});

	it('keeps template-like characters a customer wrote', () => {
		const text = 'I paid $!{5} ${price} via $esc.json( lol';
		const { event } = normaliseEvent({ ...reply, content: text, metadata: { note: text } });
		expect(event.text).toBe(text);
		expect(event.metadata_note).toBe(text);
	});

	it('refuses an unrendered template body with the cause, and other bodies with theirs', () => {
		expect(() =>
			parseEventBody('{"reply_id":"$!{replyId}","metadata":{#foreach($k in $m)#end}}'),
		).toThrow(
			/^MessageMedia did not render the webhook template: the body still holds the template text "\$!\{replyId\}/,
		);
		expect(() => parseEventBody('{"reply_id": ')).toThrow(/^The body is not valid JSON$/);
		expect(() => parseEventBody('[1]')).toThrow(/^The payload is not a JSON object$/);
		expect(parseEventBody('{"reply_id":"r-1"}')).toEqual({ reply_id: 'r-1' });
	});
});

describe('nested metadata', () => {
	const nested = (levels: number): unknown => (levels === 0 ? 'x' : { a: nested(levels - 1) });

	it('serialises a nested value, and refuses one too deep to be MessageMedia metadata', () => {
		const { event } = normaliseEvent({ reply_id: 'r-1', metadata: { k: nested(3) } });
		expect(event.metadata).toEqual({ k: '{"a":{"a":{"a":"x"}}}' });
		expect(() => normaliseEvent({ reply_id: 'r-1', metadata: { k: nested(100) } })).toThrow(
			new PayloadError('A metadata value is nested too deeply'),
		);
	});
});

describe('normaliseEvent: what a reply means, and whose conversation it is', () => {
	const reply = (content: string, from = '+61491570156', to = '+61491570999') =>
		normaliseEvent({ reply_id: 'r-1', content, source_number: from, destination_number: to }).event;

	it('says what decided the intent', () => {
		expect(reply('Yep 👍')).toMatchObject({
			intent: 'confirm',
			intentMatch: { intent: 'confirm', by: 'keyword', matched: 'yep' },
		});
		expect(reply('Can we do Friday instead?').intent).toBe('reschedule');
	});

	it('gives one session id per customer and number of ours, the same for every event of theirs', () => {
		const first = reply('Yes');
		expect(first.sessionId).toBe('+61491570156:+61491570999');
		expect(reply('Can we move it?').sessionId).toBe(first.sessionId);
		expect(reply('Yes', '+61491570157').sessionId).not.toBe(first.sessionId);
		expect(reply('Yes', '+61491570156', '+61491570998').sessionId).not.toBe(first.sessionId);
		const optOut = normaliseEvent({
			notification_id: 'n-1',
			content: 'STOP',
			source_number: '+61491570156',
			destination_number: '+61491570999',
		}).event;
		expect(optOut).toMatchObject({ intent: 'stop', sessionId: first.sessionId });
	});

	it('classifies with the lists it is given', () => {
		const event = normaliseEvent(
			{ reply_id: 'r-1', content: 'Ja', source_number: '+61491570156' },
			{ keywords: parseIntentKeywords({ confirm: 'JA' }) },
		).event;
		expect(event).toMatchObject({ intent: 'confirm', sessionId: '+61491570156' });
	});
});
