import { randomUUID } from 'crypto';
import {
	compile,
	invalid,
	NOT_FOUND,
	stripPlus,
	type Ctx,
	type Result,
	type Route,
	type SandboxState,
} from '../routing';
import {
	RESERVED_NUMBERS,
	VENDOR_ID,
	type AccountState,
	type Json,
	type StoredMessage,
} from '../store';
import { isPlainObject, validateMessage } from '../validate';
import { JavaMap } from '../velocity';

/** Used when an account has no international sender address of its own. */
const FALLBACK_SENDER = '+61491570200';

/**
 * The number an unsourced message goes out from: MessageMedia uses the account's default number,
 * and a reply to the message then arrives on it.
 */
function defaultSender(account: AccountState): string {
	return (
		account.senderAddresses.find((a) => a.sender_address_type === 'INTERNATIONAL')
			?.sender_address ?? FALLBACK_SENDER
	);
}

/** Sending, status, cancel and credits; each accepted message then walks its delivery reports. */
export function messageRoutes(s: SandboxState): Route[] {
	return [
		compile('POST', '/v1/messages', (c) => sendMessages(s, c)),
		compile('GET', '/v1/messages/:id', (c) => {
			const m = c.account.messages.get(c.params.id);
			return m ? { status: 200, body: m.data } : NOT_FOUND;
		}),
		compile('PUT', '/v1/messages/:id', (c) => cancelMessage(c)),
		compile('GET', '/v1/messaging/credits', () => ({
			status: 200,
			body: {
				credits: 1000,
				expiry_date: new Date(Date.now() + 365 * 86_400_000).toISOString(),
			},
		})),
	];
}

function sendMessages(s: SandboxState, c: Ctx): Result {
	const b = c.body;
	if (!isPlainObject(b)) return invalid(['/messages: is required']);
	const details: string[] = [];
	for (const k of Object.keys(b)) {
		if (k !== 'messages') details.push(`/${k}: is not a permitted field`);
	}
	const list = b.messages;
	if (!Array.isArray(list)) details.push('/messages: is required and must be an array');
	else if (list.length < 1) details.push('/messages: must contain at least 1 message');
	else if (list.length > 100) details.push('/messages: must contain at most 100 messages');
	else list.forEach((m, i) => validateMessage(m, i, details));
	if (details.length > 0) return invalid(details);

	const now = Date.now();
	const submittedAt = new Date(now).toISOString();
	const out = (list as Json[]).map((m) => {
		const scheduledAt = m.scheduled !== undefined ? Date.parse(m.scheduled as string) : NaN;
		const isScheduled = scheduledAt > now;
		const data = {
			...m,
			format: m.format ?? 'SMS',
			delivery_report: m.delivery_report ?? false,
			message_id: randomUUID(),
			status: 'queued',
		} as unknown as StoredMessage['data'];
		// The spec answers every accepted message `queued`; a status read afterwards shows where it
		// went, so a scheduled one reads `scheduled` (and can be cancelled) until its time.
		const answer = { ...data };
		if (isScheduled) data.status = 'scheduled';
		const sm: StoredMessage = {
			data,
			account: c.account.id,
			submittedAt,
			sentFrom: typeof m.source_number === 'string' ? m.source_number : defaultSender(c.account),
		};
		c.account.messages.set(data.message_id, sm);
		s.store.messagesAccepted++;
		s.store.uniqueContents.add(data.content);
		if (isScheduled) {
			s.scheduler.at(scheduledAt, () => {
				if (sm.data.status !== 'scheduled') return;
				sm.data.status = 'queued';
				startWalk(s, c.account, sm);
			});
		} else {
			startWalk(s, c.account, sm);
		}
		return answer;
	});
	return { status: 202, body: { messages: out } };
}

function cancelMessage(c: Ctx): Result {
	const m = c.account.messages.get(c.params.id);
	if (!m) return NOT_FOUND;
	if (!isPlainObject(c.body) || c.body.status !== 'cancelled') {
		return invalid(['/status: must be "cancelled"']);
	}
	if (m.data.status !== 'scheduled') {
		return {
			status: 400,
			body: {
				message: 'Only scheduled messages can be cancelled',
				details: [`/status: message is ${m.data.status}, not scheduled`],
			},
		};
	}
	m.data.status = 'cancelled';
	return { status: 200 };
}

function startWalk(s: SandboxState, account: AccountState, sm: StoredMessage): void {
	const dest = sm.data.destination_number;
	let final: [string, number] = ['delivered', 220];
	if (dest === RESERVED_NUMBERS.failed) final = ['failed', 400];
	else if (dest === RESERVED_NUMBERS.expired) final = ['expired', 401];
	else if (dest === RESERVED_NUMBERS.undeliverable) final = ['undeliverable', 400];
	if (dest === RESERVED_NUMBERS.rejected || account.blacklist.has(stripPlus(dest))) {
		final = ['rejected', 302];
	}
	const steps: Array<[string, number]> =
		final[0] === 'rejected'
			? [['enroute', 101], final]
			: [['enroute', 101], ['submitted', 200], final];
	const step = (i: number) => {
		if (sm.data.status === 'cancelled') return;
		let [status, code] = steps[i];
		const expiry = sm.data.message_expiry_timestamp;
		if (status === 'delivered' && typeof expiry === 'string' && Date.parse(expiry) < Date.now()) {
			[status, code] = ['expired', 401];
		}
		sm.data.status = status;
		emitDr(s, account, sm, status, code);
		if (i + 1 < steps.length) s.scheduler.at(Date.now() + s.config.drIntervalMs, () => step(i + 1));
	};
	s.scheduler.at(Date.now() + s.config.drIntervalMs, () => step(0));
}

function emitDr(
	s: SandboxState,
	account: AccountState,
	sm: StoredMessage,
	status: string,
	code: number,
): void {
	const m = sm.data;
	const now = new Date().toISOString();
	const wanted = m.delivery_report === true;
	const dr = {
		...(m.callback_url ? { callback_url: m.callback_url } : {}),
		delivery_report_id: randomUUID(),
		source_number: m.destination_number,
		date_received: now,
		status,
		delay: 0,
		billing_units: 1,
		submitted_date: now,
		original_text: m.content,
		message_id: m.message_id,
		vendor_account_id: { vendor_id: VENDOR_ID, account_id: account.id },
		...(m.metadata ? { metadata: m.metadata } : {}),
	};
	if (s.config.drRequiresDeliveryReport && !wanted) return;
	account.unconfirmedDrs.set(dr.delivery_report_id, dr);
	// MessageMedia has no event of its own for `undeliverable`: it is a failed delivery.
	const event = status === 'undeliverable' ? 'FAILED_DR' : `${status.toUpperCase()}_DR`;
	if (wanted && typeof m.callback_url === 'string') {
		s.dispatcher.callback(account, m.callback_url, { ...dr, error_code: String(code) }, event);
	}
	s.dispatcher.emit(account, event, {
		format: m.format,
		type: m.format,
		mtId: m.message_id,
		messageId: m.message_id,
		drId: dr.delivery_report_id,
		reportId: dr.delivery_report_id,
		accountId: account.id,
		vendorId: VENDOR_ID,
		submittedTimestamp: sm.submittedAt,
		receivedTimestamp: now,
		status,
		statusCode: code,
		metadata: new JavaMap(m.metadata as Record<string, string> | undefined),
		sourceAddress: m.destination_number,
		mtContent: m.content,
		messageContent: m.content,
		billingUnits: 1,
	});
}
