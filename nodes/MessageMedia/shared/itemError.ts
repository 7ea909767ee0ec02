import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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

/** The error item n8n shows for a failed input item when Continue On Fail is on. */
export function errorItem(error: Error & { description?: string | null }, itemIndex: number) {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	return { json, pairedItem: { item: itemIndex } } as INodeExecutionData;
}

/**
 * The error that leaves the node for a failed item: n8n's own error types pass through with the
 * item recorded; anything else becomes a NodeOperationError naming the item.
 */
export function itemFailure(
	node: INode,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	// The original stays the cause (with its stack and, for an expression error, its context).
	const cause = error instanceof Error ? error : new Error(String(error));
	return new NodeOperationError(node, cause, {
		itemIndex,
		message: atItem(cause.message, itemIndex),
		description: (cause as Error & { description?: string }).description,
	});
}

/** The error for an item the node refuses, in one form: the message names the item, once. */
export function itemOperationError(
	node: INode,
	itemIndex: number,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(node, atItem(message, itemIndex), { itemIndex, description });
}
