import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { applyCostAndTiming } from '../../shared/costAndTiming';
import { atItem, errorItem, itemFailure } from '../../shared/itemError';
import { itemParameterReader } from '../../shared/itemParameterReader';
import { buildMessage, type OutboundMessage } from '../../shared/message';
import { messageFields } from '../../shared/descriptions';
import { keyOutcome, readSendOnce, SendOnceRun, type SendOnceRequest } from '../../shared/sendOnce';
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
	const sendOnceRequests: SendOnceRequest[] = [];
	const now = Date.now();
	const node = this.getNode();
	const read = itemParameterReader(this, node);
	// Every item is validated before the first request, so a bad item never leaves a half-sent run.
	for (let i = 0; i < items.length; i++) {
		try {
			const message = buildMessage.call(this, i, now, node, read);
			const options = read('options', i, {}) as IDataObject;
			const report = applyCostAndTiming(this, node, i, message, options, now);
			const once = readSendOnce(this, options, i);
			pending.push({ itemIndex: i, message, report });
			if (once) sendOnceRequests.push(once);
		} catch (error) {
			if (!this.continueOnFail()) throw itemFailure(node, error, i);
			results.set(i, errorItem(error, i));
		}
	}
	const once = sendOnceRequests.length
		? await SendOnceRun.claim(this, sendOnceRequests, now)
		: undefined;
	const toSend = once ? skipAlreadySent(once, pending, results) : pending;
	const { outcomes, stoppedBy } = await postMessages.call(this, toSend, {
		stopOnFailure: !this.continueOnFail(),
		rerunSkipsAccepted: once !== undefined && toSend.every((p) => once.isClaimed(p.itemIndex)),
	});
	if (once) await settleSendOnce(once, outcomes, stoppedBy);
	if (stoppedBy) throw stoppedBy;
	outcomes.forEach((outcome, n) => {
		results.set(outcome.itemIndex, outcomeItem(outcome, toSend[n].report));
		once?.annotate(results.get(outcome.itemIndex), outcome.itemIndex);
	});
	return items.map((_, i) => results.get(i)!);
}

/** Sets the output of the items Send Once skips, and returns the items still to send. */
function skipAlreadySent(
	once: SendOnceRun,
	pending: Pending[],
	results: Map<number, INodeExecutionData>,
): Pending[] {
	return pending.filter((p) => {
		const skipped = once.skipped.get(p.itemIndex);
		if (!skipped) return true;
		results.set(p.itemIndex, {
			json: { ...skipped, destination: p.message.destination_number },
			pairedItem: { item: p.itemIndex },
		});
		return false;
	});
}

/** Keeps the keys of messages sent or possibly sent, releases the rest, and says so. */
async function settleSendOnce(
	once: SendOnceRun,
	outcomes: SendOutcome[],
	stoppedBy: NodeApiError | NodeOperationError | undefined,
): Promise<void> {
	const byItem = new Map(outcomes.map((o) => [o.itemIndex, keyOutcome(o)]));
	await once.settle((i) => byItem.get(i) ?? 'notSent');
	const keptUnknown = [...byItem].some(([i, kept]) => kept === 'unknown' && once.isClaimed(i));
	if (stoppedBy && keptUnknown) {
		stoppedBy.description = [
			stoppedBy.description,
			'Send Once kept the keys of these messages, so a re-run skips them.',
		]
			.filter(Boolean)
			.join(' ');
	}
}

export const sendMessage: OperationDefinition = { description, run };
