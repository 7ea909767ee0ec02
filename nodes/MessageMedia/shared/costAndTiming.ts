import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { itemOperationError } from './itemError';
import { MAX_CONTENT, type OutboundMessage } from './message';
import { countSegments, replaceLookAlikes, type ForcingCharacter } from './segments';
import {
	describeWindow,
	formatLocal,
	isValidTimeZone,
	nextOpening,
	parseTimeOfDay,
	WEEKDAYS,
	type SendWindow,
} from './sendWindow';

/** The Send Window option as the node stores it: a fixedCollection with one `window` entry. */
interface SendWindowParameter {
	start?: string;
	end?: string;
	days?: string[];
	timeZone?: string;
}

/** Visible characters are quoted; spaces and invisible ones are named by code point. */
export function showCharacter(character: string): string {
	if (/^[\p{L}\p{N}\p{P}\p{S}]+$/u.test(character)) return `"${character}"`;
	return [...character]
		.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
		.join(' ');
}

function distinctCharacters(forcedBy: ForcingCharacter[]): string[] {
	return [...new Set(forcedBy.map((f) => f.character))];
}

export function readSendWindow(
	ctx: IExecuteFunctions,
	node: INode,
	itemIndex: number,
	raw: unknown,
): SendWindow | undefined {
	const value = (raw as { window?: SendWindowParameter } | undefined)?.window;
	if (!value) return undefined;
	const time = (field: 'start' | 'end', label: string) => {
		const text = String(value[field] ?? '');
		const minutes = parseTimeOfDay(text);
		if (minutes === undefined) {
			throw itemOperationError(
				node,
				itemIndex,
				`"${label}" is not a time of day like 09:00 or 20:30: "${text}"`,
			);
		}
		return minutes;
	};
	const start = time('start', 'Send Window Start');
	const end = time('end', 'Send Window End');
	const dayNames = Array.isArray(value.days) ? value.days : String(value.days ?? '').split(',');
	const days = new Set<number>();
	for (const name of dayNames.map((d) => String(d).trim().toLowerCase()).filter(Boolean)) {
		const index = WEEKDAYS.findIndex((w) => w === name || w.slice(0, 3) === name);
		if (index < 0)
			throw itemOperationError(node, itemIndex, `"Send Window Days" has an unknown day: "${name}"`);
		days.add(index);
	}
	if (days.size === 0) throw itemOperationError(node, itemIndex, '"Send Window Days" has no days');
	const timeZone = String(value.timeZone ?? '').trim() || ctx.getTimezone();
	if (!isValidTimeZone(timeZone)) {
		throw itemOperationError(
			node,
			itemIndex,
			`"Send Window Time Zone" is not an IANA time zone such as Australia/Sydney: "${timeZone}"`,
		);
	}
	return { start, end, days, timeZone };
}

/**
 * Replaces look-alike characters if asked, counts segments and enforces Maximum Segments. SMS
 * only: MMS text and text to speech are not split into segments or billed by them.
 */
function applySegmentLimit(
	node: INode,
	itemIndex: number,
	message: OutboundMessage,
	options: IDataObject,
): IDataObject {
	const report: IDataObject = {};
	if (options.replaceLookAlikes) {
		const { text, replaced } = replaceLookAlikes(message.content);
		// An ellipsis becomes three characters, which could push a long message past the limit.
		const fits = [...text].length <= MAX_CONTENT;
		if (fits) message.content = text;
		report.lookAlikesReplaced = fits ? replaced : 0;
	}
	const count = countSegments(message.content);
	report.encoding = count.encoding;
	report.segments = count.segments;
	report.characters = count.characters;
	report.ucs2Characters = distinctCharacters(count.forcedBy);
	const max = Number(options.maxSegments ?? 0);
	if (max > 0 && count.segments > max) {
		const first = count.forcedBy[0];
		const why = first
			? `UCS-2, because of ${showCharacter(first.character)} at position ${first.position}`
			: `GSM-7, ${count.characters} characters`;
		throw itemOperationError(
			node,
			itemIndex,
			`the message needs ${count.segments} segments (${why}); Maximum Segments is ${max}`,
			first
				? 'Nothing was sent for this item. One character outside GSM-7 makes the whole message UCS-2 (70 characters per segment instead of 160). Remove it, or turn on Replace Look-Alike Characters.'
				: 'Nothing was sent for this item. Shorten the message or raise Maximum Segments.',
		);
	}
	return report;
}

/**
 * Moves the message's schedule to the send window's next opening when it would go out outside
 * the window, and says why in `scheduledReason`. Refuses a message whose expiry comes first.
 */
function applySendWindow(
	node: INode,
	itemIndex: number,
	message: OutboundMessage,
	window: SendWindow,
	now: number,
): IDataObject {
	const explicit = typeof message.scheduled === 'string' ? Date.parse(message.scheduled) : NaN;
	const base = Number.isNaN(explicit) ? now : explicit;
	const opening = nextOpening(window, base);
	if (opening === base) return {};

	const expiry = message.message_expiry_timestamp;
	if (typeof expiry === 'string' && Date.parse(expiry) <= opening) {
		throw itemOperationError(
			node,
			itemIndex,
			`"Expiry" (${expiry}) is before the send window next opens (${new Date(opening).toISOString()}, ${formatLocal(opening, window.timeZone)} ${window.timeZone})`,
			`The send window is ${describeWindow(window)}. MessageMedia would discard the message before it could go out, so it was not sent. Move Expiry later or widen the window.`,
		);
	}
	message.scheduled = new Date(opening).toISOString();
	const when = `${formatLocal(base, window.timeZone)} local time`;
	const to = `${formatLocal(opening, window.timeZone)}`;
	return {
		scheduledReason: Number.isNaN(explicit)
			? `Outside the send window (${describeWindow(window)}) at ${when}; scheduled for its next opening, ${to}`
			: `The Scheduled time, ${when}, is outside the send window (${describeWindow(window)}); moved to its next opening, ${to}`,
	};
}

/**
 * Applies the cost and timing options to one built message before anything is sent: the segment
 * limit and the send window, which are independent. It changes `message` in place and returns
 * the fields the output item reports. It throws a NodeOperationError naming the item, so the
 * caller's per-item validation turns it into an error item under Continue On Fail.
 */
export function applyCostAndTiming(
	ctx: IExecuteFunctions,
	node: INode,
	itemIndex: number,
	message: OutboundMessage,
	options: IDataObject,
	now: number,
): IDataObject {
	const segments =
		message.format === 'SMS' ? applySegmentLimit(node, itemIndex, message, options) : {};
	const window = readSendWindow(ctx, node, itemIndex, options.sendWindow);
	const timing = window ? applySendWindow(node, itemIndex, message, window, now) : {};
	return { ...segments, ...timing };
}
