import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { chunk } from './chunk';
import { messageMediaApiRequest } from '../transport/messageMediaApi';
import type { Show } from './descriptions';
import { returnAllFields } from './descriptions';
import { itemOperationError } from './itemError';

/** MessageMedia confirms at most this many IDs per request. */
export const MAX_CONFIRM_IDS = 100;

/** MessageMedia's polling endpoints are not paged: one call gives at most the oldest 100. */
export const MAX_UNCONFIRMED = 100;

/** Return All plus Limit for the unpaged polling endpoints, with a notice that says why. */
export function pollingListFields(show: Show, noun: string): INodeProperties[] {
	return [
		{
			displayName: `MessageMedia returns only the oldest 100 unconfirmed ${noun} and has no further pages. Confirm them to receive newer ones.`,
			name: 'pollingNotice',
			type: 'notice',
			default: '',
			displayOptions: { show },
		},
		...returnAllFields(show, MAX_UNCONFIRMED),
	];
}

/** Accepts IDs as an array (from an expression) or as text separated by commas, spaces or lines. */
export function parseIdList(value: unknown): string[] {
	const raw = Array.isArray(value) ? value.flat(Infinity) : String(value ?? '').split(/[\s,;]+/);
	const ids = raw
		.map((id) => (id === null || id === undefined ? '' : String(id).trim()))
		.filter((id) => id !== '');
	return [...new Set(ids)];
}

/** Confirms IDs in requests of at most 100 and returns them, de-duplicated, for the output item. */
export async function confirmIds(
	this: IExecuteFunctions,
	options: { path: string; bodyKey: string; noun: string; field: string; value: unknown },
	itemIndex: number,
): Promise<string[]> {
	const ids = parseIdList(options.value);
	if (ids.length === 0) {
		throw itemOperationError(
			this.getNode(),
			itemIndex,
			`"${options.field}" is empty`,
			`Give one or more ${options.noun} IDs, separated by commas, or an expression that returns an array of IDs.`,
		);
	}
	for (const ids100 of chunk(ids, MAX_CONFIRM_IDS)) {
		await messageMediaApiRequest.call(this, {
			method: 'POST',
			path: options.path,
			body: { [options.bodyKey]: ids100 },
			subject:
				ids100.length === 1
					? `${options.noun} "${ids100[0]}"`
					: `one or more of the ${options.noun} IDs ${ids100
							.slice(0, 3)
							.map((id) => `"${id}"`)
							.join(', ')}${ids100.length > 3 ? ', …' : ''}`,
			itemIndex,
		});
	}
	return ids;
}

export function vendorFields(item: IDataObject): IDataObject {
	const vendor = (item.vendor_account_id as IDataObject | undefined) ?? {};
	return { vendorId: vendor.vendor_id, accountId: vendor.account_id };
}
