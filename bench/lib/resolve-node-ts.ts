/**
 * tsx resolves `…/MessageMedia.node` to the codex file `MessageMedia.node.json` (Node's own
 * extension order puts .json before tsx's .ts), while jest's resolver picks the .ts. Imported
 * first by the benchmarks so that test/helpers/n8n.ts loads the node classes, not the codex.
 */
import * as fs from 'fs';
import Module from 'module';

const mod = Module as unknown as {
	_resolveFilename: (request: string, ...rest: unknown[]) => string;
};
const original = mod._resolveFilename;
mod._resolveFilename = function (request: string, ...rest: unknown[]) {
	const resolved = original.call(this, request, ...rest);
	if (resolved.endsWith('.node.json') && !request.endsWith('.json')) {
		const ts = resolved.replace(/\.json$/, '.ts');
		if (fs.existsSync(ts)) return ts;
	}
	return resolved;
};
