import { randomUUID } from 'crypto';
import type { Faults } from '../faults';
import type { ScriptedModel } from '../scriptedModel';
import { inboundVars, readInbound } from '../inbound';
import {
	bad,
	compile,
	stripPlus,
	type Ctx,
	type Result,
	type Route,
	type SandboxConfig,
	type SandboxState,
} from '../routing';
import { VENDOR_ID, type Json, type Reply } from '../store';
import { isPlainObject } from '../validate';
import { webhookView } from './webhookManagement';

/** What the control API may change on top of the shared state. */
export interface ControlledSandbox extends SandboxState {
	config: SandboxConfig;
	readonly defaults: SandboxConfig;
	readonly faults: Faults;
	readonly model: ScriptedModel;
	/** Back to the start-up state: data, counters, pending deliveries, faults and config. */
	reset(): void;
}

/** The control API under /_sandbox/: injection, configuration, faults and inspection. No auth. */
export function controlRoutes(s: ControlledSandbox): Route[] {
	return [
		compile('POST', '/_sandbox/replies', (c) => injectReply(s, c)),
		compile('POST', '/_sandbox/opt-outs', (c) => injectOptOut(s, c)),
		compile('GET', '/_sandbox/config', () => ({ status: 200, body: s.config })),
		compile('POST', '/_sandbox/config', (c) => setConfig(s, c)),
		compile('GET', '/_sandbox/faults', () => ({ status: 200, body: s.faults.config })),
		compile('POST', '/_sandbox/faults', (c) => s.faults.set(c.body)),
		compile('DELETE', '/_sandbox/faults', () => {
			s.faults.clear();
			return { status: 200, body: s.faults.config };
		}),
		compile('GET', '/_sandbox/model/requests', () => ({
			status: 200,
			body: { requests: s.model.requests },
		})),
		compile('GET', '/_sandbox/counters', () => ({ status: 200, body: counters(s) })),
		compile('GET', '/_sandbox/webhook-deliveries', (c) => {
			const limit = Number(c.query.get('limit') ?? '100');
			let entries = s.store.recentLog(Number.isFinite(limit) && limit > 0 ? limit : 100);
			const kind = c.query.get('kind');
			if (kind) entries = entries.filter((e) => e.kind === kind);
			return { status: 200, body: { deliveries: entries } };
		}),
		compile('GET', '/_sandbox/messages', () => {
			const messages: Json[] = [];
			for (const a of s.store.accounts.values()) {
				for (const m of a.messages.values()) {
					messages.push({ ...m.data, account_id: a.id, sent_from: m.sentFrom });
				}
			}
			return { status: 200, body: { count: messages.length, messages } };
		}),
		compile('GET', '/_sandbox/webhooks', () => {
			const webhooks: Json[] = [];
			for (const a of s.store.accounts.values()) {
				for (const w of a.webhooks.values()) webhooks.push({ ...webhookView(w), account_id: a.id });
			}
			return { status: 200, body: { webhooks } };
		}),
		compile('POST', '/_sandbox/reset', () => {
			s.reset();
			return { status: 200, body: { ok: true } };
		}),
		compile('GET', '/_sandbox/health', () => ({ status: 200, body: { ok: true } })),
	];
}

function counters(s: SandboxState): Json {
	const st = s.store;
	return {
		requests: st.requests,
		responses: st.responses,
		messagesAccepted: st.messagesAccepted,
		uniqueContents: st.uniqueContents.size,
		webhookDeliveries: st.webhookStats,
		callbackDeliveries: st.callbackStats,
		pendingJobs: s.scheduler.size,
	};
}

function setConfig(s: ControlledSandbox, c: Ctx): Result {
	if (!isPlainObject(c.body)) return bad('Body must be a JSON object.');
	const defaults = s.defaults as unknown as Record<string, unknown>;
	const next = { ...s.config } as unknown as Record<string, unknown>;
	for (const [k, v] of Object.entries(c.body)) {
		if (k === 'account') continue;
		if (!(k in defaults)) return bad(`Unknown config key: ${k}`);
		const expected = typeof defaults[k];
		if (typeof v !== expected || (typeof v === 'number' && (!Number.isFinite(v) || v < 0))) {
			return bad(`${k} must be a ${expected === 'number' ? 'non-negative number' : expected}`);
		}
		next[k] = v;
	}
	s.config = next as unknown as SandboxConfig;
	return { status: 200, body: s.config };
}

function injectReply(s: SandboxState, c: Ctx): Result {
	const b = isPlainObject(c.body) ? c.body : {};
	if (typeof b.content !== 'string' || b.content.length === 0) return bad('content is required');
	const inb = readInbound(s, c, b, { international: false });
	if ('status' in inb) return inb;
	const m = inb.original?.data;
	const attachments = Array.isArray(b.attachments) ? (b.attachments as Json[]) : undefined;
	const format = b.format === 'MMS' || b.format === 'SMS' ? b.format : attachments ? 'MMS' : 'SMS';

	const reply: Reply = {
		reply_id: randomUUID(),
		...(m ? { message_id: m.message_id } : {}),
		content: b.content,
		source_number: inb.source,
		...(inb.destination ? { destination_number: inb.destination } : {}),
		date_received: inb.receivedAt,
		...(m?.callback_url ? { callback_url: m.callback_url } : {}),
		...(m?.metadata ? { metadata: m.metadata } : {}),
		vendor_account_id: { vendor_id: VENDOR_ID, account_id: inb.account.id },
	};
	inb.account.unconfirmedReplies.set(reply.reply_id, reply);
	const event = format === 'MMS' ? 'RECEIVED_MMS' : 'RECEIVED_SMS';
	if (typeof m?.callback_url === 'string') {
		s.dispatcher.callback(inb.account, m.callback_url, reply, event, inb.copies);
	}
	s.dispatcher.emit(
		inb.account,
		event,
		{
			...inboundVars(inb, format, b.content),
			moId: reply.reply_id,
			replyId: reply.reply_id,
			...(format === 'MMS' ? { attachments: attachments ?? [] } : {}),
		},
		inb.copies,
	);
	return { status: 201, body: reply };
}

function injectOptOut(s: SandboxState, c: Ctx): Result {
	const b = isPlainObject(c.body) ? c.body : {};
	const inb = readInbound(s, c, b, { international: true });
	if ('status' in inb) return inb;
	const m = inb.original?.data;
	const content = typeof b.content === 'string' ? b.content : 'STOP';
	const notificationId = randomUUID();
	inb.account.blacklist.add(stripPlus(inb.source));
	s.dispatcher.emit(
		inb.account,
		'OPT_OUT_SMS',
		{ ...inboundVars(inb, 'SMS', content), notificationId },
		inb.copies,
	);
	return {
		status: 201,
		body: {
			notification_id: notificationId,
			source_number: inb.source,
			...(inb.destination ? { destination_number: inb.destination } : {}),
			...(m ? { message_id: m.message_id } : {}),
			content,
			date_received: inb.receivedAt,
			account_id: inb.account.id,
		},
	};
}
