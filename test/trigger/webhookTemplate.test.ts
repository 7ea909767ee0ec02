import { normaliseEvent } from '../../nodes/MessageMedia/inbound/normaliseEvent';
import { WEBHOOK_TEMPLATE } from '../../nodes/MessageMedia/trigger/webhookTemplate';
import { DR_VARS, HOSTILE, MMS_VARS, MO_VARS, OPT_OUT_VARS, PNG_BASE64, render } from './fixtures';

describe('webhook template', () => {
	it('uses only quiet references, so an unset variable never renders as its own name', () => {
		// Loop variables ($key, $a, $foreach) are always set; $metadata only feeds a #foreach.
		const loud = WEBHOOK_TEMPLATE.match(/\$(?!!)[A-Za-z]\w*/g) ?? [];
		expect([...new Set(loud)].sort()).toEqual(['$a', '$foreach', '$key', '$metadata']);
		expect(WEBHOOK_TEMPLATE).not.toContain('velocityHasNext');
	});

	it('renders ids, codes, numbers and times as plain references and escapes only free text', () => {
		const topLevel = WEBHOOK_TEMPLATE.slice(0, WEBHOOK_TEMPLATE.indexOf('"metadata"'));
		const fields = Object.fromEntries(
			[...topLevel.matchAll(/"(\w+)":"([^"]*)"/g)].map(([, key, value]) => [key, value]),
		);
		const plain = Object.keys(fields).filter((key) => /^\$!\{\w+\}$/.test(fields[key]));
		const escaped = Object.keys(fields).filter((key) =>
			/^\$!esc\.json\(\$!\w+\)$/.test(fields[key]),
		);
		expect(plain.sort()).toEqual(
			[
				'reply_id',
				'mo_id',
				'notification_id',
				'delivery_report_id',
				'message_id',
				'format',
				'status',
				'error_code',
				'submitted_date',
				'date_received',
				'retry_count',
				'billing_units',
			].sort(),
		);
		expect(escaped.sort()).toEqual(
			[
				'account_id',
				'vendor_id',
				'source_number',
				'destination_number',
				'content',
				'original_text',
			].sort(),
		);
		expect(WEBHOOK_TEMPLATE).toContain('"$!esc.json($key)":"$!esc.json($!metadata.get($key))"');
		expect(WEBHOOK_TEMPLATE).toContain('"content":"$!esc.json($!a.base64)"');
	});

	it('renders hostile text in every free-text variable as JSON that normalises', () => {
		const vars = {
			...MMS_VARS,
			accountId: HOSTILE,
			vendorId: HOSTILE,
			sourceAddress: HOSTILE,
			destinationAddress: HOSTILE,
			moContent: HOSTILE,
			mtContent: HOSTILE,
			metadata: { [HOSTILE.slice(0, 100)]: HOSTILE.slice(0, 256) },
			attachments: [{ contentType: HOSTILE, base64: `${PNG_BASE64}\r\n`, originalName: HOSTILE }],
		};
		const payload = JSON.parse(render(vars));
		expect(payload).toMatchObject({
			account_id: HOSTILE,
			source_number: HOSTILE,
			content: HOSTILE,
			original_text: HOSTILE,
			metadata: vars.metadata,
		});
		const { event, attachments } = normaliseEvent(payload);
		expect(event.text).toBe(HOSTILE.trim());
		expect(attachments[0].fileName).toBe(HOSTILE.trim());
	});

	it('renders an MO SMS with hostile text as valid JSON carrying every field', () => {
		const body = render({
			...MO_VARS,
			moContent: HOSTILE,
			metadata: { note: HOSTILE, appointmentId: 'A-17' },
		});
		const p = JSON.parse(body);
		expect(p).toMatchObject({
			reply_id: 'reply-1',
			mo_id: 'reply-1',
			notification_id: '',
			delivery_report_id: '',
			message_id: 'mt-1',
			account_id: 'Acct"1',
			vendor_id: 'SinchEU',
			format: 'SMS',
			status: '',
			error_code: '',
			source_number: '+61491570156',
			destination_number: '+61491570999',
			content: HOSTILE,
			original_text: 'Reply YES to confirm',
			submitted_date: '2026-03-01T10:00:00.000Z',
			date_received: '2026-03-01T10:05:00.123Z',
			retry_count: '0',
			metadata: { note: HOSTILE, appointmentId: 'A-17' },
			attachments: [],
		});
		expect(p.content).toHaveLength(HOSTILE.length);
	});

	it('renders hostile metadata keys and values', () => {
		const p = JSON.parse(render(MO_VARS));
		expect(p.metadata).toEqual(MO_VARS.metadata);
	});

	it('renders an MO MMS with its attachments', () => {
		const p = JSON.parse(render(MMS_VARS));
		expect(p.format).toBe('MMS');
		expect(p.attachments).toEqual([
			{ content_type: 'image/png', content: PNG_BASE64, original_name: 'pic "1".png' },
			{ content_type: 'text/plain', content: 'aGVsbG8=', original_name: 'a.txt' },
		]);
	});

	it('renders an opt-out without $replyId, with empty metadata', () => {
		const p = JSON.parse(render(OPT_OUT_VARS));
		expect(p.reply_id).toBe('');
		expect(p.mo_id).toBe('');
		expect(p.notification_id).toBe('optout-1');
		expect(p.content).toBe('STOP');
		expect(p.metadata).toEqual({});
		expect(p.destination_number).toBe('+61491570999');
	});

	it('renders an opt-out for an unsolicited STOP (no message, no metadata at all)', () => {
		const unsolicited = ['metadata', 'messageId', 'mtId'];
		const vars = Object.fromEntries(
			Object.entries(OPT_OUT_VARS).filter(([name]) => !unsolicited.includes(name)),
		);
		const p = JSON.parse(render(vars));
		expect(p.message_id).toBe('');
		expect(p.metadata).toEqual({});
	});

	it('renders a delivery report with status and code', () => {
		const p = JSON.parse(render({ ...DR_VARS, mtContent: HOSTILE }));
		expect(p).toMatchObject({
			delivery_report_id: 'dr-1',
			reply_id: '',
			status: 'delivered',
			error_code: '220',
			billing_units: '1',
			retry_count: '2',
			original_text: HOSTILE,
			destination_number: '',
			metadata: { appointmentId: 'A-17' },
		});
	});
});

describe('normaliseEvent on rendered templates', () => {
	it('maps a reply, flattening metadata and classifying intent', () => {
		const { event } = normaliseEvent(JSON.parse(render(MO_VARS)));
		expect(event).toMatchObject({
			event: 'reply',
			eventName: 'RECEIVED_SMS',
			id: 'reply-1',
			messageId: 'mt-1',
			from: '+61491570156',
			to: '+61491570999',
			phoneNumber: '+61491570156',
			text: 'Yes!',
			originalText: 'Reply YES to confirm',
			status: 'received',
			statusCode: null,
			receivedAt: '2026-03-01T10:05:00.123Z',
			submittedAt: '2026-03-01T10:00:00.000Z',
			metadata: MO_VARS.metadata,
			metadata_appointmentId: 'A-17',
			'metadata_quote"key': 'va\\lue\n"x"',
			retryCount: 0,
			intent: 'confirm',
			accountId: 'Acct"1',
			format: 'SMS',
		});
		expect(event.raw.reply_id).toBe('reply-1');
	});

	it('maps an MMS and keeps base64 out of raw', () => {
		const { event, attachments } = normaliseEvent(JSON.parse(render(MMS_VARS)));
		expect(event.eventName).toBe('RECEIVED_MMS');
		expect(attachments.map((a) => a.fileName)).toEqual(['pic "1".png', 'a.txt']);
		expect(JSON.stringify(event.raw)).not.toContain(PNG_BASE64);
	});

	it('maps an opt-out', () => {
		const { event } = normaliseEvent(JSON.parse(render(OPT_OUT_VARS)));
		expect(event).toMatchObject({
			event: 'opt_out',
			eventName: 'OPT_OUT_SMS',
			id: 'optout-1',
			status: 'opted_out',
			intent: 'stop',
			retryCount: 1,
		});
	});

	it('maps a delivery report with the status code meaning', () => {
		const { event } = normaliseEvent(JSON.parse(render(DR_VARS)));
		expect(event).toMatchObject({
			event: 'delivery_report',
			eventName: 'DELIVERED_DR',
			id: 'dr-1',
			to: '+61491570156',
			phoneNumber: '+61491570156',
			status: 'delivered',
			statusCode: 220,
			statusDescription: 'Delivered',
			text: 'Reply YES to confirm',
			metadata_appointmentId: 'A-17',
		});
		expect(event.intent).toBeUndefined();
	});

	it.each([
		['ENROUTE_DR', 'enroute', 211],
		['SUBMITTED_DR', 'submitted', 200],
		['EXPIRED_DR', 'expired', 401],
		['REJECTED_DR', 'rejected', 402],
		['FAILED_DR', 'failed', 414],
	])('names %s from the status', (name, status, code) => {
		const { event } = normaliseEvent(JSON.parse(render({ ...DR_VARS, status, statusCode: code })));
		expect(event.eventName).toBe(name);
		expect(event.statusDescription).not.toBe('');
	});
});
