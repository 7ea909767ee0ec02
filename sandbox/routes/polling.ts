import { compile, invalid, type Ctx, type Result, type Route } from '../routing';
import { isPlainObject } from '../validate';

/** The polling APIs: the oldest 100 unconfirmed replies and delivery reports, and their confirm. */
export function pollingRoutes(): Route[] {
	return [
		compile('GET', '/v1/delivery_reports', (c) => ({
			status: 200,
			body: { delivery_reports: oldest(c.account.unconfirmedDrs) },
		})),
		compile('POST', '/v1/delivery_reports/confirmed', (c) =>
			confirm(c, 'delivery_report_ids', c.account.unconfirmedDrs),
		),
		compile('GET', '/v1/replies', (c) => ({
			status: 200,
			body: { replies: oldest(c.account.unconfirmedReplies) },
		})),
		compile('POST', '/v1/replies/confirmed', (c) =>
			confirm(c, 'reply_ids', c.account.unconfirmedReplies),
		),
	];
}

function oldest<T>(map: Map<string, T>): T[] {
	const out: T[] = [];
	for (const v of map.values()) {
		if (out.length >= 100) break;
		out.push(v);
	}
	return out;
}

function confirm(c: Ctx, field: string, map: Map<string, unknown>): Result {
	const ids = isPlainObject(c.body) ? c.body[field] : undefined;
	if (!Array.isArray(ids) || ids.length === 0) return invalid([`/${field}: is required`]);
	if (ids.length > 100) return invalid([`/${field}: must contain at most 100 ids`]);
	if (ids.some((x) => typeof x !== 'string')) return invalid([`/${field}: must be strings`]);
	for (const id of ids as string[]) map.delete(id);
	return { status: 202, body: '' };
}
