/**
 * The Velocity template registered with every webhook this trigger creates, the one copy in the
 * package. One template serves all nine events, so one webhook (one URL) covers the node; the
 * payload does not name its event, so the id fields tell the families apart: `reply_id`
 * (replies), `notification_id` (opt-outs), `delivery_report_id` + `status` (delivery reports).
 *
 * Rules that keep it valid JSON on every Velocity engine MessageMedia might run:
 * - every value is quoted and quiet (`$!`): MessageMedia renders an unset `$x` literally;
 * - ids, codes, numbers and times are plain references (`$!{messageId}`): a UUID, a status or a
 *   number needs no escaping, so they arrive even where the escape tool fails;
 * - free text (message text, addresses, account names, metadata, attachments) goes through
 *   `$!esc.json(...)`, quiet too: EscapeTool returns null for null, and a null `$esc.json(...)`
 *   would render as its own source text;
 * - list separators use `$foreach.hasNext`; `$velocityHasNext` is Velocity 1.x only.
 * Field names follow MessageMedia's Reply and DeliveryReport objects, so a per-message
 * callback_url push and a webhook delivery normalise the same way.
 */
export const WEBHOOK_TEMPLATE = [
	'{',
	'"reply_id":"$!{replyId}",',
	'"mo_id":"$!{moId}",',
	'"notification_id":"$!{notificationId}",',
	'"delivery_report_id":"$!{drId}",',
	'"message_id":"$!{messageId}",',
	'"account_id":"$!esc.json($!accountId)",',
	'"vendor_id":"$!esc.json($!vendorId)",',
	'"format":"$!{format}",',
	'"status":"$!{status}",',
	'"error_code":"$!{statusCode}",',
	'"source_number":"$!esc.json($!sourceAddress)",',
	'"destination_number":"$!esc.json($!destinationAddress)",',
	'"content":"$!esc.json($!moContent)",',
	'"original_text":"$!esc.json($!mtContent)",',
	'"submitted_date":"$!{submittedTimestamp}",',
	'"date_received":"$!{receivedTimestamp}",',
	'"retry_count":"$!{retryCount}",',
	'"billing_units":"$!{billingUnits}",',
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
