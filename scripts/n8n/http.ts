/**
 * One HTTP call that never throws on a status: the tests and the benchmarks look at the status,
 * the parsed JSON (when the body is JSON) and the raw text themselves.
 */

export interface HttpResult<T = unknown> {
	status: number;
	/** The parsed body, or undefined when it is empty or not JSON. */
	json: T;
	text: string;
	headers: Headers;
}

/** A string body is sent as is; anything else as JSON (with its content-type). */
export async function http<T = unknown>(
	method: string,
	url: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
	const res = await fetch(url, {
		method,
		headers: {
			...(body !== undefined && typeof body !== 'string'
				? { 'content-type': 'application/json' }
				: {}),
			...headers,
		},
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let json: T;
	try {
		json = text ? (JSON.parse(text) as T) : (undefined as T);
	} catch {
		json = undefined as T;
	}
	return { status: res.status, json, text, headers: res.headers };
}
