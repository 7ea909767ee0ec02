import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { atItem } from '../../shared/itemError';
import type { OutboundMessage } from '../../shared/message';
import { messageMediaApiFullResponse } from '../../transport/messageMediaApi';
import {
	describeMessageProblem,
	describeMessageProblems,
	isOutcomeUnknown,
	type MessageMediaProblem,
} from '../../transport/errors';

export const MAX_MESSAGES_PER_REQUEST = 100;

/** One validated message waiting to go out, with the input item it came from. */
export interface PendingMessage {
	itemIndex: number;
	message: OutboundMessage;
}

/**
 * What became of one message. `skipped` messages were never offered to MessageMedia, because an
 * earlier failure stopped the run or their batch went back unsent (MessageMedia accepts a batch
 * all or nothing).
 */
export type SendOutcome =
	| { status: 'accepted'; itemIndex: number; message: OutboundMessage; accepted: IDataObject }
	| {
			status: 'rejected';
			itemIndex: number;
			message: OutboundMessage;
			error: NodeOperationError;
			/** Each problem MessageMedia named for this message, as the user reads it. */
			details: string[];
	  }
	| {
			status: 'failed';
			itemIndex: number;
			message: OutboundMessage;
			error: NodeApiError | NodeOperationError;
			outcomeUnknown: boolean;
	  }
	| { status: 'skipped'; itemIndex: number; message: OutboundMessage };

export interface SendResult {
	/** One outcome per pending message, in the order given. */
	outcomes: SendOutcome[];
	/** The error that ended the run early; the caller throws it once it has settled the outcomes. */
	stoppedBy?: NodeApiError | NodeOperationError;
}

export interface SendSettings {
	/** Stop at the first failure (Continue On Fail is off) rather than send everything else. */
	stopOnFailure: boolean;
	/** Every message has a Send Once key, so re-running the node skips those already accepted. */
	rerunSkipsAccepted?: boolean;
}

/** For an error's description: what the run's earlier batches came to, and whether to re-run. */
function describeSent(sent: number, settings: SendSettings): string | undefined {
	if (sent === 0) return undefined;
	const accepted = `${sent} message(s) from earlier batches were already accepted`;
	return settings.rerunSkipsAccepted
		? `${accepted}; Send Once kept their keys, so re-running the node skips them.`
		: `${accepted}; do not rerun the whole node, or those customers get the message twice.`;
}

/** How a rejected message reads, from Send and from Send and Wait alike. */
export function rejectionError(
	node: INode,
	reason: string,
	itemIndex: number,
	context: { batchSize: number; details: string[]; earlierBatches: string | undefined },
): NodeOperationError {
	return new NodeOperationError(
		node,
		atItem(`MessageMedia rejected the message: ${reason}`, itemIndex),
		{
			itemIndex,
			description: [
				context.batchSize > 1
					? `MessageMedia accepts a batch all or nothing, so none of the ${context.batchSize} messages in this batch were sent.`
					: 'The message was not sent.',
				context.details.length ? `Details: ${context.details.join('; ')}.` : undefined,
				context.earlierBatches,
			]
				.filter(Boolean)
				.join(' '),
		},
	);
}

const about = ({ itemIndex, message }: PendingMessage) => ({ itemIndex, message });

class Run {
	readonly outcomes = new Map<PendingMessage, SendOutcome>();
	stoppedBy?: NodeApiError | NodeOperationError;
	sent = 0;

	constructor(readonly settings: SendSettings) {}

	settle(outcome: SendOutcome, pending: PendingMessage): void {
		this.outcomes.set(pending, outcome);
		if (outcome.status === 'accepted') this.sent++;
	}
}

async function postOnce(this: IExecuteFunctions, run: Run, batch: PendingMessage[]) {
	try {
		return await messageMediaApiFullResponse.call(this, {
			method: 'POST',
			path: '/v1/messages',
			body: { messages: batch.map((p) => p.message) },
			retry: 'send',
			acceptStatus: [400],
			itemIndex: batch[0].itemIndex,
			note: describeSent(run.sent, run.settings),
		});
	} catch (error) {
		// The transport raises only n8n's own error types, with the earlier batches in the description.
		return error as NodeApiError | NodeOperationError;
	}
}

/** Settles the messages a 400 named; answers whether the rest of the batch may go again. */
function settleRejected(
	this: IExecuteFunctions,
	run: Run,
	remaining: PendingMessage[],
	problem: MessageMediaProblem,
): boolean {
	const node = this.getNode();
	const named = remaining.filter((_, position) => problem.messages.has(position));
	const rejectionOf = (p: PendingMessage) => {
		const problems = problem.messages.get(remaining.indexOf(p));
		const reason = describeMessageProblems(problems) ?? problem.message ?? 'invalid request';
		return rejectionError(node, reason, p.itemIndex, {
			batchSize: remaining.length,
			details: problem.details,
			earlierBatches: describeSent(run.sent, run.settings),
		});
	};
	// A 400 that names no message cannot be pinned on one item, so it ends the run whatever the setting.
	if (named.length === 0 || run.settings.stopOnFailure) {
		run.stoppedBy = rejectionOf(named[0] ?? remaining[0]);
		return false;
	}
	for (const p of named) {
		const problems = problem.messages.get(remaining.indexOf(p))!;
		run.settle(
			{
				status: 'rejected',
				...about(p),
				error: rejectionOf(p),
				details: problems.map(describeMessageProblem),
			},
			p,
		);
	}
	return true;
}

/**
 * Sends one batch. A 400 that names messages removes only those, and the rest goes again in one
 * request. Requests are never repeated after an unknown outcome, so no message is sent twice.
 */
async function sendBatch(this: IExecuteFunctions, run: Run, batch: PendingMessage[]) {
	let remaining = batch;
	while (remaining.length > 0 && !run.stoppedBy) {
		const response = await postOnce.call(this, run, remaining);
		if (response instanceof NodeApiError || response instanceof NodeOperationError) {
			// These messages were offered, so they failed even when the failure stops the run: an
			// unknown outcome must not read as never sent.
			const outcomeUnknown = isOutcomeUnknown(response);
			for (const p of remaining) {
				run.settle({ status: 'failed', ...about(p), error: response, outcomeUnknown }, p);
			}
			if (run.settings.stopOnFailure) run.stoppedBy = response;
			return;
		}
		if (response.problem) {
			if (!settleRejected.call(this, run, remaining, response.problem)) return;
			remaining = remaining.filter((p) => !run.outcomes.has(p));
			continue;
		}
		const accepted = ((response.body as IDataObject).messages as IDataObject[] | undefined) ?? [];
		remaining.forEach((p, position) =>
			run.settle({ status: 'accepted', ...about(p), accepted: accepted[position] ?? {} }, p),
		);
		remaining = [];
	}
}

/**
 * The one path by which messages go out, for every operation that sends: batches of up to 100,
 * each answered per message. It never throws: every message gets an outcome, so a caller can
 * claim its items before and settle them after, then throw `stoppedBy` if the run ended early.
 */
export async function postMessages(
	this: IExecuteFunctions,
	pending: PendingMessage[],
	settings: SendSettings,
): Promise<SendResult> {
	const run = new Run(settings);
	for (let start = 0; start < pending.length && !run.stoppedBy; start += MAX_MESSAGES_PER_REQUEST) {
		await sendBatch.call(this, run, pending.slice(start, start + MAX_MESSAGES_PER_REQUEST));
	}
	const outcomes = pending.map(
		(p): SendOutcome => run.outcomes.get(p) ?? { status: 'skipped', ...about(p) },
	);
	return { outcomes, stoppedBy: run.stoppedBy };
}
