import type { MessageEvent } from '../shared/events';

/** MessageMedia's delivery-report status codes (`$statusCode`, `error_code`) in plain words. */
export const STATUS_CODE_DESCRIPTIONS: Record<string, string> = {
	'101': 'Processing at the gateway',
	'102': 'Rerouting to another provider',
	'151': 'Held for screening',
	'200': 'Submitted downstream',
	'210': 'Accepted downstream',
	'211': 'En route at the provider',
	'212': 'Submitted, pending',
	'213': 'Scheduled at the provider',
	'220': 'Delivered',
	'221': 'Delivered to the handset',
	'301': 'Usage threshold reached; discarded',
	'302': 'Destination blocked; discarded',
	'303': 'Source blocked; discarded',
	'304': 'Dropped; contact MessageMedia support',
	'305': 'Duplicate detected; discarded',
	'320': 'Validity expired before submission',
	'330': 'Gateway failure',
	'331': 'Discarded',
	'332': 'No route to the destination',
	'333': 'Source not supported for this destination',
	'400': 'Undeliverable',
	'401': 'Validity expired before delivery',
	'402': 'Rejected by the provider',
	'403': 'Skipped by the provider',
	'405': 'Cancelled or deleted by the provider',
	'410': 'Invalid source',
	'411': 'Invalid destination',
	'412': 'Destination blocked',
	'413': 'SMS unavailable at the destination',
	'414': 'Destination unreachable',
};

/**
 * Statuses after which the message will never reach the handset: the failures in MessageMedia's
 * spec and official SDK (whose delivery-report statuses add `undeliverable`), and `cancelled`
 * (a scheduled message cancelled before it went out).
 */
export const FINAL_FAILURES = ['failed', 'expired', 'rejected', 'undeliverable', 'cancelled'];

/**
 * MessageMedia has no webhook event of their own for these statuses; its spec files
 * `undeliverable` under `failed`, so a Failed subscription receives it.
 */
const EVENT_OF_STATUS = new Map<string, MessageEvent>([['undeliverable', 'FAILED_DR']]);

/** A delivery report whose status no MessageMedia event stands for, e.g. `QUEUED_DR`. */
export type UnlistedDeliveryEvent = `${string}_DR`;

/**
 * The event a delivery report with this (lower-case) status belongs to: `delivered` is
 * `DELIVERED_DR`. A status no event stands for keeps its own `<STATUS>_DR` name, which no
 * subscription selects, so the trigger drops it and Send and Wait keeps waiting.
 */
export function deliveryReportEvent(status: string): MessageEvent | UnlistedDeliveryEvent {
	// A Map, so that a status such as `__proto__` cannot reach Object.prototype.
	return EVENT_OF_STATUS.get(status) ?? `${status.toUpperCase()}_DR`;
}
