/**
 * Every webhook event MessageMedia documents, as n8n options: replies first, then opt-outs, then
 * delivery reports. The only place the event names are written: the `MessageEvent` type and every
 * list of events derive from it. Each `name` (the Events list) and `action` (n8n's node picker)
 * say the same words, so the user meets one name for each event.
 */
const EVENT_OPTIONS = [
	{ name: 'SMS Reply', value: 'RECEIVED_SMS', action: 'On SMS reply' },
	{ name: 'MMS Reply', value: 'RECEIVED_MMS', action: 'On MMS reply' },
	{ name: 'Opt-Out', value: 'OPT_OUT_SMS', action: 'On opt-out' },
	{ name: 'Message Delivered', value: 'DELIVERED_DR', action: 'On message delivered' },
	{ name: 'Message En Route', value: 'ENROUTE_DR', action: 'On message en route' },
	{ name: 'Message Expired', value: 'EXPIRED_DR', action: 'On message expired' },
	{ name: 'Message Failed', value: 'FAILED_DR', action: 'On message failed' },
	{ name: 'Message Rejected', value: 'REJECTED_DR', action: 'On message rejected' },
	{ name: 'Message Submitted', value: 'SUBMITTED_DR', action: 'On message submitted' },
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
