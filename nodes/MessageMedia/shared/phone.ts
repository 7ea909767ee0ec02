import type { INode } from 'n8n-workflow';
import { itemOperationError } from './itemError';

const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * Normalises a phone number to E.164. Spaces, dashes, dots and brackets are dropped; `00` becomes
 * `+`; a local number (leading 0 or no prefix) gets the default country code when one is given.
 * Returns undefined when the result cannot be a number.
 */
export function toE164(input: string, defaultCountryCode = ''): string | undefined {
	let number = String(input ?? '')
		.trim()
		.replace(/[\s\-.()/]/g, '');
	if (number.startsWith('00')) number = `+${number.slice(2)}`;
	if (!number.startsWith('+')) {
		const country = defaultCountryCode.replace(/[^\d]/g, '');
		if (!country) {
			// Without a country code only an already international number without '+' is usable.
			number = `+${number}`;
		} else if (number.startsWith(country) && number.length > country.length + 8) {
			number = `+${number}`;
		} else {
			number = `+${country}${number.replace(/^0+/, '')}`;
		}
	}
	return E164.test(number) ? number : undefined;
}

/** Like toE164, but throws an error that names the item and the field. */
export function requireE164(
	node: INode,
	input: unknown,
	field: string,
	itemIndex: number,
	defaultCountryCode = '',
): string {
	const value = typeof input === 'number' ? String(input) : (input as string);
	const normalised = typeof value === 'string' ? toE164(value, defaultCountryCode) : undefined;
	if (!normalised) {
		throw itemOperationError(
			node,
			itemIndex,
			`"${field}" is not a valid phone number: "${String(input ?? '')}"`,
			'Use international format such as +61491570156. A local number such as 0491 570 156 works when Default Country Code is set in the options.',
		);
	}
	return normalised;
}
