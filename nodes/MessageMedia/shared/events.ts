/** Every webhook event name MessageMedia documents. */
export type MessageEvent =
	| 'RECEIVED_SMS'
	| 'RECEIVED_MMS'
	| 'OPT_OUT_SMS'
	| 'ENROUTE_DR'
	| 'SUBMITTED_DR'
	| 'DELIVERED_DR'
	| 'EXPIRED_DR'
	| 'REJECTED_DR'
	| 'FAILED_DR';

/**
 * The events as n8n options, sorted by name; shared by the Webhook resource and the trigger.
 * Mutable on purpose so it can be passed straight to a property's `options`.
 */
export const MESSAGE_EVENTS: Array<{ name: string; value: MessageEvent; action: string }> = [
	{ name: 'Delivery Report: Delivered', value: 'DELIVERED_DR', action: 'On message delivered' },
	{ name: 'Delivery Report: En Route', value: 'ENROUTE_DR', action: 'On message en route' },
	{ name: 'Delivery Report: Expired', value: 'EXPIRED_DR', action: 'On message expired' },
	{ name: 'Delivery Report: Failed', value: 'FAILED_DR', action: 'On message failed' },
	{ name: 'Delivery Report: Rejected', value: 'REJECTED_DR', action: 'On message rejected' },
	{ name: 'Delivery Report: Submitted', value: 'SUBMITTED_DR', action: 'On message submitted' },
	{ name: 'Opt-Out', value: 'OPT_OUT_SMS', action: 'On opt-out' },
	{ name: 'Reply (MMS)', value: 'RECEIVED_MMS', action: 'On MMS reply' },
	{ name: 'Reply (SMS)', value: 'RECEIVED_SMS', action: 'On SMS reply' },
];

export const REPLY_EVENTS: MessageEvent[] = ['RECEIVED_SMS', 'RECEIVED_MMS'];
export const DELIVERY_REPORT_EVENTS: MessageEvent[] = [
	'ENROUTE_DR',
	'SUBMITTED_DR',
	'DELIVERED_DR',
	'EXPIRED_DR',
	'REJECTED_DR',
	'FAILED_DR',
];

/** The option that subscribes to every event, including any MessageMedia adds later to this list. */
export const ALL_EVENTS = '*';

/** Expands a selection that may contain `*` into the event names it stands for. */
export function expandEvents(selected: string[]): MessageEvent[] {
	if (selected.includes(ALL_EVENTS)) return MESSAGE_EVENTS.map((event) => event.value);
	return selected.filter((event): event is MessageEvent =>
		MESSAGE_EVENTS.some((known) => known.value === event),
	);
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
