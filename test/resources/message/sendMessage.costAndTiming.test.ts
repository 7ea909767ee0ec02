/**
 * The cost and timing options through the real n8n-core execution context: look-alike
 * replacement, Maximum Segments and the Send Window, with the clock fixed by stubbing Date.now.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { BASE_URL, executeActionNode } from '../../helpers/n8n';

type Sent = { messages: Array<Record<string, unknown>> };

// Wednesday 2026-06-10 22:00 in Sydney (UTC+10), 08:00 in New York (UTC-4).
const NOW = Date.parse('2026-06-10T12:00:00Z');

const sendParams = (options: IDataObject, overrides: IDataObject = {}): IDataObject => ({
	resource: 'message',
	operation: 'send',
	destination: '={{ $json.phone }}',
	format: 'SMS',
	content: '={{ $json.text }}',
	from: { __rl: true, mode: 'list', value: '' },
	options,
	...overrides,
});

const sendWindow = (window: IDataObject) => ({
	window: {
		start: '09:00',
		end: '20:00',
		days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
		...window,
	},
});

/** Accepts every message as MessageMedia does, echoing `scheduled`; records what was sent. */
function acceptAndRecord(sent: Array<Record<string, unknown>>, times = 1) {
	return nock(BASE_URL)
		.post('/v1/messages')
		.times(times)
		.reply((_uri, body) => {
			const messages = (body as Sent).messages;
			sent.push(...messages);
			return [
				202,
				{
					messages: messages.map((m, i) => ({
						...m,
						message_id: `m-${sent.length - messages.length + i}`,
						status: m.scheduled ? 'scheduled' : 'queued',
					})),
				},
			];
		});
}

const phone = (i: number) => `+6149157015${i}`;

beforeAll(() => {
	nock.disableNetConnect();
});
beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
afterEach(() => {
	nock.cleanAll();
	jest.restoreAllMocks();
});
afterAll(() => nock.enableNetConnect());

describe('segments and look-alike replacement', () => {
	it('reports encoding, segments, characters and what forced UCS-2 on every SMS item', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode({ parameters: sendParams({}) }, [
			{ phone: phone(0), text: 'Reply YES to confirm' },
			{ phone: phone(1), text: 'It’s tomorrow 😀' },
		]);
		expect(output[0][0].json).toMatchObject({
			encoding: 'GSM-7',
			segments: 1,
			characters: 20,
			ucs2Characters: [],
		});
		expect(output[0][1].json).toMatchObject({
			encoding: 'UCS-2',
			segments: 1,
			characters: 16,
			ucs2Characters: ['’', '😀'],
		});
		expect(output[0][0].json.lookAlikesReplaced).toBeUndefined();
	});

	it('sends the replaced text when it fits GSM-7, and the original when it cannot', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const smart = 'Hi Sam, it’s “tomorrow” – reply YES…';
		const emoji = 'It’s tomorrow 😀';
		const { output } = await executeActionNode(
			{ parameters: sendParams({ replaceLookAlikes: true }) },
			[
				{ phone: phone(0), text: smart },
				{ phone: phone(1), text: emoji },
			],
		);
		expect(sent.map((m) => m.content)).toEqual(['Hi Sam, it\'s "tomorrow" - reply YES...', emoji]);
		expect(output[0][0].json).toMatchObject({
			content: 'Hi Sam, it\'s "tomorrow" - reply YES...',
			encoding: 'GSM-7',
			segments: 1,
			lookAlikesReplaced: 5,
		});
		expect(output[0][1].json).toMatchObject({
			content: emoji,
			encoding: 'UCS-2',
			lookAlikesReplaced: 0,
		});
	});

	it('leaves MMS and text to speech without segment fields', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode(
			{
				parameters: sendParams({ replaceLookAlikes: true, maxSegments: 1 }, { format: 'TTS' }),
			},
			[{ phone: phone(0), text: 'It’s tomorrow – '.repeat(20) }],
		);
		expect(sent[0].content).toBe('It’s tomorrow – '.repeat(20));
		expect(output[0][0].json.segments).toBeUndefined();
		expect(output[0][0].json.encoding).toBeUndefined();
	});
});

describe('Maximum Segments', () => {
	const items = [
		{ phone: phone(0), text: 'Reply YES to confirm' },
		{ phone: phone(1), text: 'Your appointment’s tomorrow at 10. ' + 'x'.repeat(100) },
		{ phone: phone(2), text: 'Reply NO to cancel' },
	];

	it('with Continue On Fail: the long item is an error item, the rest is sent', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode(
			{ parameters: sendParams({ maxSegments: 1 }), continueOnFail: true },
			items,
		);
		expect(sent.map((m) => m.destination_number)).toEqual([phone(0), phone(2)]);
		expect(output[0]).toHaveLength(3);
		expect(output[0][1]).toEqual({
			json: expect.objectContaining({
				error:
					'the message needs 3 segments (UCS-2, because of "’" at position 17); Maximum Segments is 1 [item 1]',
			}),
			pairedItem: { item: 1 },
		});
		expect(output[0][0].json.messageId).toBe('m-0');
		expect(output[0][2].json.messageId).toBe('m-1');
	});

	it('without Continue On Fail: a NodeOperationError naming the item, and nothing is sent', async () => {
		const scope = nock(BASE_URL).post('/v1/messages').reply(202, { messages: [] });
		await expect(
			executeActionNode({ parameters: sendParams({ maxSegments: 1 }) }, items),
		).rejects.toMatchObject({
			name: 'NodeOperationError',
			message:
				'the message needs 3 segments (UCS-2, because of "’" at position 17); Maximum Segments is 1 [item 1]',
			context: expect.objectContaining({ itemIndex: 1 }),
		});
		expect(scope.isDone()).toBe(false);
	});

	it('counts after replacement, and names GSM-7 length when no character is to blame', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode(
			{
				parameters: sendParams({ maxSegments: 1, replaceLookAlikes: true }),
				continueOnFail: true,
			},
			[items[1], { phone: phone(3), text: 'y'.repeat(161) }],
		);
		expect(output[0][0].json).toMatchObject({
			encoding: 'GSM-7',
			segments: 1,
			lookAlikesReplaced: 1,
		});
		expect(output[0][1].json.error).toBe(
			'the message needs 2 segments (GSM-7, 161 characters); Maximum Segments is 1 [item 1]',
		);
		expect(sent).toHaveLength(1);
	});
});

describe('Send Window', () => {
	it('schedules a message outside the window for its next opening and says why', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode(
			{ parameters: sendParams({ sendWindow: sendWindow({ timeZone: 'Australia/Sydney' }) }) },
			[{ phone: phone(0), text: 'Reminder' }],
		);
		// 22:00 Wednesday in Sydney → Thursday 09:00 (UTC+10)
		expect(sent[0].scheduled).toBe('2026-06-10T23:00:00.000Z');
		expect(output[0][0].json).toMatchObject({
			status: 'scheduled',
			scheduled: '2026-06-10T23:00:00.000Z',
			scheduledReason:
				'Outside the send window (09:00–20:00, every day, Australia/Sydney) at Wed 2026-06-10 22:00 local time; scheduled for its next opening, Thu 2026-06-11 09:00',
		});
	});

	it('sends at once inside the window, with no scheduled time', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode(
			{
				parameters: sendParams({
					sendWindow: sendWindow({ start: '07:30', timeZone: 'America/New_York' }),
				}),
			},
			[{ phone: phone(0), text: 'Reminder' }],
		);
		expect(sent[0].scheduled).toBeUndefined();
		expect(output[0][0].json.scheduledReason).toBeUndefined();
	});

	it("uses the workflow's time zone when Time Zone is empty", async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode(
			{
				parameters: sendParams({ sendWindow: sendWindow({ start: '08:30', timeZone: '' }) }),
				beforeExecute: (context) =>
					jest.spyOn(context, 'getTimezone').mockReturnValue('America/New_York'),
			},
			[{ phone: phone(0), text: 'Reminder' }],
		);
		// 08:00 in New York → 08:30 EDT
		expect(sent[0].scheduled).toBe('2026-06-10T12:30:00.000Z');
		expect(String(output[0][0].json.scheduledReason)).toContain('America/New_York');
	});

	it("takes each item's own time zone from an expression", async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode(
			{
				parameters: sendParams({
					sendWindow: sendWindow({ start: '07:00', timeZone: '={{ $json.tz }}' }),
				}),
			},
			[
				{ phone: phone(0), text: 'Reminder', tz: 'Australia/Sydney' },
				{ phone: phone(1), text: 'Reminder', tz: 'America/New_York' },
				{ phone: phone(2), text: 'Reminder', tz: 'Europe/London' },
			],
		);
		expect(sent.map((m) => m.scheduled)).toEqual([
			'2026-06-10T21:00:00.000Z', // Thursday 07:00 in Sydney
			undefined, // 08:00 in New York: open
			undefined, // 13:00 in London: open
		]);
		expect(output[0].map((item) => item.json.status)).toEqual(['scheduled', 'queued', 'queued']);
	});

	it('moves an explicit Scheduled time outside the window to the next opening', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode(
			{
				parameters: sendParams({
					scheduled: '2026-06-13T05:00:00Z', // Saturday 01:00 in New York
					sendWindow: sendWindow({
						timeZone: 'America/New_York',
						days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
					}),
				}),
			},
			[{ phone: phone(0), text: 'Reminder' }],
		);
		expect(sent[0].scheduled).toBe('2026-06-15T13:00:00.000Z'); // Monday 09:00 EDT
		expect(output[0][0].json.scheduledReason).toBe(
			'The Scheduled time, Sat 2026-06-13 01:00 local time, is outside the send window (09:00–20:00, Mon Tue Wed Thu Fri, America/New_York); moved to its next opening, Mon 2026-06-15 09:00',
		);
	});

	it('fails an item whose expiry comes before the window opens; the others are sent', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		const { output } = await executeActionNode(
			{
				parameters: sendParams({
					expiry: '={{ $json.expiry }}',
					sendWindow: sendWindow({ timeZone: 'Australia/Sydney' }),
				}),
				continueOnFail: true,
			},
			[
				{ phone: phone(0), text: 'Reminder', expiry: '2026-06-10T20:00:00.000Z' },
				{ phone: phone(1), text: 'Reminder', expiry: '2026-06-11T05:00:00.000Z' },
			],
		);
		expect(output[0][0].json.error).toBe(
			'"Expiry" (2026-06-10T20:00:00.000Z) is before the send window next opens (2026-06-10T23:00:00.000Z, Thu 2026-06-11 09:00 Australia/Sydney) [item 0]',
		);
		expect(sent.map((m) => m.destination_number)).toEqual([phone(1)]);
		expect(sent[0].scheduled).toBe('2026-06-10T23:00:00.000Z');
	});

	it.each([
		[
			{ start: '9am' },
			'"Send Window Start" is not a time of day like 09:00 or 20:30: "9am" [item 0]',
		],
		[
			{ timeZone: 'Sydney' },
			'"Send Window Time Zone" is not an IANA time zone such as Australia/Sydney: "Sydney" [item 0]',
		],
		[{ days: [] }, '"Send Window Days" has no days [item 0]'],
	])('rejects an invalid window %p', async (window, message) => {
		const scope = nock(BASE_URL).post('/v1/messages').reply(202, { messages: [] });
		await expect(
			executeActionNode({ parameters: sendParams({ sendWindow: sendWindow(window) }) }, [
				{ phone: phone(0), text: 'Reminder' },
			]),
		).rejects.toMatchObject({ message, context: expect.objectContaining({ itemIndex: 0 }) });
		expect(scope.isDone()).toBe(false);
	});
});

describe('Send and Wait with a send window', () => {
	const waitParams = (overrides: IDataObject = {}): IDataObject => ({
		resource: 'message',
		operation: SEND_AND_WAIT_OPERATION,
		destination: '+61491570156',
		content: 'Reply YES to confirm',
		options: { sendWindow: sendWindow({ timeZone: 'Australia/Sydney' }) },
		resumeAmount: 2,
		resumeUnit: 'hours',
		...overrides,
	});

	it('schedules the message and counts the time limit from when it goes out', async () => {
		const sent: Array<Record<string, unknown>> = [];
		acceptAndRecord(sent);
		let waitTill: Date | undefined;
		await executeActionNode(
			{
				parameters: waitParams(),
				beforeExecute: (context) =>
					jest.spyOn(context, 'putExecutionToWait').mockImplementation(async (till) => {
						waitTill = till;
					}),
			},
			[{ any: 'input' }],
		);
		expect(sent[0].scheduled).toBe('2026-06-10T23:00:00.000Z');
		expect(waitTill!.toISOString()).toBe('2026-06-11T01:00:00.000Z');
	});

	it('refuses a Max Date and Time before the message goes out, sending nothing', async () => {
		const scope = nock(BASE_URL).post('/v1/messages').reply(202, { messages: [] });
		await expect(
			executeActionNode(
				{
					parameters: waitParams({
						limitType: 'atSpecifiedTime',
						maxDateAndTime: '2026-06-10T18:00:00.000Z',
					}),
				},
				[{ any: 'input' }],
			),
		).rejects.toMatchObject({
			message:
				'"Max Date and Time" (2026-06-10T18:00:00.000Z) is not after the message goes out (2026-06-10T23:00:00.000Z) [item 0]',
		});
		expect(scope.isDone()).toBe(false);
	});
});
