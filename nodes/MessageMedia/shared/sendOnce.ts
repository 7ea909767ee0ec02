/**
 * Send Once: an item whose key was already sent is not sent again, across executions, restarts
 * and queue-mode workers.
 *
 * The keys live in n8n's own processed-data store, the one behind the Remove Duplicates node,
 * reached through the deduplication helpers of IExecuteFunctions. What this code relies on, read
 * in n8n 2.41.1 (`n8n/dist/deduplication/deduplication-helper.js`, `@n8n/db` ProcessedData) and
 * identical in 1.123.81:
 * - One database row per workflow and scope (`node` scope: keyed by the node's id) holds every
 *   entry as the md5 of its string, in insertion order; `maxEntries` drops the oldest first.
 * - `checkProcessedAndRecord` reads the row, answers which strings were already in it, appends
 *   the new ones and writes the row back. Strings repeated within one call all count as new.
 *   No transaction or lock surrounds the read and the write: two calls at the same moment can
 *   both see a string as new, and the later write drops what the earlier one added. The very
 *   first write is an insert, so the second of two first writes fails on the primary key.
 * - `removeProcessed` removes entries the same way (read, splice, write).
 * - Entries never expire, and only hashes are kept, so nothing can be read back from them.
 *
 * Time is therefore encoded in the strings: a key is stored once per time bucket of its window
 * (see `bucketPlan`), and a send records the key in the current bucket and the few before it,
 * so a later check of its own buckets finds the newest one that holds the key. The check records
 * what it asks about, so a key found in an older bucket also lands in the newer ones; those are
 * removed again when the run settles, or the key would be remembered from the skip instead of
 * from the send.
 *
 * Claim, send, settle: every key of the run is claimed in one call before the first request,
 * kept when MessageMedia accepted the message or the outcome is unknown, and released when the
 * message was certainly not sent. Settling writes the kept keys once more, which restores any
 * that a concurrent execution's write dropped. See docs/send-once.md.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	NodeExecutionHint,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { SendOutcome } from '../resources/message/postMessages';
import { atItem } from './itemError';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bucket sizes, aligned to UTC, so that editing Remember For within a size keeps the keys. */
// Neighbours differ by at most 2.5 times, which bounds how much longer than asked a key is kept.
const BUCKET_SIZES = [
	MINUTE,
	2 * MINUTE,
	5 * MINUTE,
	10 * MINUTE,
	15 * MINUTE,
	30 * MINUTE,
	HOUR,
	2 * HOUR,
	3 * HOUR,
	6 * HOUR,
	12 * HOUR,
	DAY,
	2 * DAY,
	4 * DAY,
	7 * DAY,
	14 * DAY,
	30 * DAY,
];

/** A window spans at most this many buckets before the current one. */
const BUCKETS_PER_WINDOW = 5;

/**
 * The most entries kept per node. Each send stores a handful (one per bucket), and every claim
 * reads and writes the whole row, so this bounds both the keys remembered and the cost per run.
 */
export const MAX_ENTRIES = 100_000;

export const DEFAULT_REMEMBER_DAYS = 3;

const UNIT_MS: Record<string, number> = { minutes: MINUTE, hours: HOUR, days: DAY };

const SCOPE = 'node';
const STORE_OPTIONS = { mode: 'entries' as const, maxEntries: MAX_ENTRIES };

export const sendOnceOption: INodeProperties = {
	displayName: 'Send Once',
	name: 'sendOnce',
	type: 'fixedCollection',
	placeholder: 'Add Send Once',
	default: {},
	description:
		'Skip an item whose key was already sent from this node, even in another execution. Keys are kept per workflow and node: a copied or re-created node starts empty.',
	options: [
		{
			displayName: 'Send Once',
			name: 'settings',
			values: [
				{
					displayName: 'Key Fields',
					name: 'keyFields',
					type: 'string',
					default: '',
					placeholder: 'e.g. appointmentId',
					requiresDataPath: 'multiple',
					description:
						'Item fields that identify the message, comma-separated, read straight from each item (much faster than an expression). An item with one of them empty is always sent.',
				},
				{
					displayName: 'Key',
					name: 'key',
					type: 'string',
					default: '',
					placeholder: 'e.g. reminder',
					description:
						'Added after the key fields, e.g. the kind of message; alone, the whole key. An item whose key is empty is always sent.',
				},
				{
					displayName: 'Remember For',
					name: 'rememberFor',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: DEFAULT_REMEMBER_DAYS,
					description:
						'How long after a send the key blocks another send: at least this long, at most twice as long',
				},
				{
					displayName: 'Unit',
					name: 'unit',
					type: 'options',
					options: [
						{ name: 'Days', value: 'days' },
						{ name: 'Hours', value: 'hours' },
						{ name: 'Minutes', value: 'minutes' },
					],
					default: 'days',
				},
			],
		},
	],
};

/** One item's Send Once request: its key and how long the key is remembered. */
export interface SendOnceRequest {
	itemIndex: number;
	key: string;
	rememberMs: number;
}

/**
 * The item's Send Once request from its evaluated Options, or undefined when the option is off
 * or the key is empty (the item is then sent as without Send Once). The key is the values of the
 * Key Fields, then the Key, joined by `-`: fields `appointmentId` and Key `reminder` give the
 * key that `{{ $json.appointmentId }}-reminder` gives.
 */
export function readSendOnce(
	ctx: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
): SendOnceRequest | undefined {
	const settings = (options.sendOnce as IDataObject | undefined)?.settings as
		IDataObject | undefined;
	if (!settings) return undefined;
	const fields = keyFieldValues(ctx, settings.keyFields, itemIndex);
	if (fields.includes('')) return undefined;
	const key = [...fields, keyText(settings.key)].filter((part) => part !== '').join('-');
	if (key === '') return undefined;
	const amount = Number(settings.rememberFor ?? DEFAULT_REMEMBER_DAYS);
	const unit = String(settings.unit ?? 'days');
	if (!Number.isFinite(amount) || amount <= 0 || !UNIT_MS[unit]) {
		throw new NodeOperationError(
			ctx.getNode(),
			atItem(`"Remember For" must be a positive number, got ${settings.rememberFor}`, itemIndex),
			{ itemIndex },
		);
	}
	return { itemIndex, key, rememberMs: amount * UNIT_MS[unit] };
}

function keyText(value: unknown): string {
	if (value === undefined || value === null) return '';
	return (typeof value === 'object' ? JSON.stringify(value) : String(value)).trim();
}

/**
 * The Key Fields' values in the item's JSON, read without n8n's expression engine, which costs
 * more per item than the rest of a send (docs/send-once.md). A field the item does not have is an
 * error: a mistyped name would otherwise send every item without Send Once.
 */
function keyFieldValues(ctx: IExecuteFunctions, fields: unknown, itemIndex: number): string[] {
	const names = keyText(fields)
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	if (names.length === 0) return [];
	const json = ctx.getInputData()[itemIndex]?.json ?? {};
	return names.map((name) => {
		const value = fieldValue(json, name);
		if (value === undefined) {
			throw new NodeOperationError(
				ctx.getNode(),
				atItem(`Send Once key field "${name}" is not in the item`, itemIndex),
				{
					itemIndex,
					description: `Nothing was sent. Check Key Fields in Options → Send Once: the item has ${Object.keys(json).slice(0, 8).join(', ') || 'no fields'}.`,
				},
			);
		}
		return keyText(value);
	});
}

/** A field by name, or by dotted path (`appointment.id`) as n8n's field-name parameters read it. */
function fieldValue(json: IDataObject, name: string): unknown {
	if (name in json) return json[name];
	let value: unknown = json;
	for (const segment of name.split('.')) {
		if (value === null || typeof value !== 'object' || !(segment in value)) return undefined;
		value = (value as IDataObject)[segment];
	}
	return value;
}

/** How a window is cut into buckets: their size, and how many before the current one to check. */
export interface BucketPlan {
	sizeMs: number;
	before: number;
}

/**
 * The smallest bucket size that covers the window in at most BUCKETS_PER_WINDOW buckets. A key
 * sent in bucket b is found until the end of bucket b + before: at least the window, and less
 * than two buckets more (a bucket more when the window is a whole number of buckets).
 */
export function bucketPlan(rememberMs: number): BucketPlan {
	const sizeMs =
		BUCKET_SIZES.find((size) => size * BUCKETS_PER_WINDOW >= rememberMs) ??
		BUCKET_SIZES[BUCKET_SIZES.length - 1];
	return { sizeMs, before: Math.ceil(rememberMs / sizeMs) };
}

function entry(key: string, sizeMs: number, bucket: number): string {
	return `send-once:${sizeMs}:${bucket}:${key}`;
}

/** What a claimed item's message came to, as far as its key is concerned. */
export type KeyOutcome = 'sent' | 'unknown' | 'notSent';

/**
 * The key's fate from the send path's outcome: kept when MessageMedia accepted the message or
 * may have, released when it certainly did not.
 */
export function keyOutcome(outcome: SendOutcome): KeyOutcome {
	if (outcome.status === 'accepted') return 'sent';
	if (outcome.status === 'failed' && outcome.outcomeUnknown) return 'unknown';
	return 'notSent';
}

interface Claim {
	request: SendOnceRequest;
	plan: BucketPlan;
	/** Current bucket first, then the older ones. */
	entries: string[];
}

/** Why an item was not sent, as it appears in its output. */
function skippedJson(
	request: SendOnceRequest,
	firstSentAfter: number,
	firstSentBefore: number,
): IDataObject {
	const after = new Date(firstSentAfter).toISOString();
	const before = new Date(firstSentBefore).toISOString();
	return {
		skipped: true,
		sendOnceKey: request.key,
		firstSentAfter: after,
		firstSentBefore: before,
		reason: `Not sent again: Send Once key "${request.key}" was sent (or its outcome was unknown) between ${after} and ${before}.`,
	};
}

function duplicateJson(request: SendOnceRequest, firstItem: number): IDataObject {
	return {
		skipped: true,
		sendOnceKey: request.key,
		sameKeyAsItem: firstItem,
		reason: `Not sent: item ${firstItem} of this run has the same Send Once key "${request.key}".`,
	};
}

/** The deduplication helpers, or a clear error on an n8n that does not offer them. */
function store(ctx: IExecuteFunctions) {
	const helpers = ctx.helpers;
	if (typeof helpers.checkProcessedAndRecord !== 'function') {
		throw new NodeOperationError(
			ctx.getNode(),
			'Send Once needs n8n’s deduplication store, which this n8n version does not offer',
			{ description: 'Update n8n, or turn Send Once off in the options.' },
		);
	}
	return helpers;
}

/**
 * Claims the entries. The first write of a node's row is an insert, and when two executions make
 * it at once the second fails on the primary key; asked again, it finds the first one's row.
 */
async function recordEntries(ctx: IExecuteFunctions, entries: string[]) {
	const helpers = store(ctx);
	try {
		return await helpers.checkProcessedAndRecord(entries, SCOPE, STORE_OPTIONS);
	} catch {
		try {
			return await helpers.checkProcessedAndRecord(entries, SCOPE, STORE_OPTIONS);
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), error as Error, {
				message: 'Send Once could not read its keys from n8n’s store, so nothing was sent',
				description: `${(error as Error).message}. Send Once keeps its keys per saved workflow: save the workflow and run it again.`,
			});
		}
	}
}

/**
 * One run's claims. `skipped` holds the output of every item that is not to be sent; `settle`
 * keeps or releases the claimed keys once the outcome of each send is known.
 */
export class SendOnceRun {
	/** Output json of each item not to be sent, by item index. */
	readonly skipped = new Map<number, IDataObject>();

	private readonly claims = new Map<number, Claim>();

	/** Entries recorded by the check for a key already sent, in buckets newer than its send. */
	private readonly strayEntries: string[] = [];

	private constructor(private readonly ctx: IExecuteFunctions) {}

	/** Whether the item's key was claimed by this run (so its outcome must be settled). */
	isClaimed(itemIndex: number): boolean {
		return this.claims.has(itemIndex);
	}

	/**
	 * Adds the key to a claimed item's output and, on an error item, whether the key was kept:
	 * a kept key means a re-run will not send that message again.
	 */
	annotate(item: INodeExecutionData | undefined, itemIndex: number): void {
		const claim = this.claims.get(itemIndex);
		if (!item || !claim) return;
		item.json.sendOnceKey = claim.request.key;
		if (item.json.error !== undefined) item.json.sendOnceKept = item.json.outcomeUnknown === true;
	}

	/** A hint for the output pane when items were skipped, saying why and how to send them. */
	private skippedHints(): NodeExecutionHint[] {
		if (this.skipped.size === 0) return [];
		return [
			{
				message: `${this.skipped.size} item(s) not sent: Send Once had already sent their keys (see each item's reason). Change the key to send again.`,
				type: 'info',
				location: 'outputPane',
			},
		];
	}

	/**
	 * Claims every key of the run in one call to the store, before anything is sent. Items with
	 * the key of an earlier item of the same run are skipped without asking the store.
	 */
	static async claim(
		ctx: IExecuteFunctions,
		requests: SendOnceRequest[],
		now: number,
	): Promise<SendOnceRun> {
		const run = new SendOnceRun(ctx);
		const firstWithKey = new Map<string, SendOnceRequest>();
		const repeats: Array<[SendOnceRequest, SendOnceRequest]> = [];
		const candidates: Claim[] = [];
		for (const request of requests) {
			const first = firstWithKey.get(request.key);
			if (first) {
				repeats.push([request, first]);
				continue;
			}
			firstWithKey.set(request.key, request);
			const plan = bucketPlan(request.rememberMs);
			const current = Math.floor(now / plan.sizeMs);
			const entries: string[] = [];
			for (let b = current; b >= current - plan.before; b--) {
				entries.push(entry(request.key, plan.sizeMs, b));
			}
			candidates.push({ request, plan, entries });
		}
		if (candidates.length > 0) {
			const answer = await recordEntries(
				ctx,
				candidates.flatMap((c) => c.entries),
			);
			run.sortClaims(candidates, new Set(answer.processed.map(String)), now);
		}
		for (const [request, first] of repeats) {
			run.skipped.set(
				request.itemIndex,
				run.skipped.get(first.itemIndex)
					? { ...run.skipped.get(first.itemIndex), sameKeyAsItem: first.itemIndex }
					: duplicateJson(request, first.itemIndex),
			);
		}
		return run;
	}

	private sortClaims(candidates: Claim[], alreadySent: Set<string>, now: number): void {
		for (const claim of candidates) {
			// Entries run newest first, so the first one found is the bucket of the send.
			const found = claim.entries.findIndex((e) => alreadySent.has(e));
			if (found === -1) {
				this.claims.set(claim.request.itemIndex, claim);
				continue;
			}
			this.strayEntries.push(...claim.entries.slice(0, found));
			const { sizeMs } = claim.plan;
			const bucketStart = (Math.floor(now / sizeMs) - found) * sizeMs;
			this.skipped.set(
				claim.request.itemIndex,
				skippedJson(claim.request, bucketStart, Math.min(bucketStart + sizeMs, now)),
			);
		}
	}

	/**
	 * Keeps the keys of messages that were sent or may have been, releases the others, and removes
	 * the entries the check added for keys already sent. Writes the kept keys once more, which
	 * restores any that a concurrent execution's write dropped. Then says in the output pane what
	 * was skipped, and warns when the store could not be updated: the messages went out either way,
	 * so that is no reason to fail.
	 */
	async settle(outcomeOf: (itemIndex: number) => KeyOutcome): Promise<void> {
		const hints = this.skippedHints();
		const warning = await this.updateStore(outcomeOf);
		if (warning) hints.push({ message: warning, type: 'warning', location: 'outputPane' });
		if (hints.length) this.ctx.addExecutionHints(...hints);
	}

	private async updateStore(outcomeOf: (itemIndex: number) => KeyOutcome) {
		const release: string[] = [...this.strayEntries];
		const keep: string[] = [];
		for (const [itemIndex, claim] of this.claims) {
			if (outcomeOf(itemIndex) === 'notSent') release.push(...claim.entries);
			else keep.push(claim.entries[0]);
		}
		const helpers = this.ctx.helpers;
		try {
			if (release.length > 0) await helpers.removeProcessed(release, SCOPE, STORE_OPTIONS);
			if (keep.length > 0) await helpers.checkProcessedAndRecord(keep, SCOPE, STORE_OPTIONS);
			return undefined;
		} catch (error) {
			return `Send Once could not update its keys after sending (${(error as Error).message}): items not sent may be skipped on a re-run until their keys are changed.`;
		}
	}
}
