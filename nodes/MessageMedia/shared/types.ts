import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** Runs one operation over all input items and returns exactly one output item per input item. */
export type OperationRun = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
) => Promise<INodeExecutionData[]>;

export interface OperationDefinition {
	description: INodeProperties[];
	run: OperationRun;
}
