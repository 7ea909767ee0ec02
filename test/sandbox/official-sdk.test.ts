/**
 * Drives the sandbox with MessageMedia's own Node client, `messagemedia-messages-sdk` 2.0.3, over
 * real HTTP with Basic and HMAC, so the sandbox stays faithful to what MessageMedia's client
 * sends and expects. Where the SDK itself is wrong, the test says so and asserts what
 * MessageMedia answers, not what the SDK expects.
 */
import { startSandbox, DEMO_CREDENTIALS, SandboxHandle } from '../../sandbox';
import { call, hmacHeaders, waitUntil } from './helpers';

// The SDK parses some answers inside its HTTP callback, where a throw would take the test
// process down; record such throws so a test can assert on them.
const mockSdkThrows: Error[] = [];
jest.mock('messagemedia-messages-sdk/lib/Http/Client/RequestClient', () => {
	const execute = jest.requireActual('messagemedia-messages-sdk/lib/Http/Client/RequestClient');
	return (req: unknown, callback: (...args: unknown[]) => void) =>
		execute(req, (...args: unknown[]) => {
			try {
				callback(...args);
			} catch (err) {
				mockSdkThrows.push(err as Error);
			}
		});
});

/* eslint-disable @typescript-eslint/no-require-imports */
const sdk = require('messagemedia-messages-sdk');
// The SDK's date fields take moment objects (its own dependency), as its examples show.
const moment = require('moment');
/* eslint-enable @typescript-eslint/no-require-imports */

type Scheme = 'basic' | 'hmac';

function useScheme(scheme: Scheme): void {
	const c = sdk.Configuration;
	if (scheme === 'hmac') {
		c.hmacAuthUserName = DEMO_CREDENTIALS.hmac.apiKey;
		c.hmacAuthPassword = DEMO_CREDENTIALS.hmac.apiSecret;
	} else {
		// The SDK signs with HMAC whenever an HMAC pair is set, so Basic means clearing it.
		c.hmacAuthUserName = '';
		c.hmacAuthPassword = '';
		c.basicAuthUserName = DEMO_CREDENTIALS.basic.apiKey;
		c.basicAuthPassword = DEMO_CREDENTIALS.basic.apiSecret;
	}
}

function message(fields: Record<string, unknown>) {
	return Object.assign(new sdk.Message(), fields);
}

async function send(...messages: Array<Record<string, unknown>>) {
	const body = new sdk.SendMessagesRequest();
	body.messages = messages.map(message);
	return sdk.MessagesController.sendMessages(body);
}

describe.each<Scheme>(['basic', 'hmac'])('official Node SDK against the sandbox (%s)', (scheme) => {
	let sb: SandboxHandle;
	beforeAll(async () => {
		sb = await startSandbox({ port: 0, quiet: true, drIntervalMs: 20 });
		sdk.Configuration.BASEURI = sb.url;
	});
	afterAll(async () => {
		await sb.close();
	});
	beforeEach(async () => {
		await call(sb.url, 'POST', '/_sandbox/reset');
		await call(sb.url, 'POST', '/_sandbox/config', { drIntervalMs: 20 });
		useScheme(scheme);
		mockSdkThrows.length = 0;
	});

	it('sends an SMS with a delivery report, metadata and expiry, and reads its status', async () => {
		const expiry = moment.utc().add(1, 'hour').startOf('second');
		const res = await send({
			content: 'Your appointment is at 10:00 — reply YES',
			destinationNumber: '+61491570156',
			sourceNumber: '+61491570200',
			sourceNumberType: sdk.SourceNumberTypeEnum.INTERNATIONAL,
			deliveryReport: true,
			// The SDK's own example sends `format` as an array; MessageMedia takes one string.
			format: sdk.FormatEnum.SMS,
			messageExpiryTimestamp: expiry,
			metadata: { appointmentId: 'A-17' },
		});
		expect(res.messages).toHaveLength(1);
		const [sent] = res.messages;
		expect(sent.messageId).toMatch(/^[0-9a-f-]{36}$/);
		expect(sent.status).toBe('queued');
		expect(sent.metadata).toEqual({ appointmentId: 'A-17' });

		const status = await sdk.MessagesController.getMessageStatus(sent.messageId);
		expect(status.messageId).toBe(sent.messageId);
		expect(status.destinationNumber).toBe('+61491570156');
		expect(moment(status.messageExpiryTimestamp).valueOf()).toBe(expiry.valueOf());
		await waitUntil(async () => {
			const s = await sdk.MessagesController.getMessageStatus(sent.messageId);
			return s.status === 'delivered';
		});
	});

	it('rejects `format` as an array, as the SDK example writes it', async () => {
		const err = await send({
			content: 'Hello',
			destinationNumber: '+61491570156',
			format: [sdk.FormatEnum.SMS],
		}).catch((e: unknown) => e);
		expect(err).toMatchObject({ errorCode: 400 });
		// The SDK maps only `message`; MessageMedia's per-field details are in the raw body.
		const { errorResponse } = err as {
			errorResponse: { message: string; context: { response: { body: string } } };
		};
		expect(errorResponse.message).toBe('Invalid request');
		const raw = JSON.parse(errorResponse.context.response.body);
		expect(raw.details.join(' ')).toContain('/messages/0/format');
	});

	it('sends shortcode, alphanumeric and international senders and an MMS', async () => {
		const res = await send(
			{ content: 'a', destinationNumber: '+61491570156', sourceNumber: '2442' },
			{
				content: 'b',
				destinationNumber: '+61491570157',
				sourceNumber: 'ACME',
				sourceNumberType: sdk.SourceNumberTypeEnum.ALPHANUMERIC,
			},
			{ content: 'c', destinationNumber: '+447700900123', sourceNumber: '+61491570200' },
			{
				content: 'See the picture',
				destinationNumber: '+61491570158',
				format: sdk.FormatEnum.MMS,
				subject: 'Your booking',
				media: ['https://example.com/booking.png'],
			},
		);
		expect(res.messages.map((m: { status: string }) => m.status)).toEqual([
			'queued',
			'queued',
			'queued',
			'queued',
		]);
		expect(res.messages[3]).toMatchObject({ format: 'MMS', subject: 'Your booking' });
	});

	it('gets a 404 for an unknown message', async () => {
		const err = await sdk.MessagesController.getMessageStatus(
			'00000000-0000-4000-8000-000000000000',
		).catch((e: unknown) => e);
		expect(err).toMatchObject({ errorCode: 404 });
	});

	it('reads and confirms delivery reports and replies', async () => {
		const res = await send({
			content: 'Reply YES',
			destinationNumber: '+61491570156',
			deliveryReport: true,
			metadata: { ref: '9' },
		});
		const id = res.messages[0].messageId;
		const drs = await waitUntil(async () => {
			const r = await sdk.DeliveryReportsController.checkDeliveryReports();
			return r.deliveryReports.length >= 3 && r.deliveryReports;
		});
		expect(drs.map((d: { status: string }) => d.status)).toEqual([
			'enroute',
			'submitted',
			'delivered',
		]);
		expect(drs[0]).toMatchObject({ messageId: id, metadata: { ref: '9' } });
		const confirmDrs = new sdk.ConfirmDeliveryReportsAsReceivedRequest();
		confirmDrs.deliveryReportIds = drs.map((d: { deliveryReportId: string }) => d.deliveryReportId);
		await sdk.DeliveryReportsController.confirmDeliveryReportsAsReceived(confirmDrs);
		expect((await sdk.DeliveryReportsController.checkDeliveryReports()).deliveryReports).toEqual(
			[],
		);

		await call(sb.url, 'POST', '/_sandbox/replies', { message_id: id, content: 'YES' });
		const replies = (await sdk.RepliesController.checkReplies()).replies;
		expect(replies).toHaveLength(1);
		expect(replies[0]).toMatchObject({
			messageId: id,
			content: 'YES',
			sourceNumber: '+61491570156',
			metadata: { ref: '9' },
		});
		const confirmReplies = new sdk.ConfirmRepliesAsReceivedRequest();
		confirmReplies.replyIds = [replies[0].replyId];
		await sdk.RepliesController.confirmRepliesAsReceived(confirmReplies);
		expect((await sdk.RepliesController.checkReplies()).replies).toEqual([]);
	});

	it('reads the remaining credits', async () => {
		const credits = await sdk.MessagesController.checkCreditsRemaining();
		expect(typeof credits.credits).toBe('number');
		expect(Number.isNaN(Date.parse(credits.expiry_date))).toBe(false);
	});

	it('cancels a scheduled message; the SDK mishandles the answer', async () => {
		const scheduled = moment.utc().add(1, 'hour');
		const res = await send({ content: 'later', destinationNumber: '+61491570156', scheduled });
		const id = res.messages[0].messageId;
		const cancel = new sdk.CancelScheduledMessageRequest();
		cancel.status = 'cancelled';
		const outcome = sdk.MessagesController.cancelScheduledMessage(id, cancel).then(
			() => 'fulfilled',
			(e: { errorCode: number }) => e.errorCode,
		);
		if (scheme === 'hmac') {
			// The SDK signs every request with a body as POST, so MessageMedia cannot match the
			// signature of this PUT: 401, and the message stays scheduled.
			expect(await outcome).toBe(401);
			expect((await sdk.MessagesController.getMessageStatus(id)).status).toBe('scheduled');
		} else {
			// MessageMedia answers 200 with an empty body; the SDK JSON-parses it and throws, so
			// its promise never settles. The cancel itself took effect.
			await waitUntil(async () => mockSdkThrows.length > 0);
			expect(mockSdkThrows[0]).toBeInstanceOf(SyntaxError);
			expect((await sdk.MessagesController.getMessageStatus(id)).status).toBe('cancelled');
		}
		// What MessageMedia answers to a correctly signed cancel: 200, empty body.
		const second = await send({ content: 'later', destinationNumber: '+61491570156', scheduled });
		const direct = await call(
			sb.url,
			'PUT',
			`/v1/messages/${second.messages[0].messageId}`,
			{
				status: 'cancelled',
			},
			scheme === 'hmac'
				? hmacHeaders(
						'PUT',
						`/v1/messages/${second.messages[0].messageId}`,
						'{"status":"cancelled"}',
					)
				: undefined,
		);
		expect(direct.status).toBe(200);
		expect(direct.text).toBe('');
	});
});
