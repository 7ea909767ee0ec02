import type { IDataObject, INode, INodeProperties, IExecuteFunctions } from 'n8n-workflow';

import { requireE164 } from '../../shared/phone';
import { parseIdList } from '../../shared/pollingLists';
import type { Show } from '../../shared/descriptions';
import { itemOperationError } from '../../shared/itemError';

/** Numbers per request; MessageMedia pages the list at 100, so batches stay at that size too. */
export const NUMBERS_PER_REQUEST = 100;

export function numbersField(show: Show, description: string): INodeProperties {
	return {
		displayName: 'Phone Numbers',
		name: 'numbers',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +61491570156, +61491570157',
		description,
		displayOptions: { show },
	};
}

/** The number authorisation API stores numbers as digits without '+', e.g. 61491570156. */
export function toApiNumber(
	node: INode,
	input: unknown,
	field: string,
	itemIndex: number,
	defaultCountryCode = '',
): string {
	return requireE164(node, input, field, itemIndex, defaultCountryCode).slice(1);
}

/** Reads the Phone Numbers field of item `itemIndex` as normalised, de-duplicated numbers. */
export function readNumbers(this: IExecuteFunctions, itemIndex: number): string[] {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return parseNumbers(
		this.getNode(),
		this.getNodeParameter('numbers', itemIndex),
		'Phone Numbers',
		itemIndex,
		options,
	);
}

/** Splits the field into numbers and normalises each, keeping the first occurrence of duplicates. */
export function parseNumbers(
	node: INode,
	value: unknown,
	field: string,
	itemIndex: number,
	options: IDataObject,
): string[] {
	// Commas and semicolons separate numbers; spaces may be part of a number's formatting.
	const raw = Array.isArray(value) ? value.flat(Infinity) : String(value ?? '').split(/[,;\n]+/);
	const numbers = parseIdList(raw).map((n) =>
		toApiNumber(node, n, field, itemIndex, (options.defaultCountryCode as string) ?? ''),
	);
	if (numbers.length === 0) {
		throw itemOperationError(
			node,
			itemIndex,
			`"${field}" is empty`,
			'Give one or more phone numbers, separated by commas, or an expression that returns an array.',
		);
	}
	return [...new Set(numbers)];
}
