import type { MessageEvent } from '../shared/events';
import { DELIVERY_REPORT_EVENTS } from '../shared/events';

/** The three shapes an event takes in the trigger's output. */
export type EventFamily = 'reply' | 'opt_out' | 'delivery_report';

export function eventFamily(event: MessageEvent | string): EventFamily {
	if (event === 'OPT_OUT_SMS') return 'opt_out';
	if ((DELIVERY_REPORT_EVENTS as string[]).includes(event)) return 'delivery_report';
	return 'reply';
}

/**
 * Velocity template registered with every webhook this trigger creates. One template serves all
 * nine events, so one webhook (one URL) covers the node; the payload does not name its event, so
 * the id fields tell the families apart: `reply_id` (replies), `notification_id` (opt-outs),
 * `delivery_report_id` + `status` (delivery reports).
 *
 * Rules that keep it valid JSON on every Velocity engine MessageMedia might run:
 * - every value is quoted and written `$!x`: MessageMedia renders an unset `$x` literally;
 * - every value goes through `$!esc.json(...)`: EscapeTool returns null for null, and a null
 *   `$esc.json(...)` would render as its own source text;
 * - list separators use `$foreach.hasNext`; `$velocityHasNext` is Velocity 1.x only.
 * Field names follow MessageMedia's Reply and DeliveryReport objects, so a per-message
 * callback_url push and a webhook delivery normalise the same way.
 */
export const WEBHOOK_TEMPLATE = [
	'{',
	'"reply_id":"$!esc.json($!replyId)",',
	'"mo_id":"$!esc.json($!moId)",',
	'"notification_id":"$!esc.json($!notificationId)",',
	'"delivery_report_id":"$!esc.json($!drId)",',
	'"message_id":"$!esc.json($!messageId)",',
	'"account_id":"$!esc.json($!accountId)",',
	'"vendor_id":"$!esc.json($!vendorId)",',
	'"format":"$!esc.json($!format)",',
	'"status":"$!esc.json($!status)",',
	'"error_code":"$!esc.json($!statusCode)",',
	'"source_number":"$!esc.json($!sourceAddress)",',
	'"destination_number":"$!esc.json($!destinationAddress)",',
	'"content":"$!esc.json($!moContent)",',
	'"original_text":"$!esc.json($!mtContent)",',
	'"submitted_date":"$!esc.json($!submittedTimestamp)",',
	'"date_received":"$!esc.json($!receivedTimestamp)",',
	'"retry_count":"$!esc.json($!retryCount)",',
	'"billing_units":"$!esc.json($!billingUnits)",',
	'"metadata":{',
	'#foreach($key in $metadata.keySet())',
	'"$!esc.json($key)":"$!esc.json($!metadata.get($key))"#if($foreach.hasNext),#end',
	'#end',
	'},',
	'"attachments":[',
	'#foreach($a in $!attachments)',
	'{"content_type":"$!esc.json($!a.contentType)","content":"$!esc.json($!a.base64)","original_name":"$!esc.json($!a.originalName)"}#if($foreach.hasNext),#end',
	'#end',
	']',
	'}',
].join('');

/** Header carrying the per-webhook secret; n8n sees header names lower-cased. */
export const SECRET_HEADER = 'X-N8N-MessageMedia-Secret';

/** Tags webhooks this node created so people (and checkExists) can tell them from others. */
export const WORKFLOW_HEADER = 'X-N8N-Workflow-Id';

/** A secret is 32 random bytes in hex; anything else in our header was not written by us. */
export const SECRET_PATTERN = /^[0-9a-f]{64}$/;

/**
 * MessageMedia retries nothing by default (`retries: 0`), so one n8n restart or a slow answer
 * would lose an event. Three tries 30 s apart ride out a restart or a deploy without piling
 * deliveries onto a struggling instance; de-duplication makes the extra copies harmless.
 */
export const DEFAULT_RETRIES = 3;
export const DEFAULT_RETRY_DELAY_SECONDS = 30;
