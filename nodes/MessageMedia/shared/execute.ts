import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** The error item n8n shows for a failed input item when Continue On Fail is on. */
export function errorItem(error: Error & { description?: string | null }, itemIndex: number) {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	return { json, pairedItem: { item: itemIndex } } as INodeExecutionData;
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
			if (!this.continueOnFail()) {
				if (error.context) error.context.itemIndex = i;
				throw error;
			}
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
