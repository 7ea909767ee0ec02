import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItem, itemFailure } from './itemError';

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
