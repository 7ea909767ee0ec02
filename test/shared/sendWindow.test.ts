import {
	describeWindow,
	formatLocal,
	isInsideWindow,
	isValidTimeZone,
	localTime,
	nextOpening,
	parseTimeOfDay,
	type SendWindow,
} from '../../nodes/MessageMedia/shared/sendWindow';

const EVERY_DAY = new Set([0, 1, 2, 3, 4, 5, 6]);
const WEEKDAYS = new Set([1, 2, 3, 4, 5]);

function window(
	start: string,
	end: string,
	timeZone: string,
	days: ReadonlySet<number> = EVERY_DAY,
): SendWindow {
	return { start: parseTimeOfDay(start)!, end: parseTimeOfDay(end)!, days, timeZone };
}

const at = (iso: string) => Date.parse(iso);
const iso = (instant: number) => new Date(instant).toISOString();
const opening = (w: SendWindow, now: string) => iso(nextOpening(w, at(now)));

describe('time of day and zone parsing', () => {
	it.each([
		['09:00', 540],
		['9:00', 540],
		['00:00', 0],
		['23:59', 1439],
		[' 20:30 ', 1230],
	])('%s is %i minutes', (text, minutes) => expect(parseTimeOfDay(text)).toBe(minutes));

	it.each(['24:00', '9', '9am', '09:60', '', '09:00:00'])('rejects %p', (text) =>
		expect(parseTimeOfDay(text)).toBeUndefined(),
	);

	it('accepts IANA names only', () => {
		expect(isValidTimeZone('Australia/Sydney')).toBe(true);
		expect(isValidTimeZone('UTC')).toBe(true);
		expect(isValidTimeZone('Sydney')).toBe(false);
		expect(isValidTimeZone('')).toBe(false);
	});
});

describe('a 09:00–20:00 window in Australia/Sydney (winter, UTC+10)', () => {
	const w = window('09:00', '20:00', 'Australia/Sydney');

	it('sends at once inside the window', () => {
		// Wednesday 12:00 local
		expect(isInsideWindow(w, at('2026-06-10T02:00:00Z'))).toBe(true);
		expect(opening(w, '2026-06-10T02:00:00Z')).toBe('2026-06-10T02:00:00.000Z');
	});

	it('before it opens: the same morning at 09:00', () => {
		// Wednesday 07:00 local
		expect(opening(w, '2026-06-09T21:00:00Z')).toBe('2026-06-09T23:00:00.000Z');
	});

	it('after it closes: the next morning; the end time itself is outside', () => {
		expect(isInsideWindow(w, at('2026-06-10T09:59:00Z'))).toBe(true); // 19:59
		expect(isInsideWindow(w, at('2026-06-10T10:00:00Z'))).toBe(false); // 20:00
		// Wednesday 21:00 local → Thursday 09:00
		expect(opening(w, '2026-06-10T11:00:00Z')).toBe('2026-06-10T23:00:00.000Z');
	});

	it('on an excluded day: the next chosen day', () => {
		const weekdays = window('09:00', '20:00', 'Australia/Sydney', WEEKDAYS);
		// Saturday 12:00 local → Monday 09:00
		expect(opening(weekdays, '2026-06-13T02:00:00Z')).toBe('2026-06-14T23:00:00.000Z');
		// Friday 21:00 local → Monday 09:00
		expect(opening(weekdays, '2026-06-12T11:00:00Z')).toBe('2026-06-14T23:00:00.000Z');
		// The only day is today, and today's window has passed: next week
		const wednesdays = window('09:00', '20:00', 'Australia/Sydney', new Set([3]));
		expect(opening(wednesdays, '2026-06-10T11:00:00Z')).toBe('2026-06-16T23:00:00.000Z');
	});

	it('describes itself and local times for the output', () => {
		expect(describeWindow(w)).toBe('09:00–20:00, every day, Australia/Sydney');
		expect(describeWindow(window('08:00', '18:00', 'UTC', WEEKDAYS))).toBe(
			'08:00–18:00, Mon Tue Wed Thu Fri, UTC',
		);
		expect(formatLocal(at('2026-06-09T23:00:00Z'), 'Australia/Sydney')).toBe(
			'Wed 2026-06-10 09:00',
		);
	});
});

describe('a window spanning midnight', () => {
	it('22:00–06:00 every day: late evening and early morning are inside', () => {
		const w = window('22:00', '06:00', 'UTC');
		expect(isInsideWindow(w, at('2026-06-10T23:30:00Z'))).toBe(true);
		expect(isInsideWindow(w, at('2026-06-11T05:59:00Z'))).toBe(true);
		expect(isInsideWindow(w, at('2026-06-11T06:00:00Z'))).toBe(false);
		expect(opening(w, '2026-06-11T06:00:00Z')).toBe('2026-06-11T22:00:00.000Z');
	});

	it('belongs to the day it opens: a Friday 22:00–02:00 window covers early Saturday only', () => {
		const fridayNight = window('22:00', '02:00', 'UTC', new Set([5]));
		// 2026-06-13 is a Saturday
		expect(isInsideWindow(fridayNight, at('2026-06-13T01:00:00Z'))).toBe(true);
		expect(isInsideWindow(fridayNight, at('2026-06-12T01:00:00Z'))).toBe(false);
		expect(opening(fridayNight, '2026-06-13T22:30:00Z')).toBe('2026-06-19T22:00:00.000Z');
	});

	it('equal start and end times mean 24 hours from that time on the chosen days', () => {
		const allDay = window('00:00', '00:00', 'UTC', WEEKDAYS);
		expect(isInsideWindow(allDay, at('2026-06-12T23:59:00Z'))).toBe(true); // Friday
		expect(opening(allDay, '2026-06-13T12:00:00Z')).toBe('2026-06-15T00:00:00.000Z');
	});
});

describe('daylight saving in America/New_York', () => {
	const w = window('09:00', '17:00', 'America/New_York');

	it('on the day it starts (2026-03-08), 09:00 is EDT', () => {
		// Saturday 18:00 EST
		expect(opening(w, '2026-03-07T23:00:00Z')).toBe('2026-03-08T13:00:00.000Z');
		// the day before, 09:00 is still EST
		expect(opening(w, '2026-03-07T06:00:00Z')).toBe('2026-03-07T14:00:00.000Z');
		expect(isInsideWindow(w, at('2026-03-08T13:00:00Z'))).toBe(true);
		expect(isInsideWindow(w, at('2026-03-08T12:59:00Z'))).toBe(false);
	});

	it('on the day it ends (2026-11-01), 09:00 is EST', () => {
		// Saturday 18:00 EDT
		expect(opening(w, '2026-10-31T22:00:00Z')).toBe('2026-11-01T14:00:00.000Z');
	});

	it('an opening time the clocks skip opens at the jump', () => {
		// 02:30 does not exist on 2026-03-08: 01:59 EST is followed by 03:00 EDT (07:00Z).
		const early = window('02:30', '05:00', 'America/New_York');
		expect(opening(early, '2026-03-07T12:00:00Z')).toBe('2026-03-08T07:00:00.000Z');
		expect(localTime(at('2026-03-08T07:00:00Z'), 'America/New_York')).toMatchObject({
			hour: 3,
			minute: 0,
		});
	});

	it('an opening time that occurs twice opens at the first', () => {
		// 01:30 occurs at 05:30Z (EDT) and again at 06:30Z (EST) on 2026-11-01.
		const early = window('01:30', '05:00', 'America/New_York');
		expect(opening(early, '2026-10-31T12:00:00Z')).toBe('2026-11-01T05:30:00.000Z');
	});
});

describe('daylight saving in Australia/Sydney', () => {
	const w = window('09:00', '20:00', 'Australia/Sydney');

	it('on the day it ends (2026-04-05), 09:00 is AEST (UTC+10)', () => {
		// Saturday 21:00 AEDT
		expect(opening(w, '2026-04-04T10:00:00Z')).toBe('2026-04-04T23:00:00.000Z');
		// the Saturday before it, 09:00 is AEDT (UTC+11)
		expect(opening(w, '2026-04-03T20:00:00Z')).toBe('2026-04-03T22:00:00.000Z');
	});

	it('on the day it starts (2026-10-04), 09:00 is AEDT (UTC+11)', () => {
		// Saturday 21:00 AEST
		expect(opening(w, '2026-10-03T11:00:00Z')).toBe('2026-10-03T22:00:00.000Z');
	});

	it('a night window across the change closes at 08:00 by the new clock', () => {
		const night = window('20:00', '08:00', 'Australia/Sydney');
		// 06:30 AEST on the Sunday, after the clocks went back at 16:00Z
		expect(isInsideWindow(night, at('2026-04-04T20:30:00Z'))).toBe(true);
		// 08:30 AEST → Sunday 20:00 AEST
		expect(opening(night, '2026-04-04T22:30:00Z')).toBe('2026-04-05T10:00:00.000Z');
	});
});

describe('the same instant in different zones', () => {
	it('is inside the window for one customer and outside it for another', () => {
		const now = at('2026-06-10T02:00:00Z'); // 12:00 in Sydney, 22:00 the day before in New York
		expect(nextOpening(window('09:00', '20:00', 'Australia/Sydney'), now)).toBe(now);
		expect(iso(nextOpening(window('09:00', '20:00', 'America/New_York'), now))).toBe(
			'2026-06-10T13:00:00.000Z',
		);
	});
});
