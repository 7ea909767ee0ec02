import type { AddressInfo } from 'net';
import { createHttpServer, Sandbox } from './server';

export { DEMO_CREDENTIALS } from './auth';
export { RESERVED_NUMBERS } from './store';
export { renderTemplate } from './velocity';
export type { DeliveryLogEntry, Webhook as WebhookRecord } from './store';

export interface SandboxOptions {
	port?: number;
	host?: string;
	/** Spacing between successive delivery reports of a message. Default 1000. */
	drIntervalMs?: number;
	quiet?: boolean;
}

export interface SandboxHandle {
	url: string;
	port: number;
	close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
	const host = options.host ?? '127.0.0.1';
	const sandbox = new Sandbox({
		drIntervalMs: options.drIntervalMs ?? 1000,
		retryDelayScale: 1,
		lookupsAvailable: true,
		signCallbacks: true,
		deliveryTimeoutMs: 20_000,
		callbackRetries: 3,
		drRequiresDeliveryReport: false,
		signatureKeysEnabled: true,
	});
	const server = createHttpServer(sandbox);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 8787, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	sandbox.start();
	const port = (server.address() as AddressInfo).port;
	const urlHost = host.includes(':') ? `[${host}]` : host;
	const url = `http://${urlHost}:${port}`;
	if (!options.quiet) console.log(`[sandbox] MessageMedia sandbox listening on ${url}`);
	let closing: Promise<void> | undefined;
	return {
		url,
		port,
		close() {
			closing ??= new Promise<void>((resolve) => {
				sandbox.stop();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
