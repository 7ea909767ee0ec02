import type { IExecuteFunctions, IGetNodeParameterOptions, INode } from 'n8n-workflow';

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
