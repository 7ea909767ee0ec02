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
import { E164, isPlainObject } from '../validate';

const COUNTRY_PREFIXES: Array<[string, string, string]> = [
	['61', 'AU', 'Telstra'],
	['64', 'NZ', 'Spark'],
	['65', 'SG', 'Singtel'],
	['44', 'GB', 'Vodafone'],
	['49', 'DE', 'Deutsche Telekom'],
	['33', 'FR', 'Orange'],
	['1', 'US', 'Verizon'],
];

/** Number authorisation (the opt-out blacklist), sender addresses and lookups. */
export function numberRoutes(s: SandboxState): Route[] {
	return [
		compile('GET', '/v1/number_authorisation/mt/blacklist', listBlacklist),
		compile('POST', '/v1/number_authorisation/mt/blacklist', addBlacklist),
		compile('DELETE', '/v1/number_authorisation/mt/blacklist/:number', (c) =>
			c.account.blacklist.delete(stripPlus(c.params.number)) ? { status: 200 } : NOT_FOUND,
		),
		compile('GET', '/v1/number_authorisation/is_authorised/:numbers', (c) => {
			const numbers = c.params.numbers.split(',').filter(Boolean);
			return {
				status: 200,
				body: {
					uri: `/v1/number_authorisation/is_authorised/${c.params.numbers}`,
					numbers: numbers.map((n) => ({
						number: n,
						authorised: !c.account.blacklist.has(stripPlus(n.trim())),
					})),
				},
			};
		}),
		compile('GET', '/v1/messaging/numbers/sender_address/addresses', listAddresses),
		compile('GET', '/v1/messaging/numbers/sender_address/addresses/:id', (c) => {
			const a = c.account.senderAddresses.find((x) => x.id === c.params.id);
			return a ? { status: 200, body: a } : NOT_FOUND;
		}),
		compile('PATCH', '/v1/messaging/numbers/sender_address/addresses/:id', (c) => {
			const a = c.account.senderAddresses.find((x) => x.id === c.params.id);
			if (!a) return NOT_FOUND;
			if (!isPlainObject(c.body) || typeof c.body.label !== 'string') {
				return invalid(['/label: is required']);
			}
			a.label = c.body.label;
			return { status: 200, body: a };
		}),
		compile('DELETE', '/v1/messaging/numbers/sender_address/addresses/:id', (c) => {
			const i = c.account.senderAddresses.findIndex((x) => x.id === c.params.id);
			if (i < 0) return NOT_FOUND;
			c.account.senderAddresses.splice(i, 1);
			return { status: 204 };
		}),
		compile('GET', '/v1/lookups/phone/:number', (c) =>
			s.config.lookupsAvailable ? lookup(c) : NOT_FOUND,
		),
	];
}

function listBlacklist(c: Ctx): Result {
	const all = [...c.account.blacklist];
	const token = c.query.get('token');
	let start = 0;
	if (token) {
		start = Number(Buffer.from(token, 'base64url').toString('utf8'));
		if (!Number.isInteger(start) || start < 0) return invalid(['/token: is invalid']);
	}
	const page = all.slice(start, start + 100);
	const base = '/v1/number_authorisation/mt/blacklist';
	const next = start + 100 < all.length;
	return {
		status: 200,
		body: {
			uri: token ? `${base}?token=${token}` : base,
			numbers: page,
			pagination: {
				page: Math.floor(start / 100) + 1,
				...(next
					? {
							next_uri: `${base}?token=${Buffer.from(String(start + 100)).toString('base64url')}`,
						}
					: {}),
			},
		},
	};
}

function addBlacklist(c: Ctx): Result {
	const numbers = isPlainObject(c.body) ? c.body.numbers : undefined;
	if (!Array.isArray(numbers) || numbers.length === 0) return invalid(['/numbers: is required']);
	const details: string[] = [];
	numbers.forEach((n, i) => {
		if (typeof n !== 'string' || !E164.test('+' + stripPlus(n))) {
			details.push(`/numbers/${i}: must be an international number`);
		}
	});
	if (details.length > 0) return invalid(details);
	const stored = (numbers as string[]).map(stripPlus);
	for (const n of stored) c.account.blacklist.add(n);
	return {
		status: 201,
		body: { uri: '/v1/number_authorisation/mt/blacklist', numbers: stored },
	};
}

function listAddresses(c: Ctx): Result {
	const q = c.query;
	const size = Number(q.get('page_size') ?? '10');
	if (!Number.isInteger(size) || size < 1 || size > 100) {
		return invalid(['/page_size: must be between 1 and 100']);
	}
	const token = q.get('token');
	const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
	if (!Number.isInteger(start) || start < 0) return invalid(['/token: is invalid']);
	let list = c.account.senderAddresses;
	const f = (name: string, field: string) => {
		const v = q.get(name);
		if (v) list = list.filter((a) => String(a[field]) === v);
	};
	f('sender_address', 'sender_address');
	f('sender_address_type', 'sender_address_type');
	f('usage_type', 'usage_type');
	const data = list.slice(start, start + size);
	const next = start + size < list.length;
	return {
		status: 200,
		body: {
			data,
			pagination: {
				page_size: size,
				next_token: next ? Buffer.from(String(start + size)).toString('base64url') : null,
			},
		},
	};
}

function lookup(c: Ctx): Result {
	const notFound: Result = {
		status: 404,
		body: { message: 'The number could not be found or is invalid.' },
	};
	const e164 = '+' + stripPlus(c.params.number.trim());
	if (!E164.test(e164)) return notFound;
	const country = COUNTRY_PREFIXES.find(([p]) => e164.startsWith('+' + p));
	if (!country) return notFound;
	const options = (c.query.get('options') ?? '').split(',').map((o) => o.trim().toLowerCase());
	const mobile = country[1] !== 'AU' || e164.startsWith('+614');
	return {
		status: 200,
		body: {
			country_code: country[1],
			phone_number: e164,
			...(options.includes('type') ? { type: mobile ? 'mobile' : 'landline' } : {}),
			...(options.includes('carrier') ? { carrier: { name: country[2] } } : {}),
		},
	};
}
