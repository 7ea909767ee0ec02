import type { IExecuteFunctions, IGetNodeParameterOptions, INode } from 'n8n-workflow';

import { holdsExpression, storedParameter } from '../n8nInternals';

export type ParameterReader = (
	name: string,
	itemIndex: number,
	fallback?: unknown,
	options?: IGetNodeParameterOptions,
) => unknown;

/**
 * getNodeParameter for a loop over items. A parameter that holds no expression is the same for
 * every item, yet n8n-core copies and validates it on each call (n8nInternals.ts), a cost `npm run
 * bench` shows on Send, so such values are read once. Callers must not mutate what it returns.
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
		if (!holdsExpression(storedParameter(node, name))) once.set(key, value);
		else current.set(key, value);
		return value;
	};
}
