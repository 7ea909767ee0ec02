/**
 * Names the item an error is about, in n8n's own form (`... [item 3]`). The editor adds this
 * suffix to an error that carries `itemIndex` unless the message already names the item, so
 * writing it in the same form says the item once, in the editor, in Continue On Fail items and in
 * execution logs alike.
 */
export function atItem(message: string, itemIndex: number | undefined): string {
	if (itemIndex === undefined || message.includes(`item ${itemIndex}`)) return message;
	return `${message} [item ${itemIndex}]`;
}
