/**
 * Headless first-run setup of a started n8n: the owner account, a login cookie for /rest, and a
 * public-API key with every scope the harness uses. Saved in the user folder, so that a restart
 * (or a later run on the same folder) logs in again and reuses the key.
 */
import * as fs from 'fs';
import * as path from 'path';

import { N8nApi, N8nApiError } from './api';
import { sleep } from './async';

/** Persisted in the user folder so that a restart (or a later run) reuses the owner and API key. */
export const STATE_FILE = 'harness-state.json';

/** Every public-API scope the harness asks for (all accepted by n8n 2.41.1). */
export const API_KEY_SCOPES = [
	'workflow:create',
	'workflow:read',
	'workflow:update',
	'workflow:delete',
	'workflow:list',
	'workflow:activate',
	'workflow:deactivate',
	'credential:create',
	'credential:delete',
	'execution:read',
	'execution:list',
	'execution:delete',
];

export interface OwnerAccount {
	email: string;
	password: string;
	firstName?: string;
	lastName?: string;
}

export const DEFAULT_OWNER: Required<OwnerAccount> = {
	email: 'owner@example.com',
	password: 'Messagemedia1',
	firstName: 'Demo',
	lastName: 'Owner',
};

export interface HarnessState {
	email: string;
	password: string;
	apiKey: string;
}

export function readHarnessState(userFolder: string): HarnessState | undefined {
	const statePath = path.join(userFolder, STATE_FILE);
	return fs.existsSync(statePath) ? JSON.parse(fs.readFileSync(statePath, 'utf8')) : undefined;
}

/** POST /rest/login; keeps the session cookie in api.cookie. */
export async function logIn(api: N8nApi, account: { email: string; password: string }) {
	const url = `${api.baseUrl}/rest/login`;
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': api.browserId },
		body: JSON.stringify({ emailOrLdapLoginId: account.email, password: account.password }),
	});
	const body = await res.text();
	if (!res.ok) throw new N8nApiError('POST', url, res.status, body);
	api.cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
}

async function createApiKey(api: N8nApi, progress: (message: string) => void) {
	try {
		return await api.rest<{ rawApiKey: string }>('POST', '/api-keys', {
			label: `harness-${Date.now()}`,
			expiresAt: null,
			scopes: API_KEY_SCOPES,
		});
	} catch (error) {
		// Older/newer scope lists: retry without the optional execution:delete.
		const created = await api.rest<{ rawApiKey: string }>('POST', '/api-keys', {
			label: `harness-${Date.now()}`,
			expiresAt: null,
			scopes: API_KEY_SCOPES.filter((s) => s !== 'execution:delete'),
		});
		progress(`API key without execution:delete (${String(error).slice(0, 200)})`);
		return created;
	}
}

/**
 * First start: owner setup (unless n8n says it is done), login, API key, saved to the state file.
 * Later starts: login with the saved owner. Either way api.apiKey is set. Returns the state.
 */
export async function setUpOwner(
	api: N8nApi,
	userFolder: string,
	owner: Required<OwnerAccount>,
	progress: (message: string) => void,
): Promise<HarnessState> {
	let state = readHarnessState(userFolder);
	if (state) {
		await logIn(api, state);
	} else {
		const settings = await api.request<{
			data?: { userManagement?: { showSetupOnFirstLoad?: boolean } };
		}>('GET', '/rest/settings');
		if (settings?.data?.userManagement?.showSetupOnFirstLoad !== false) {
			await api.request('POST', '/rest/owner/setup', {
				email: owner.email,
				firstName: owner.firstName,
				lastName: owner.lastName,
				password: owner.password,
			});
		}
		await logIn(api, owner);
		const created = await createApiKey(api, progress);
		state = { email: owner.email, password: owner.password, apiKey: created.rawApiKey };
		fs.writeFileSync(path.join(userFolder, STATE_FILE), JSON.stringify(state, null, 2));
	}
	api.apiKey = state.apiKey;
	return state;
}

/**
 * Right after it reports ready, n8n can still answer 503 "Database is not ready!" for a few
 * seconds under load (its DB ping waits for a pooled connection); setUpOwner is safe to repeat.
 */
export async function whileDatabaseWarmsUp<T>(fn: () => Promise<T>, timeoutMs = 90_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await fn();
		} catch (error) {
			if (!(error instanceof N8nApiError && error.status === 503) || Date.now() > deadline) {
				throw error;
			}
			await sleep(1000);
		}
	}
}
