/**
 * The hours a customer may be texted: a daily window of wall-clock times on chosen weekdays in an
 * IANA time zone. Time-zone arithmetic uses only Intl, so daylight-saving changes come from the
 * runtime's own zone data and the package needs no dependency.
 */

export interface SendWindow {
	/** Minutes after local midnight when the window opens. */
	start: number;
	/** Minutes after local midnight when it closes (exclusive). Earlier than start: spans midnight. */
	end: number;
	/** Weekdays on which the window opens, 0 = Sunday. A window spanning midnight belongs to the day it opens. */
	days: ReadonlySet<number>;
	timeZone: string;
}

export const WEEKDAYS = [
	'sunday',
	'monday',
	'tuesday',
	'wednesday',
	'thursday',
	'friday',
	'saturday',
] as const;

const MINUTE = 60_000;
const DAY = 86_400_000;

/** "9:00", "09:00" or "21:30" to minutes after midnight; undefined for anything else. */
export function parseTimeOfDay(text: string): number | undefined {
	const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
	return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

export function formatTimeOfDay(minutes: number): string {
	return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// Building a DateTimeFormat costs far more than using one, and a batch uses a handful of zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
	if (!timeZone) return false;
	try {
		formatterFor(timeZone);
		return true;
	} catch {
		return false;
	}
}

export interface LocalTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	/** 0 = Sunday. */
	weekday: number;
}

export function localTime(instant: number, timeZone: string): LocalTime {
	const parts: Record<string, number> = {};
	for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	const { year, month, day, hour, minute, second } = parts;
	return {
		year,
		month,
		day,
		hour,
		minute,
		second,
		weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
	};
}

/** Local time minus UTC, in milliseconds, at this instant. */
function offsetAt(instant: number, timeZone: string): number {
	const t = localTime(instant, timeZone);
	const wholeSecond = Math.floor(instant / 1000) * 1000;
	return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - wholeSecond;
}

/**
 * The first instant at which the local clock reads `minutes` or later on the given local date.
 * A time that occurs twice (clocks going back) gives the first; a time skipped by clocks going
 * forward gives the moment of the jump, when the local clock first reads past it.
 */
function firstInstantAt(
	date: { year: number; month: number; day: number },
	minutes: number,
	timeZone: string,
): number {
	const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE;
	// Offsets change at most once within two days anywhere, so these two are the only candidates.
	const before = offsetAt(wall - DAY, timeZone);
	const after = offsetAt(wall + DAY, timeZone);
	const candidates = [wall - before, wall - after]
		.filter((instant) => instant + offsetAt(instant, timeZone) === wall)
		.sort((a, b) => a - b);
	if (candidates.length > 0) return candidates[0];
	// In the gap: the jump lies between the two readings; find it to the minute.
	let low = wall - after;
	let high = wall - before;
	while (high - low > MINUTE) {
		const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
		if (middle + offsetAt(middle, timeZone) >= wall) high = middle;
		else low = middle;
	}
	return high;
}

function addDays(date: { year: number; month: number; day: number }, days: number) {
	const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
	return {
		year: shifted.getUTCFullYear(),
		month: shifted.getUTCMonth() + 1,
		day: shifted.getUTCDate(),
		weekday: shifted.getUTCDay(),
	};
}

export function isInsideWindow(window: SendWindow, instant: number): boolean {
	const local = localTime(instant, window.timeZone);
	const minutes = local.hour * 60 + local.minute;
	const previousDay = (local.weekday + 6) % 7;
	if (window.start < window.end) {
		return window.days.has(local.weekday) && minutes >= window.start && minutes < window.end;
	}
	// Spans midnight (equal times: a 24-hour window starting at that time).
	return (
		(minutes >= window.start && window.days.has(local.weekday)) ||
		(minutes < window.end && window.days.has(previousDay))
	);
}

/** `instant` itself when the window is open then, otherwise the moment it next opens. */
export function nextOpening(window: SendWindow, instant: number): number {
	if (window.days.size === 0) throw new Error('A send window needs at least one day');
	if (isInsideWindow(window, instant)) return instant;
	const today = localTime(instant, window.timeZone);
	// Eight days: today's opening may have passed, and the same weekday next week may be the only one.
	for (let offset = 0; offset <= 8; offset++) {
		const date = addDays(today, offset);
		if (!window.days.has(date.weekday)) continue;
		const opening = firstInstantAt(date, window.start, window.timeZone);
		if (opening > instant) return opening;
	}
	throw new Error('No opening of the send window within a week');
}

const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "09:00–20:00, Mon Tue Wed Thu Fri, Australia/Sydney" */
export function describeWindow(window: SendWindow): string {
	const days =
		window.days.size === 7
			? 'every day'
			: [1, 2, 3, 4, 5, 6, 0]
					.filter((d) => window.days.has(d))
					.map((d) => SHORT_DAYS[d])
					.join(' ');
	return `${formatTimeOfDay(window.start)}–${formatTimeOfDay(window.end)}, ${days}, ${window.timeZone}`;
}

/** "Sat 2026-03-07 22:15" in the given zone. */
export function formatLocal(instant: number, timeZone: string): string {
	const t = localTime(instant, timeZone);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${SHORT_DAYS[t.weekday]} ${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}`;
}
