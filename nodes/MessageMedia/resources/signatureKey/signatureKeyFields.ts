import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { Show } from '../../shared/descriptions';

/** Where MessageMedia's Signature Key Management API lives. */
export const SIGNATURE_MANAGEMENT_PATH = '/v1/iam/signature_keys';

export function keyIdField(show: Show, description: string): INodeProperties {
	return {
		displayName: 'Key ID',
		name: 'keyId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 7ca628a8-08b0-4e42-aeb8-960b37049c31',
		description,
		displayOptions: { show },
	};
}

/** Wraps the base64 DER public key MessageMedia returns as PEM, which crypto.verify accepts. */
export function toPem(publicKey: string): string {
	const base64 = publicKey.replace(/\s+/g, '');
	const lines = base64.match(/.{1,64}/g) ?? [];
	return ['-----BEGIN PUBLIC KEY-----', ...lines, '-----END PUBLIC KEY-----', ''].join('\n');
}

export function simplifyKey(key: IDataObject): IDataObject {
	return {
		keyId: key.key_id,
		cipher: key.cipher,
		digest: key.digest,
		created: key.created,
		enabled: key.enabled === true,
	};
}
