import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { applyCostAndTiming } from '../../shared/costAndTiming';
import { atItem, errorItem, itemFailure } from '../../shared/itemError';
import { itemParameterReader } from '../../shared/itemParameterReader';
import { buildMessage, type OutboundMessage } from '../../shared/message';
import { messageFields } from '../../shared/descriptions';
import type { OperationDefinition } from '../../shared/types';
import { postMessages, type PendingMessage, type SendOutcome } from './postMessages';

const showOnlyForMessageSend = { resource: ['message'], operation: ['send'] };

export const description = messageFields(showOnlyForMessageSend);

interface Pending extends PendingMessage {
	/** Segments, look-alike replacement and send-window fields for the output item. */
	report: IDataObject;
}

function sentJson(
	accepted: IDataObject,
	message: OutboundMessage,
	report: IDataObject,
): IDataObject {
	return {
		messageId: accepted.message_id,
		status: accepted.status,
		destination: accepted.destination_number ?? message.destination_number,
		source: accepted.source_number ?? message.source_number,
		format: accepted.format ?? message.format,
		content: message.content,
		scheduled: accepted.scheduled ?? message.scheduled,
		metadata: (accepted.metadata as IDataObject | undefined) ?? message.metadata ?? {},
		...report,
	};
}

/** The output item for one message: what MessageMedia accepted, or why it did not. */
function outcomeItem(outcome: SendOutcome, report: IDataObject): INodeExecutionData {
	const pairedItem = { item: outcome.itemIndex };
	switch (outcome.status) {
		case 'accepted':
			return { json: sentJson(outcome.accepted, outcome.message, report), pairedItem };
		case 'rejected':
			return {
				json: {
					error: outcome.error.message,
					destination: outcome.message.destination_number,
					details: outcome.details,
				},
				pairedItem,
			};
		case 'failed': {
			const item = errorItem(outcome.error, outcome.itemIndex);
			item.json.outcomeUnknown = outcome.outcomeUnknown;
			item.json.destination = outcome.message.destination_number;
			return item;
		}
		case 'skipped':
			// Only a run that stopped skips messages, and a stopped run throws before this.
			return {
				json: {
					error: atItem('Not sent: an earlier failure stopped the run', outcome.itemIndex),
					destination: outcome.message.destination_number,
				},
				pairedItem,
			};
	}
}

export async function run(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const results = new Map<number, INodeExecutionData>();
	const pending: Pending[] = [];
	const now = Date.now();
	const node = this.getNode();
	const read = itemParameterReader(this, node);
	// Every item is validated before the first request, so a bad item never leaves a half-sent run.
	for (let i = 0; i < items.length; i++) {
		try {
			const message = buildMessage.call(this, i, now, node, read);
			const options = read('options', i, {}) as IDataObject;
			const report = applyCostAndTiming(this, node, i, message, options, now);
			pending.push({ itemIndex: i, message, report });
		} catch (error) {
			if (!this.continueOnFail()) throw itemFailure(node, error, i);
			results.set(i, errorItem(error, i));
		}
	}
	const { outcomes, stoppedBy } = await postMessages.call(this, pending, {
		stopOnFailure: !this.continueOnFail(),
	});
	if (stoppedBy) throw stoppedBy;
	outcomes.forEach((outcome, n) =>
		results.set(outcome.itemIndex, outcomeItem(outcome, pending[n].report)),
	);
	return items.map((_, i) => results.get(i)!);
}

export const sendMessage: OperationDefinition = { description, run };
