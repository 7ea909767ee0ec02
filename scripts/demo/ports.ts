/**
 * What holds a TCP port, so that `npm start` can refuse with a sentence instead of an EADDRINUSE
 * stack. A port is tested by binding it, as n8n and the sandbox will, which works on any OS; what
 * answers on it over HTTP tells an n8n or a sandbox from another program.
 */
import { isPortFree } from '../n8n/ports';

export type PortHolder = 'n8n' | 'sandbox' | 'unknown';

/** undefined when 127.0.0.1:<port> can be bound; otherwise what answers there. */
export async function portHolder(port: number): Promise<PortHolder | undefined> {
	if (await isPortFree(port)) return undefined;
	if ((await answer(port, '/_sandbox/health'))?.includes('"ok"')) return 'sandbox';
	// n8n's public settings (before sign-in) carry this key.
	if ((await answer(port, '/rest/settings'))?.includes('"settingsMode"')) return 'n8n';
	return 'unknown';
}

/** The body of a 2xx answer to GET `urlPath`; undefined when the holder is not HTTP, fails or is slow. */
async function answer(port: number, urlPath: string): Promise<string | undefined> {
	const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
		signal: AbortSignal.timeout(2000),
	}).catch(() => undefined);
	return res?.ok ? res.text().catch(() => undefined) : undefined;
}
