import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { messageMediaApiRequest } from '../transport/messageMediaApi';

const SENDER_ADDRESSES = '/v1/messaging/numbers/sender_address/addresses';

/** Sender addresses registered to the account, for the From dropdown. */
export async function searchSenderAddresses(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const body = await messageMediaApiRequest.call(this, {
		method: 'GET',
		path: SENDER_ADDRESSES,
		query: { page_size: 100, token: paginationToken },
	});
	const needle = (filter ?? '').toLowerCase();
	const results = ((body.data as IDataObject[] | undefined) ?? [])
		.map((address) => {
			const value = String(address.sender_address ?? '');
			const label = address.label ? ` (${String(address.label)})` : '';
			return { name: `${value}${label} · ${String(address.sender_address_type ?? '')}`, value };
		})
		.filter((result) => result.value && result.name.toLowerCase().includes(needle));
	const next = (body.pagination as IDataObject | undefined)?.next_token;
	return { results, paginationToken: next ? String(next) : undefined };
}
