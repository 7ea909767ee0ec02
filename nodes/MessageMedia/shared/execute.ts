import type {
	IDataObject,
	IExecuteFunctions,
	IGetNodeParameterOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { atItem } from './itemError';

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

/**
 * Runs `fn` once per input item. Each result becomes output paired with its item; a failure
 * becomes an error item under Continue On Fail and is thrown otherwise.
 */
export async function forEachItem(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	fn: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const result = await fn(i);
			for (const json of Array.isArray(result) ? result : [result]) {
				output.push({ json, pairedItem: { item: i } });
			}
		} catch (error) {
			if (!this.continueOnFail()) throw itemFailure(this.getNode(), error, i);
			output.push(errorItem(error, i));
		}
	}
	return output;
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(list: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let i = 0; i < list.length; i += size) chunks.push(list.slice(i, i + size));
	return chunks;
}

export type ParameterReader = (
	name: string,
	itemIndex: number,
	fallback?: unknown,
	options?: IGetNodeParameterOptions,
) => unknown;

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object')
		return Object.values(value).some(holdsExpression);
	return false;
}

/**
 * The parameter as stored in the workflow, following a dotted path (`options.callbackUrl`) as
 * getNodeParameter does. A path that is not there is treated as holding an expression, so that
 * it is read per item: reading too often is slow, reading too rarely is wrong.
 */
function rawParameter(node: INode, name: string): unknown {
	let value: unknown = node.parameters;
	for (const segment of name.split('.')) {
		if (value === null || typeof value !== 'object' || !(segment in value)) return '=';
		value = (value as Record<string, unknown>)[segment];
	}
	return value;
}

/**
 * getNodeParameter for a loop over items. A parameter that holds no expression is the same for
 * every item, yet n8n-core copies and validates it on each call (a quarter of Send's CPU per message
 * with literal parameters), so such values are read once. Callers must not mutate what it returns.
 */
export function itemParameterReader(ctx: IExecuteFunctions, node: INode): ParameterReader {
	const once = new Map<string, unknown>();
	// Values with expressions are kept for the current item, so a second reader of the same
	// parameter (validation, then the cost and timing options) does not resolve it again.
	const current = new Map<string, unknown>();
	let currentItem = -1;
	return (name, itemIndex, fallback, options) => {
		const key = options?.extractValue ? `${name}:value` : name;
		if (once.has(key)) return once.get(key);
		if (itemIndex !== currentItem) {
			current.clear();
			currentItem = itemIndex;
		}
		if (current.has(key)) return current.get(key);
		const value = ctx.getNodeParameter(name, itemIndex, fallback, options);
		if (!holdsExpression(rawParameter(node, name))) once.set(key, value);
		else current.set(key, value);
		return value;
	};
}
