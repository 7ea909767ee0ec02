/**
 * n8n's processed-data store (the one behind `this.helpers.checkProcessedAndRecord`) in memory,
 * for unit tests and the benchmark. It follows n8n 2.41.1's DeduplicationHelper in `entries` mode
 * (n8n/dist/deduplication/deduplication-helper.js): one row per workflow and context holding md5
 * hashes in insertion order, read and written whole with no lock between, `maxEntries` dropping
 * the oldest, the first write an insert that fails when the row appeared meanwhile. `between`
 * runs code between a call's read and its write, to reproduce what concurrent executions do.
 */
import { createHash } from 'crypto';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';
import { DataDeduplicationService } from 'n8n-core';

function hash(value: DeduplicationItemTypes): string {
	return createHash('md5').update(value.toString()).digest('base64');
}

function rowKey(scope: DeduplicationScope, data: ICheckProcessedContextData): string {
	return `${data.workflow.id}|${scope === 'node' ? `n:${data.node!.id}` : ''}`;
}

export class MemoryProcessedData implements IDataDeduplicator {
	/** The stored rows, by workflow and context, as JSON text like n8n's `value` column. */
	readonly rows = new Map<string, string>();

	/** Calls made, by helper name. */
	readonly calls: string[] = [];

	/**
	 * Runs between a call's read of its row and its write; tests use it to interleave calls.
	 * Unset, a call reads and writes with no await between, like one transaction.
	 */
	between: (() => Promise<void>) | undefined;

	/** Makes the next calls fail with this error (a database that is down). */
	failWith: Error | undefined;

	reset(): void {
		this.rows.clear();
		this.calls.length = 0;
		this.between = undefined;
		this.failWith = undefined;
	}

	/** The hashes stored for a row. */
	entries(workflowId: string, nodeId?: string): string[] {
		const row = this.rows.get(`${workflowId}|${nodeId ? `n:${nodeId}` : ''}`);
		return row ? (JSON.parse(row).data as string[]) : [];
	}

	/** The row as stored now; JSON text like n8n's `value` column, parsed afresh. */
	private readNow(key: string): string[] | undefined {
		if (this.failWith) throw this.failWith;
		const row = this.rows.get(key);
		return row === undefined ? undefined : (JSON.parse(row).data as string[]);
	}

	/** Reads the row; with `between` set, waits on it before the caller writes. */
	private async read(key: string): Promise<string[] | undefined> {
		const stored = this.readNow(key);
		if (this.between) await this.between();
		return stored;
	}

	private write(key: string, data: string[], insert: boolean): void {
		if (insert && this.rows.has(key)) {
			throw new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.workflowId');
		}
		this.rows.set(key, JSON.stringify({ mode: 'entries', data }));
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		this.calls.push('checkProcessedAndRecord');
		const key = rowKey(scope, contextData);
		const hashes = items.map(hash);
		const stored = this.between ? await this.read(key) : this.readNow(key);
		if (!stored) {
			const data = options.maxEntries ? hashes.slice(-options.maxEntries) : hashes;
			this.write(key, data, true);
			return { new: items, processed: [] };
		}
		const seen = new Set(stored);
		const result: IDeduplicationOutput = { new: [], processed: [] };
		hashes.forEach((h, index) => {
			if (seen.has(h)) result.processed.push(items[index]);
			else {
				result.new.push(items[index]);
				stored.push(h);
			}
		});
		if (options.maxEntries) stored.splice(0, stored.length - options.maxEntries);
		this.write(key, stored, false);
		return result;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.calls.push('removeProcessed');
		const key = rowKey(scope, contextData);
		const stored = this.between ? await this.read(key) : this.readNow(key);
		if (!stored) return;
		for (const h of items.map(hash)) {
			const index = stored.indexOf(h);
			if (index !== -1) stored.splice(index, 1);
		}
		this.write(key, stored, false);
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.calls.push('clearAllProcessedItems');
		this.rows.delete(rowKey(scope, contextData));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<number> {
		this.calls.push('getProcessedDataCount');
		return this.rows.has(rowKey(scope, contextData))
			? this.entries(contextData.workflow.id, contextData.node?.id).length
			: 0;
	}
}

let installed: MemoryProcessedData | undefined;

/**
 * The store n8n-core's DataDeduplicationService uses in this process (it can be set up once per
 * process, as n8n does at start-up); emptied on every call.
 */
export async function memoryProcessedData(): Promise<MemoryProcessedData> {
	if (!installed) {
		installed = new MemoryProcessedData();
		await DataDeduplicationService.init(installed);
	}
	installed.reset();
	return installed;
}
