import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const REGIONS = {
	apac: 'https://api.messagemedia.com',
	apacSinch: 'https://au.app.api.sinch.com',
	eu: 'https://eu.app.api.sinch.com',
} as const;

export const CLOUD_HOSTS: string[] = Object.values(REGIONS).map((url) => new URL(url).host);

/** The API base URL a credential points at, without a trailing slash. */
export function resolveBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const region = (credentials.region as string) || REGIONS.apac;
	const base = region === 'custom' ? ((credentials.baseUrl as string) ?? '').trim() : region;
	return base.replace(/\/+$/, '');
}

/** True when the base URL is one of MessageMedia's own cloud hosts rather than a proxy or sandbox. */
export function isCloudBaseUrl(baseUrl: string): boolean {
	try {
		return CLOUD_HOSTS.includes(new URL(baseUrl).host);
	} catch {
		return false;
	}
}
