import type { INodeProperties } from 'n8n-workflow';

import type { OperationDefinition } from '../shared/types';
import {
	deliveryReportDescription,
	deliveryReportOperations,
} from './deliveryReport/deliveryReportResource';
import { lookupDescription, lookupOperations } from './lookup/lookupResource';
import { messageDescription, messageOperations } from './message/messageResource';
import { optOutDescription, optOutOperations } from './optOut/optOutResource';
import { replyDescription, replyOperations } from './reply/replyResource';
import {
	senderAddressDescription,
	senderAddressOperations,
} from './senderAddress/senderAddressResource';
import {
	signatureKeyDescription,
	signatureKeyOperations,
} from './signatureKey/signatureKeyResource';
import { webhookDescription, webhookOperations } from './webhook/webhookResource';

interface ResourceDefinition {
	name: string;
	value: string;
	description: INodeProperties[];
	operations: Record<string, OperationDefinition>;
}

/** Every resource the action node offers; execute() dispatches through this table. */
export const resources: ResourceDefinition[] = [
	{
		name: 'Message',
		value: 'message',
		description: messageDescription,
		operations: messageOperations,
	},
	{
		name: 'Delivery Report',
		value: 'deliveryReport',
		description: deliveryReportDescription,
		operations: deliveryReportOperations,
	},
	{
		name: 'Number Lookup',
		value: 'lookup',
		description: lookupDescription,
		operations: lookupOperations,
	},
	{
		name: 'Opt-Out',
		value: 'optOut',
		description: optOutDescription,
		operations: optOutOperations,
	},
	{ name: 'Reply', value: 'reply', description: replyDescription, operations: replyOperations },
	{
		name: 'Sender Address',
		value: 'senderAddress',
		description: senderAddressDescription,
		operations: senderAddressOperations,
	},
	{
		name: 'Signature Key',
		value: 'signatureKey',
		description: signatureKeyDescription,
		operations: signatureKeyOperations,
	},
	{
		name: 'Webhook',
		value: 'webhook',
		description: webhookDescription,
		operations: webhookOperations,
	},
];
