import { bad, stripPlus, type Ctx, type Result, type SandboxState } from './routing';
import { VENDOR_ID, type AccountState, type Json, type StoredMessage } from './store';
import { E164 } from './validate';
import { JavaMap } from './velocity';

/** An inbound message (a reply or an opt-out) the control API was asked to inject. */
export interface Inbound {
	account: AccountState;
	/** The message it answers, if any. */
	original: StoredMessage | undefined;
	/** The handset. */
	source: string;
	/**
	 * The number it was sent to, as the Reply object shows it: MessageMedia leaves it out when the
	 * original message named no sender.
	 */
	destination: string | undefined;
	/** How many times to deliver the same event (`$retryCount` 0, 1, ...). */
	copies: number;
	receivedAt: string;
}

/**
 * Reads the fields replies and opt-outs share: `message_id` (of any account unless `account` is
 * given, so demos work whichever sub-account the credential uses), `source_number` (defaults to
 * the message's destination), `destination_number` (defaults to its sender) and `deliveries`.
 */
export function readInbound(
	s: SandboxState,
	c: Ctx,
	b: Json,
	source: { international: boolean },
): Inbound | Result {
	const found = findOriginal(s, c, b);
	if ('status' in found) return found;
	const m = found.original?.data;
	const src = (b.source_number as string | undefined) ?? m?.destination_number;
	if (source.international) {
		if (typeof src !== 'string' || !E164.test('+' + stripPlus(src))) {
			return bad('source_number must be an international number');
		}
	} else if (typeof src !== 'string') {
		return bad('source_number is required without message_id');
	}
	const copies = readCopies(b.deliveries);
	if (copies === undefined) return bad('deliveries must be an integer from 1 to 20');
	return {
		...found,
		source: src,
		destination:
			(b.destination_number as string | undefined) ?? (m?.source_number as string | undefined),
		copies,
		receivedAt: new Date().toISOString(),
	};
}

/**
 * The template variables replies and opt-outs share. `$destinationAddress` is the number the
 * event arrived on, which MessageMedia fills in even when the original message named no sender:
 * it is the number that message went out from.
 */
export function inboundVars(inb: Inbound, format: string, content: string): Json {
	const m = inb.original?.data;
	const receivedOn = inb.destination ?? inb.original?.sentFrom;
	return {
		format,
		type: format,
		...(m
			? {
					mtId: m.message_id,
					messageId: m.message_id,
					mtContent: m.content,
					messageContent: m.content,
				}
			: {}),
		accountId: inb.account.id,
		vendorId: VENDOR_ID,
		submittedTimestamp: inb.original?.submittedAt ?? inb.receivedAt,
		receivedTimestamp: inb.receivedAt,
		metadata: new JavaMap(m?.metadata as Record<string, string> | undefined),
		sourceAddress: inb.source,
		...(receivedOn ? { destinationAddress: receivedOn } : {}),
		moContent: content,
		replyContent: content,
	};
}

function findOriginal(
	s: SandboxState,
	c: Ctx,
	b: Json,
): Result | { account: AccountState; original: StoredMessage | undefined } {
	if (b.message_id === undefined) return { account: c.account, original: undefined };
	const id = String(b.message_id);
	const hit = c.account.messages.get(id);
	if (hit) return { account: c.account, original: hit };
	if (b.account === undefined) {
		for (const a of s.store.accounts.values()) {
			const m = a.messages.get(id);
			if (m) return { account: a, original: m };
		}
	}
	return { status: 404, body: { message: `Unknown message_id ${id}` } };
}

function readCopies(v: unknown): number | undefined {
	if (v === undefined) return 1;
	return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 20 ? v : undefined;
}
