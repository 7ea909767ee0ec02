import { parse, Compile } from 'velocityjs';

/**
 * Emulates Apache EscapeTool.json (commons-lang escapeJson): quotes, backslash and slash,
 * short escapes for control chars, and \uXXXX for every UTF-16 unit outside 0x20–0x7E.
 */
export function escapeJson(value: unknown): string {
	if (value === null || value === undefined) return '';
	const s = String(value);
	let out = '';
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		const ch = s[i];
		if (ch === '"') out += '\\"';
		else if (ch === '\\') out += '\\\\';
		else if (ch === '/') out += '\\/';
		else if (c === 0x08) out += '\\b';
		else if (c === 0x0c) out += '\\f';
		else if (c === 0x0a) out += '\\n';
		else if (c === 0x0d) out += '\\r';
		else if (c === 0x09) out += '\\t';
		else if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
		else out += ch;
	}
	return out;
}

const METHOD_NAMES = new Set([
	'get',
	'keySet',
	'entrySet',
	'values',
	'size',
	'isEmpty',
	'containsKey',
	'toString',
]);

/** A string map that behaves like java.util.Map inside Velocity templates. */
export class JavaMap {
	private readonly entries: Array<[string, string]>;

	constructor(source?: Record<string, string> | null) {
		this.entries = Object.entries(source ?? {});
		// Java Velocity resolves $map.key to map.get("key"); mirror that unless it shadows a method.
		for (const [k, v] of this.entries) {
			if (!METHOD_NAMES.has(k) && k !== 'entries' && !(k in Object.prototype)) {
				Object.defineProperty(this, k, { value: v, enumerable: false });
			}
		}
	}

	get(key: unknown): string | undefined {
		const hit = this.entries.find(([k]) => k === String(key));
		return hit ? hit[1] : undefined;
	}
	keySet(): string[] {
		return this.entries.map(([k]) => k);
	}
	values(): string[] {
		return this.entries.map(([, v]) => v);
	}
	entrySet(): Array<{ key: string; value: string; getKey(): string; getValue(): string }> {
		return this.entries.map(([key, value]) => ({
			key,
			value,
			getKey: () => key,
			getValue: () => value,
		}));
	}
	size(): number {
		return this.entries.length;
	}
	isEmpty(): boolean {
		return this.entries.length === 0;
	}
	containsKey(key: unknown): boolean {
		return this.entries.some(([k]) => k === String(key));
	}
	toString(): string {
		return '{' + this.entries.map(([k, v]) => `${k}=${v}`).join(', ') + '}';
	}
}

const escapeTool = {
	json: (s: unknown) => escapeJson(s),
	java: (s: unknown) => escapeJson(s),
	url: (s: unknown) => (s === null || s === undefined ? '' : encodeURIComponent(String(s))),
	xml: (s: unknown) =>
		s === null || s === undefined
			? ''
			: String(s)
					.replace(/&/g, '&amp;')
					.replace(/</g, '&lt;')
					.replace(/>/g, '&gt;')
					.replace(/"/g, '&quot;')
					.replace(/'/g, '&apos;'),
};

type Asts = ReturnType<typeof parse>;

/** A `#foreach` frame as velocityjs keeps it: the loop variable, `$foreach` and `$velocityCount`. */
interface LoopFrame {
	foreach: { hasNext: boolean };
	velocityHasNext?: boolean;
}

function isLoopFrame(v: unknown): v is LoopFrame {
	const f = (v as { foreach?: unknown } | null)?.foreach;
	return typeof f === 'object' && f !== null && 'hasNext' in f;
}

/**
 * velocityjs with Apache Velocity 1.7's `$velocityHasNext`, which MessageMedia's own sample
 * templates and its n8n package use between list items; velocityjs only knows `$foreach.hasNext`.
 * velocityjs stores each loop's variables in `local[frameId]` once per iteration, so mirroring
 * `hasNext` there gives the innermost loop's value, as in Velocity 1.7, and nothing outside a loop.
 */
class Velocity17Compile extends Compile {
	constructor(asts: Asts) {
		super(asts);
		this.local = new Proxy<Record<string, unknown>>(
			{},
			{
				set(frames, id, frame: unknown) {
					if (isLoopFrame(frame)) frame.velocityHasNext = frame.foreach.hasNext;
					frames[id as string] = frame;
					return true;
				},
			},
		);
	}
}

// Parsing dominates render cost; webhooks reuse a handful of templates thousands of times.
const astCache = new Map<string, Asts>();

/**
 * Renders a MessageMedia webhook template with a real Velocity engine. Plain-object values of
 * `metadata` are wrapped as a Java-like Map and `$esc` is provided unless the caller supplies one.
 */
export function renderTemplate(template: string, vars: Record<string, unknown>): string {
	let asts = astCache.get(template);
	if (!asts) {
		asts = parse(template);
		if (astCache.size > 500) astCache.clear();
		astCache.set(template, asts);
	}
	const context: Record<string, unknown> = { esc: escapeTool, ...vars };
	const md = context.metadata;
	if (md !== undefined && md !== null && !(md instanceof JavaMap) && typeof md === 'object') {
		context.metadata = new JavaMap(md as Record<string, string>);
	}
	return new Velocity17Compile(asts).render(context);
}
