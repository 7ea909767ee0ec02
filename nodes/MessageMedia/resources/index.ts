import type { INodeProperties } from 'n8n-workflow';

import type { OperationDefinition } from '../shared/types';
import { messageDescription, messageOperations } from './message';

interface ResourceDefinition {
	name: string;
	value: string;
	description: INodeProperties[];
	operations: Record<string, OperationDefinition>;
}

/** Every resource the action node offers; execute() dispatches through this table. */
export const resources: ResourceDefinition[] = [
	{ name: 'Message', value: 'message', description: messageDescription, operations: messageOperations },
];
