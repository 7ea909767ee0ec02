/**
 * Property-based fuzzing of the trigger's payload parser and normaliser, and of the whole
 * webhook() handler inside n8n-core's real WebhookContext.
 *
 * CI size: 1,000 runs per property, from one fixed seed. RELIABILITY_FULL=1: 100,000 from a
 * fresh seed. FUZZ_RUNS=<n> sets any other size.
 * Reproduce a failure with FC_SEED=<seed> (printed by fast-check on failure).
 */
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import { resetDedupStores } from '../../nodes/MessageMedia/inbound/dedupStore';
import { normaliseEvent, PayloadError } from '../../nodes/MessageMedia/inbound/normaliseEvent';
import { VERIFICATION_HEADER as SECRET_HEADER } from '../../nodes/MessageMedia/trigger/webhookHeaders';
import { WEBHOOK_TEMPLATE } from '../../nodes/MessageMedia/trigger/webhookTemplate';
import { renderTemplate } from '../../sandbox/velocity';
import { webhookContext } from '../helpers/n8n';
import type { LenientField } from './shape';
import { FAMILY_EVENTS, validateOutput } from './shape';

const FULL = process.env.RELIABILITY_FULL === '1';
const RUNS = Number(process.env.FUZZ_RUNS ?? (FULL ? 100_000 : 1_000));
// CI replays one fixed seed (reproducible); the full run draws a fresh one, printed on failure.
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : FULL ? undefined : 20_261_127;
const params = (numRuns = RUNS): fc.Parameters<unknown> => ({
	numRuns,
	seed: SEED,
	endOnFailure: true,
});
jest.setTimeout(FULL ? 60 * 60_000 : 120_000);

/** Documented-shape gaps found by this suite; strict checks for them are skipped below. */
// F1-F4 were fixed in the normaliser; nothing is lenient any more.
const KNOWN_GAPS: LenientField[] = [];

const SECRET = 'c'.repeat(64);
const WEBHOOK_URL = 'https://n8n.example.com/webhook/hook-uuid/webhook';
const ALL_EVENTS = Object.values(FAMILY_EVENTS).flat();
const trigger = new MessageMediaTrigger();

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const tricky = fc.constantFrom(
	'',
	' ',
	'\t\n',
	'$replyId',
	'$!replyId',
	'${moId}',
	'$esc.json($x)',
	'__proto__',
	'constructor',
	'toString',
	'hasOwnProperty',
	'null',
	'undefined',
	'NaN',
	'Infinity',
	'-1',
	'1.5',
	'1e400',
	'0x10',
	'007',
	'99999999999999',
	'123456789',
	'\u0000',
	'\u2028\u2029',
	'\uD800',
	'👍🏽',
	'مرحبا',
	'e\u0301',
	'delivered',
	'DELIVERED',
	'Enroute',
	'failed',
	'foo',
	'MMS',
	'sms',
	'SMS',
	'YES',
	'stop',
	' No! ',
	'2026-03-01T10:05:00.123Z',
	'2026-03-01 10:05:00',
	'Sun, 01 Mar 2026 10:05:00 GMT',
	'not a date',
	'+61491570156',
	'0491570156',
	'220',
	'411',
	'x'.repeat(5000),
);
const text = fc.oneof(
	{ weight: 3, arbitrary: tricky },
	{ weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
	{ weight: 1, arbitrary: fc.integer().map(String) },
	{ weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
);
const scalar = fc.oneof(
	{ weight: 6, arbitrary: text },
	{ weight: 1, arbitrary: fc.integer() },
	{ weight: 1, arbitrary: fc.double() },
	{ weight: 1, arbitrary: fc.boolean() },
	{ weight: 1, arbitrary: fc.constant(null) },
);
const value: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 8, arbitrary: scalar },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const key = fc.oneof(
	fc.constantFrom('__proto__', 'constructor', 'toString', '', 'a.b', 'metadata', 'appointmentId'),
	fc.string({ maxLength: 12 }),
);

/** A JSON object text with the given entries, so `__proto__` stays an own key as on the wire. */
function objectText(entries: Array<[string, unknown]>): string {
	return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${json(v)}`).join(',')}}`;
}
function json(v: unknown): string {
	if (v && typeof v === 'object' && (v as { __text?: string }).__text !== undefined) {
		return (v as { __text: string }).__text;
	}
	const out = JSON.stringify(v);
	return out === undefined ? 'null' : out;
}
const rawObject = (entries: fc.Arbitrary<Array<[string, unknown]>>) =>
	entries.map((e) => ({ __text: objectText(e) }));

const metadata = fc.oneof(
	{ weight: 4, arbitrary: rawObject(fc.array(fc.tuple(key, value), { maxLength: 6 })) },
	{ weight: 1, arbitrary: value },
);
const attachment = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record(
			{
				content_type: text,
				content: fc.oneof(fc.base64String({ maxLength: 40 }), text),
				original_name: text,
				contentType: text,
				base64: fc.base64String({ maxLength: 40 }),
				originalName: text,
			},
			{ requiredKeys: [] },
		),
	},
	{ weight: 1, arbitrary: value },
);
const ID = fc.oneof(
	{ weight: 3, arbitrary: fc.uuid() },
	{ weight: 2, arbitrary: text },
	{ weight: 1, arbitrary: scalar },
);
const STATUS = fc.oneof(
	fc.constantFrom(
		'enroute',
		'submitted',
		'delivered',
		'expired',
		'rejected',
		'failed',
		'DELIVERED',
	),
	text,
);

/** Payloads shaped like the trigger's template, the Reply object and the DeliveryReport object. */
const eventPayload = fc
	.record(
		{
			reply_id: ID,
			mo_id: ID,
			notification_id: ID,
			delivery_report_id: ID,
			message_id: ID,
			account_id: scalar,
			vendor_id: scalar,
			vendor_account_id: fc.oneof(
				rawObject(fc.array(fc.tuple(fc.constantFrom('account_id', 'vendor_id'), scalar))),
				scalar,
			),
			format: fc.oneof(fc.constantFrom('SMS', 'MMS', ''), text),
			status: STATUS,
			error_code: fc.oneof(fc.constantFrom('220', '411', ''), scalar),
			status_code: scalar,
			source_number: text,
			destination_number: text,
			content: text,
			original_text: text,
			submitted_date: text,
			date_received: text,
			retry_count: fc.oneof(fc.constantFrom('0', '1', '2', '3'), scalar),
			billing_units: scalar,
			metadata,
			attachments: fc.oneof(
				{ weight: 3, arbitrary: fc.array(attachment, { maxLength: 3 }) },
				{ weight: 1, arbitrary: value },
			),
			extra: value,
		},
		{ requiredKeys: [] },
	)
	// Most real deliveries name exactly one family; keep about half that way so the generator
	// reaches deep into normaliseEvent instead of stopping at identify().
	.chain((p) =>
		fc.constantFrom('as is', 'reply', 'opt_out', 'dr').map((shape) => {
			const copy: Record<string, unknown> = { ...p };
			if (shape === 'reply') {
				delete copy.notification_id;
				delete copy.delivery_report_id;
				delete copy.status;
				copy.reply_id = copy.reply_id ?? 'r-1';
			} else if (shape === 'opt_out') {
				delete copy.delivery_report_id;
				delete copy.status;
				delete copy.reply_id;
				copy.notification_id = copy.notification_id ?? 'n-1';
			} else if (shape === 'dr') {
				copy.delivery_report_id = copy.delivery_report_id ?? 'dr-1';
				copy.status = copy.status ?? 'delivered';
			}
			return objectText(Object.entries(copy));
		}),
	);

/** A quote, a backslash or a control character (U+0000–U+001F) anywhere in `s`. */
const needsEscaping = (s: string) => {
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		// U+0000–U+001F (control characters), '"' and '\\'
		if (c <= 0x1f || c === 0x22 || c === 0x5c) return true;
	}
	return false;
};

/**
 * The template renders ids, codes, numbers and times without escaping: MessageMedia fills them
 * with UUIDs, statuses, digits and dates, never a quote, a backslash or a control character.
 */
const plainReference = <T>(values: fc.Arbitrary<T>) =>
	fc.option(
		values.filter((v) => typeof v !== 'string' || !needsEscaping(v)),
		{ nil: undefined },
	);

/** Bodies as the sandbox's real Velocity engine renders the trigger's template. */
const renderedPayload = fc
	.record(
		{
			replyId: plainReference(ID),
			moId: plainReference(ID),
			notificationId: plainReference(ID),
			drId: plainReference(ID),
			messageId: plainReference(ID),
			accountId: fc.option(text, { nil: undefined }),
			format: fc.option(fc.constantFrom('SMS', 'MMS'), { nil: undefined }),
			status: plainReference(STATUS),
			statusCode: plainReference(fc.oneof(fc.integer({ min: 0, max: 999 }), text)),
			sourceAddress: fc.option(text, { nil: undefined }),
			destinationAddress: fc.option(text, { nil: undefined }),
			moContent: fc.option(text, { nil: undefined }),
			mtContent: fc.option(text, { nil: undefined }),
			submittedTimestamp: plainReference(text),
			receivedTimestamp: plainReference(text),
			retryCount: fc.option(fc.nat(5), { nil: undefined }),
			metadata: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 4 }), {
				nil: undefined,
			}),
			attachments: fc.option(
				fc.array(
					fc.record({
						contentType: text,
						base64: fc.base64String({ maxLength: 40 }),
						originalName: text,
					}),
					{ maxLength: 2 },
				),
				{ nil: undefined },
			),
		},
		{ requiredKeys: [] },
	)
	.map((vars) => {
		const defined = Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined));
		return renderTemplate(WEBHOOK_TEMPLATE, defined);
	});

const anyJson = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
const garbage = fc.oneof(
	fc.string({ maxLength: 60 }),
	fc.string({ unit: 'binary', maxLength: 60 }),
	eventPayload.map((t) => t.slice(0, Math.max(0, t.length - 3))),
	fc.constantFrom('', 'null', '[]', '"x"', '1', '{', '{"reply_id":', '\uFEFF{"reply_id":"x"}'),
);
const body = fc.oneof(
	{ weight: 5, arbitrary: eventPayload },
	{ weight: 2, arbitrary: renderedPayload },
	{ weight: 1, arbitrary: anyJson },
	{ weight: 2, arbitrary: garbage },
);

function parseOrUndefined(raw: string): unknown {
	try {
		return JSON.parse(raw);
	} catch {
		return undefined;
	}
}

// ---------------------------------------------------------------------------------------------
// normaliseEvent
// ---------------------------------------------------------------------------------------------

function normaliseProperty(lenient: LenientField[]) {
	return fc.property(fc.oneof(eventPayload, renderedPayload, anyJson), (raw) => {
		const payload = JSON.parse(raw) as IDataObject;
		let result: ReturnType<typeof normaliseEvent>;
		try {
			result = normaliseEvent(payload);
		} catch (error) {
			if (error instanceof PayloadError) return true;
			throw error;
		}
		const problems = validateOutput(result.event, { payload, lenient });
		if (problems.length > 0) {
			throw new Error(`${problems.join('; ')}\n  payload: ${raw.slice(0, 400)}`);
		}
		for (const a of result.attachments) {
			if (typeof a.content !== 'string' || a.content === '') throw new Error('empty attachment');
			if (typeof a.fileName !== 'string' || typeof a.contentType !== 'string') {
				throw new Error('attachment shape');
			}
		}
		// The output is plain JSON data: it survives n8n's serialisation unchanged.
		expect(JSON.parse(JSON.stringify(result.event))).toEqual(result.event);
		return true;
	});
}

describe('normaliseEvent under generated payloads', () => {
	it(`throws nothing but PayloadError, and every output has the documented shape (${RUNS} runs)`, () => {
		fc.assert(normaliseProperty(KNOWN_GAPS), params());
	});

	it('accepts every well-formed event and names it as documented', () => {
		const families = fc.constantFrom(...ALL_EVENTS);
		fc.assert(
			fc.property(families, fc.uuid(), text, fc.nat(5), (eventName, id, content, retry) => {
				const status = eventName.endsWith('_DR') ? eventName.slice(0, -3).toLowerCase() : '';
				const vars: Record<string, unknown> = {
					messageId: 'm-1',
					format: eventName === 'RECEIVED_MMS' ? 'MMS' : 'SMS',
					moContent: content,
					retryCount: retry,
					sourceAddress: '+61491570156',
					receivedTimestamp: '2026-03-01T10:05:00.123Z',
				};
				if (eventName.startsWith('RECEIVED')) vars.replyId = id;
				else if (eventName === 'OPT_OUT_SMS') vars.notificationId = id;
				else Object.assign(vars, { drId: id, status, statusCode: 220 });
				const { event } = normaliseEvent(
					JSON.parse(renderTemplate(WEBHOOK_TEMPLATE, vars)) as IDataObject,
				);
				expect(event.eventName).toBe(eventName);
				expect(event.id).toBe(id.trim());
				expect(validateOutput(event, { knownEventsOnly: true })).toEqual([]);
			}),
			params(Math.min(RUNS, 2_000)),
		);
	});

	// Strict checks of fields whose documented shape hostile input used to break (README "Findings").
	it('F1: receivedAt/submittedAt are always ISO-8601 UTC or empty', () => {
		fc.assert(normaliseProperty(KNOWN_GAPS.filter((g) => g !== 'timestamps')), params());
	});
	it('F2: retryCount and statusCode are always non-negative safe integers', () => {
		fc.assert(normaliseProperty(KNOWN_GAPS.filter((g) => g !== 'numbers')), params());
	});
	it('F3: format is always SMS or MMS (or TTS or empty for a report)', () => {
		fc.assert(normaliseProperty(KNOWN_GAPS.filter((g) => g !== 'format')), params());
	});
	it('F4: no metadata key is lost (e.g. "__proto__")', () => {
		fc.assert(normaliseProperty(KNOWN_GAPS.filter((g) => g !== 'metadataKeys')), params());
	});
});

// ---------------------------------------------------------------------------------------------
// webhook() in n8n-core's WebhookContext
// ---------------------------------------------------------------------------------------------

const headerCase = fc.constantFrom(
	'right',
	'right',
	'right',
	'right',
	'right',
	'right',
	'wrong',
	'missing',
	'truncated',
	'padded',
	'case',
);
const nodeOptions = fc.record(
	{
		attachmentsAsBinary: fc.boolean(),
		dedupWindowHours: fc.constantFrom(0, 24),
	},
	{ requiredKeys: [] },
);

function secretFor(kind: string): Record<string, string> {
	switch (kind) {
		case 'right':
			return { [SECRET_HEADER]: SECRET };
		case 'wrong':
			return { [SECRET_HEADER]: 'd'.repeat(64) };
		case 'truncated':
			return { [SECRET_HEADER]: SECRET.slice(0, 63) };
		case 'padded':
			return { [SECRET_HEADER]: `${SECRET} ` };
		case 'case':
			return { [SECRET_HEADER]: SECRET.toUpperCase() };
		default:
			return {};
	}
}

describe('webhook() under generated requests', () => {
	beforeEach(() => resetDedupStores());

	it(`never throws; answers 401/400 or emits one valid item (${RUNS} runs)`, async () => {
		const stats = { executions: 0, unauthorized: 0, badRequest: 0, dropped: 0 };
		await fc.assert(
			fc.asyncProperty(body, headerCase, nodeOptions, async (raw, secretKind, options) => {
				resetDedupStores();
				const built = webhookContext({
					parameters: { events: ALL_EVENTS, options },
					staticData: { webhookSecret: SECRET, webhookUrl: WEBHOOK_URL },
					request: { body: raw, headers: secretFor(secretKind) },
				});
				const result = await trigger.webhook.call(built.context);
				const { res } = built;
				if (secretKind !== 'right') {
					expect(result).toEqual({ noWebhookResponse: true });
					expect(res.statusCode).toBe(401);
					stats.unauthorized++;
					return;
				}
				const payload = parseOrUndefined(raw);
				let expected: 'emit' | 'reject' = 'reject';
				try {
					const { event } = normaliseEvent(payload as IDataObject);
					if (ALL_EVENTS.includes(event.eventName)) expected = 'emit';
				} catch (error) {
					if (!(error instanceof PayloadError) && payload !== undefined) throw error;
				}
				if (result.noWebhookResponse) {
					expect(res.ended).toBe(true);
					expect(res.statusCode).toBe(400);
					expect(expected).toBe('reject');
					stats.badRequest++;
					return;
				}
				expect(res.ended).toBe(false);
				const items = (result.workflowData?.[0] ?? []) as INodeExecutionData[];
				if (items.length === 0) {
					// Only an event nobody can select (a delivery report with an unknown status).
					expect(result).toEqual({});
					expect(expected).toBe('reject');
					stats.dropped++;
					return;
				}
				expect(expected).toBe('emit');
				expect(result.workflowData).toHaveLength(1);
				expect(items).toHaveLength(1);
				const problems = validateOutput(items[0].json, {
					payload,
					lenient: KNOWN_GAPS,
					knownEventsOnly: true,
				});
				if (problems.length) throw new Error(`${problems.join('; ')}\n${raw.slice(0, 400)}`);
				const listed = (items[0].json.attachments ?? []) as IDataObject[];
				if (options.attachmentsAsBinary !== false && listed.length > 0) {
					expect(Object.keys(items[0].binary ?? {}).sort()).toEqual(
						listed.map((a) => a.binaryProperty).sort(),
					);
				} else {
					expect(items[0].binary).toBeUndefined();
				}
				stats.executions++;
			}),
			params(),
		);
		// The generator must actually reach every outcome, or the property proves little.
		expect(stats.executions).toBeGreaterThan(RUNS / 10);
		expect(stats.unauthorized).toBeGreaterThan(RUNS / 20);
		expect(stats.badRequest).toBeGreaterThan(RUNS / 20);
	});

	it('a retried event (same id) starts one execution within the dedup window', async () => {
		await fc.assert(
			fc.asyncProperty(eventPayload, fc.integer({ min: 2, max: 4 }), async (raw, copies) => {
				resetDedupStores();
				let executions = 0;
				let firstOutcome: string | undefined;
				for (let i = 0; i < copies; i++) {
					const built = webhookContext({
						parameters: { events: ALL_EVENTS, options: {} },
						staticData: { webhookSecret: SECRET, webhookUrl: WEBHOOK_URL },
						request: { body: raw, headers: { [SECRET_HEADER]: SECRET } },
					});
					const result = await trigger.webhook.call(built.context);
					const outcome = result.noWebhookResponse
						? `status ${built.res.statusCode}`
						: result.workflowData
							? 'emit'
							: 'drop';
					if (outcome === 'emit') executions++;
					if (i === 0) firstOutcome = outcome;
					else if (firstOutcome !== 'emit') expect(outcome).toBe(firstOutcome);
				}
				expect(executions).toBe(firstOutcome === 'emit' ? 1 : 0);
			}),
			params(Math.min(RUNS, 2_000)),
		);
	});
});

// ---------------------------------------------------------------------------------------------
// Deep nesting (a body of a few tens of kB): JSON.parse copes with any depth, JSON.stringify
// overflows the stack at a few thousand levels.
// ---------------------------------------------------------------------------------------------

const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('deeply nested payloads', () => {
	const DEPTHS = [10, 1_000, 20_000];

	it.each(DEPTHS)('an unknown field nested %i deep: one valid item, or a 400', async (levels) => {
		const raw = `{"reply_id":"deep-1","content":"yes","extra":${deep(levels)}}`;
		const built = webhookContext({
			parameters: { events: ALL_EVENTS, options: {} },
			staticData: { webhookSecret: SECRET, webhookUrl: WEBHOOK_URL },
			request: { body: raw, headers: { [SECRET_HEADER]: SECRET } },
		});
		resetDedupStores();
		const result = await trigger.webhook.call(built.context);
		if (result.noWebhookResponse) expect(built.res.statusCode).toBe(400);
		else {
			const [item] = result.workflowData![0];
			expect(validateOutput(item.json, { lenient: KNOWN_GAPS, knownEventsOnly: true })).toEqual([]);
		}
	});

	function normaliseDeepMetadata(levels: number) {
		const raw = `{"reply_id":"deep-2","content":"yes","metadata":{"k":${deep(levels)}}}`;
		let thrown: unknown;
		try {
			normaliseEvent(JSON.parse(raw) as IDataObject);
		} catch (error) {
			thrown = error;
		}
		if (thrown !== undefined) expect(thrown).toBeInstanceOf(PayloadError);
	}

	it.each([10, 1_000])('a metadata value nested %i deep: no throw escapes', (levels) =>
		normaliseDeepMetadata(levels),
	);

	// F5 (README "Findings"): too-deep metadata used to escape as a RangeError (n8n answered 500).
	it('F5: a metadata value nested 20,000 deep: no throw escapes', () =>
		normaliseDeepMetadata(20_000));
});
