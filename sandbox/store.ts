import { randomUUID } from 'crypto';

export const DEFAULT_ACCOUNT = 'DemoAccount';
export const VENDOR_ID = 'MessageMedia';

export const RESERVED_NUMBERS = {
	failed: '+61491570900',
	expired: '+61491570901',
	rejected: '+61491570902',
	undeliverable: '+61491570903',
};

export type Json = Record<string, unknown>;

export interface StoredMessage {
	/** The public message object, as returned by the API. */
	data: Json & { message_id: string; status: string; content: string; destination_number: string };
	account: string;
	submittedAt: string;
	/** The number it went out from: its `source_number`, else the account's default number. */
	sentFrom: string;
}

export interface DeliveryReport extends Json {
	delivery_report_id: string;
	message_id: string;
	status: string;
}

export interface Reply extends Json {
	reply_id: string;
}

/** A webhook as stored and as the Webhooks Management API shows it. */
export interface Webhook {
	id: string;
	url: string;
	method: string;
	encoding: string;
	events: string[];
	headers: Record<string, string>;
	template?: string;
	retries: number;
	read_timeout?: number;
	retry_delay?: number;
}

export interface SignatureKey {
	key_id: string;
	cipher: string;
	digest: string;
	created: string;
	publicKey: string;
	privateKeyPem: string;
}

export interface SenderAddress extends Json {
	id: string;
	sender_address: string;
	sender_address_type: string;
	usage_type: string;
	label: string;
}

export class AccountState {
	messages = new Map<string, StoredMessage>();
	/** Insertion-ordered, so the first 100 are the oldest unconfirmed. */
	unconfirmedDrs = new Map<string, DeliveryReport>();
	unconfirmedReplies = new Map<string, Reply>();
	webhooks = new Map<string, Webhook>();
	/** Numbers stored without '+', as the API examples show. */
	blacklist = new Set<string>();
	signatureKeys = new Map<string, SignatureKey>();
	enabledKeyId: string | undefined;
	senderAddresses: SenderAddress[];

	constructor(readonly id: string) {
		this.senderAddresses = [
			this.address('+61491570200', 'INTERNATIONAL', 'DEDICATED', 'Main number', ['AU']),
			this.address('ACME', 'ALPHANUMERIC', 'ALPHANUMERIC', 'Brand name', ['AU', 'NZ', 'GB']),
			this.address('2442', 'SHORT_CODE', 'DEDICATED', 'Short code', ['AU']),
		];
	}

	private address(
		sender: string,
		type: string,
		usage: string,
		label: string,
		countries: string[],
	): SenderAddress {
		return {
			id: randomUUID(),
			sender_address: sender,
			sender_address_type: type,
			usage_type: usage,
			destination_countries: countries,
			label,
			account_id: this.id,
			display_status: 'ACTIVE',
			expiry: null,
			created_date: '2024-03-01T00:00:00.000Z',
		};
	}
}

export interface DeliveryStats {
	attempts: number;
	succeeded: number;
	failed: number;
	abandoned: number;
	byStatus: Record<string, number>;
}

export function emptyStats(): DeliveryStats {
	return { attempts: 0, succeeded: 0, failed: 0, abandoned: 0, byStatus: {} };
}

export interface DeliveryLogEntry {
	kind: 'webhook' | 'callback';
	webhook_id: string | null;
	account: string;
	url: string;
	method: string;
	event: string;
	status: number | 'timeout' | 'error';
	error?: string;
	attempt: number;
	retry_count: number;
	body: string;
	headers: Record<string, string>;
	at: string;
}

const LOG_LIMIT = 10_000;

export class Store {
	accounts = new Map<string, AccountState>();
	requests: Record<string, number> = {};
	responses: Record<string, number> = {};
	messagesAccepted = 0;
	uniqueContents = new Set<string>();
	webhookStats = emptyStats();
	callbackStats = emptyStats();
	private log: DeliveryLogEntry[] = [];

	account(id: string = DEFAULT_ACCOUNT): AccountState {
		let a = this.accounts.get(id);
		if (!a) {
			a = new AccountState(id);
			this.accounts.set(id, a);
		}
		return a;
	}

	addLog(entry: DeliveryLogEntry): void {
		this.log.push(entry);
		// Trim in bulk so the ring stays O(1) amortised under benchmark load.
		if (this.log.length > LOG_LIMIT * 2) this.log = this.log.slice(-LOG_LIMIT);
	}

	recentLog(limit: number): DeliveryLogEntry[] {
		return this.log.slice(-Math.min(limit, LOG_LIMIT));
	}

	count(map: Record<string, number>, key: string): void {
		map[key] = (map[key] ?? 0) + 1;
	}

	reset(): void {
		this.accounts.clear();
		this.requests = {};
		this.responses = {};
		this.messagesAccepted = 0;
		this.uniqueContents.clear();
		this.webhookStats = emptyStats();
		this.callbackStats = emptyStats();
		this.log = [];
	}
}
