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

/** Where the regular "<operation> <resource>" wording would read oddly. */
const SUBTITLE_WORDING: Record<string, string> = {
	'message:sendAndWait': 'Send and wait for reply',
	'lookup:get': 'Look up number',
	'deliveryReport:confirm': 'Confirm delivery reports',
	'reply:confirm': 'Confirm replies',
	'signatureKey:getEnabled': 'Get enabled signature key',
};

const plural = (noun: string) =>
	/[^aeiou]y$/.test(noun)
		? `${noun.slice(0, -1)}ies`
		: noun.endsWith('s')
			? `${noun}es`
			: `${noun}s`;

/**
 * "resource:operation" -> what the canvas shows under an action node, as a person would say it
 * ("Send message", "Add opt-out", "Get replies"). The node's `subtitle` spells this table out as
 * a literal (n8n's lint reads it); test/nodes/subtitle.test.ts keeps the two equal.
 */
export function operationSubtitles(): Record<string, string> {
	const out: Record<string, string> = {};
	for (const resource of resources) {
		const noun = resource.name.toLowerCase();
		const operation = resource.description.find((p) => p.name === 'operation');
		for (const option of (operation?.options ?? []) as Array<{ name: string; value: string }>) {
			const key = `${resource.value}:${option.value}`;
			out[key] =
				SUBTITLE_WORDING[key] ??
				(option.name === 'Get Many' ? `Get ${plural(noun)}` : `${option.name} ${noun}`);
		}
	}
	return out;
}
