/**
 * Every webhook event MessageMedia documents, as n8n options sorted by name. The only place the
 * event names are written: the `MessageEvent` type and every list of events derive from it.
 */
const EVENT_OPTIONS = [
	{ name: 'Delivery Report: Delivered', value: 'DELIVERED_DR', action: 'On message delivered' },
	{ name: 'Delivery Report: En Route', value: 'ENROUTE_DR', action: 'On message en route' },
	{ name: 'Delivery Report: Expired', value: 'EXPIRED_DR', action: 'On message expired' },
	{ name: 'Delivery Report: Failed', value: 'FAILED_DR', action: 'On message failed' },
	{ name: 'Delivery Report: Rejected', value: 'REJECTED_DR', action: 'On message rejected' },
	{ name: 'Delivery Report: Submitted', value: 'SUBMITTED_DR', action: 'On message submitted' },
	{ name: 'Opt-Out', value: 'OPT_OUT_SMS', action: 'On opt-out' },
	{ name: 'Reply (MMS)', value: 'RECEIVED_MMS', action: 'On MMS reply' },
	{ name: 'Reply (SMS)', value: 'RECEIVED_SMS', action: 'On SMS reply' },
] as const;

export type MessageEvent = (typeof EVENT_OPTIONS)[number]['value'];

/**
 * The events as n8n options; shared by the Webhook resource and the trigger. Mutable copies, so
 * the list can be passed straight to a property's `options`.
 */
export const MESSAGE_EVENTS: Array<{ name: string; value: MessageEvent; action: string }> =
	EVENT_OPTIONS.map((option) => ({ ...option }));

export function isMessageEvent(value: string): value is MessageEvent {
	return MESSAGE_EVENTS.some((known) => known.value === value);
}

/** The option that subscribes to every event, including any MessageMedia adds later to this list. */
export const ALL_EVENTS = '*';

/** Expands a selection that may contain `*` into the event names it stands for. */
export function expandEvents(selected: string[]): MessageEvent[] {
	if (selected.includes(ALL_EVENTS)) return MESSAGE_EVENTS.map((event) => event.value);
	return selected.filter(isMessageEvent);
}

/**
 * What the trigger's subtitle calls each event: its picker action without the "On "
 * ("SMS reply", "opt-out"). The trigger's `subtitle` spells this out as a literal;
 * test/nodes/subtitle.test.ts keeps the two equal.
 */
export function eventSubtitleWords(): Record<string, string> {
	return {
		[ALL_EVENTS]: 'any event',
		...Object.fromEntries(MESSAGE_EVENTS.map((e) => [e.value, e.action.replace(/^On /, '')])),
	};
}
