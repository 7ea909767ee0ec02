import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { applyCostAndTiming } from '../../shared/costAndTiming';
import { atItem, errorItem, itemFailure } from '../../shared/itemError';
import { itemParameterReader } from '../../shared/itemParameterReader';
import { buildMessage, type OutboundMessage } from '../../shared/message';
import { messageFields } from '../../shared/descriptions';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiFullResponse } from '../../transport/messageMediaApi';
import {
	describeMessageProblem,
	describeMessageProblems,
	isOutcomeUnknown,
} from '../../transport/errors';

export const MAX_MESSAGES_PER_REQUEST = 100;

const showOnlyForMessageSend = { resource: ['message'], operation: ['send'] };

export const description = messageFields(showOnlyForMessageSend);

interface Pending {
	itemIndex: number;
	message: OutboundMessage;
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

function describeSent(sent: number): string | undefined {
	return sent > 0
		? `${sent} message(s) from earlier batches were already accepted; do not rerun the whole node, or those customers get the message twice.`
		: undefined;
}

/**
 * Sends one batch. A 400 that names messages removes only those, and the rest goes again in one
 * request. Requests are never repeated after an unknown outcome, so no message is sent twice.
 */
async function sendBatch(
	this: IExecuteFunctions,
	batch: Pending[],
	results: Map<number, INodeExecutionData>,
	sentBefore: number,
): Promise<number> {
	let remaining = batch;
	let sent = 0;
	while (remaining.length > 0) {
		let response;
		let failure: unknown;
		try {
			response = await messageMediaApiFullResponse.call(this, {
				method: 'POST',
				path: '/v1/messages',
				body: { messages: remaining.map((p) => p.message) },
				retry: 'send',
				acceptStatus: [400],
				itemIndex: remaining[0].itemIndex,
				note: describeSent(sentBefore + sent),
			});
		} catch (error) {
			failure = error;
		}
		if (response === undefined) {
			// The transport raises only n8n's own error types, with the earlier batches in the description.
			const error = failure as NodeApiError | NodeOperationError;
			if (!this.continueOnFail()) throw error;
			const outcomeUnknown = isOutcomeUnknown(error);
			for (const p of remaining) {
				const item = errorItem(error, p.itemIndex);
				item.json.outcomeUnknown = outcomeUnknown;
				item.json.destination = p.message.destination_number;
				results.set(p.itemIndex, item);
			}
			return sent;
		}

		if (response.problem) {
			const problem = response.problem;
			const reasons = new Map(
				[...problem.messages].map(([position, list]) => [position, describeMessageProblems(list)!]),
			);
			const rejected = remaining.filter((_, position) => reasons.has(position));
			if (rejected.length === 0 || !this.continueOnFail()) {
				const first = rejected[0] ?? remaining[0];
				const position = remaining.indexOf(first);
				const reason = reasons.get(position) ?? problem.message ?? 'invalid request';
				throw new NodeOperationError(
					this.getNode(),
					atItem(`MessageMedia rejected the message: ${reason}`, first.itemIndex),
					{
						itemIndex: first.itemIndex,
						description: [
							`MessageMedia accepts a batch all or nothing, so none of the ${remaining.length} messages in this batch were sent.`,
							problem.details.length ? `Details: ${problem.details.join('; ')}.` : undefined,
							describeSent(sentBefore + sent),
						]
							.filter(Boolean)
							.join(' '),
					},
				);
			}
			for (const p of rejected) {
				const position = remaining.indexOf(p);
				results.set(p.itemIndex, {
					json: {
						error: atItem(
							`MessageMedia rejected the message: ${reasons.get(position)}`,
							p.itemIndex,
						),
						destination: p.message.destination_number,
						details: problem.messages.get(position)!.map(describeMessageProblem),
					},
					pairedItem: { item: p.itemIndex },
				});
			}
			remaining = remaining.filter((_, position) => !reasons.has(position));
			continue;
		}

		const accepted = ((response.body as IDataObject).messages as IDataObject[] | undefined) ?? [];
		remaining.forEach((p, position) => {
			results.set(p.itemIndex, {
				json: sentJson(accepted[position] ?? {}, p.message, p.report),
				pairedItem: { item: p.itemIndex },
			});
		});
		sent += remaining.length;
		remaining = [];
	}
	return sent;
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
	let sent = 0;
	for (let start = 0; start < pending.length; start += MAX_MESSAGES_PER_REQUEST) {
		const batch = pending.slice(start, start + MAX_MESSAGES_PER_REQUEST);
		sent += await sendBatch.call(this, batch, results, sent);
	}
	return items.map((_, i) => results.get(i)!);
}

export const sendMessage: OperationDefinition = { description, run };
