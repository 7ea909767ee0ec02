import { generateKeyPairSync, randomUUID } from 'crypto';
import { compile, type Ctx, type Result, type Route, type SandboxState } from '../routing';
import type { AccountState, Json, SignatureKey } from '../store';
import { isPlainObject } from '../validate';

const FEATURE_DISABLED: Result = {
	status: 403,
	body: { message: 'This feature has not been enabled in your account.' },
};
const ENTITY_NOT_FOUND: Result = { status: 404, body: { message: 'Entity not found' } };

/** Signature Key Management; every route answers 403 while the account feature is off. */
export function signatureKeyRoutes(s: SandboxState): Route[] {
	const gated =
		(handler: (c: Ctx) => Result) =>
		(c: Ctx): Result =>
			s.config.signatureKeysEnabled ? handler(c) : FEATURE_DISABLED;
	return [
		compile('POST', '/v1/iam/signature_keys', gated(createKey)),
		compile('GET', '/v1/iam/signature_keys', gated(listKeys)),
		compile(
			'GET',
			'/v1/iam/signature_keys/enabled',
			gated((c) => {
				const k = c.account.enabledKeyId && c.account.signatureKeys.get(c.account.enabledKeyId);
				return k
					? { status: 200, body: keyView(c.account, k) }
					: { status: 404, body: { message: 'Currently no key is enabled' } };
			}),
		),
		compile('PATCH', '/v1/iam/signature_keys/enabled', gated(enableKey)),
		compile(
			'DELETE',
			'/v1/iam/signature_keys/enabled',
			gated((c) => {
				c.account.enabledKeyId = undefined;
				return { status: 204 };
			}),
		),
		compile(
			'GET',
			'/v1/iam/signature_keys/:id',
			gated((c) => {
				const k = c.account.signatureKeys.get(c.params.id);
				return k ? { status: 200, body: keyView(c.account, k) } : ENTITY_NOT_FOUND;
			}),
		),
		compile(
			'DELETE',
			'/v1/iam/signature_keys/:id',
			gated((c) => {
				if (!c.account.signatureKeys.delete(c.params.id)) return ENTITY_NOT_FOUND;
				if (c.account.enabledKeyId === c.params.id) c.account.enabledKeyId = undefined;
				return { status: 200 };
			}),
		),
	];
}

function keyView(account: AccountState, k: SignatureKey): Json {
	return {
		key_id: k.key_id,
		cipher: k.cipher,
		digest: k.digest,
		created: k.created,
		enabled: account.enabledKeyId === k.key_id,
	};
}

function createKey(c: Ctx): Result {
	const b = isPlainObject(c.body) ? c.body : {};
	const details: string[] = [];
	if (!['SHA224', 'SHA256', 'SHA512'].includes(b.digest as string)) {
		details.push('/digest: must be one of SHA224, SHA256, SHA512');
	}
	if (b.cipher !== 'RSA') details.push('/cipher: must be RSA');
	if (details.length > 0) return { status: 400, body: { message: 'Bad Request', details } };
	const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const key: SignatureKey = {
		key_id: randomUUID(),
		cipher: 'RSA',
		digest: b.digest as string,
		created: new Date().toISOString(),
		publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
		privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
	};
	c.account.signatureKeys.set(key.key_id, key);
	return { status: 201, body: { ...keyView(c.account, key), public_key: key.publicKey } };
}

function listKeys(c: Ctx): Result {
	const page = Number(c.query.get('page'));
	const size = Number(c.query.get('page_size'));
	const details: string[] = [];
	if (!c.query.has('page') || !Number.isInteger(page) || page < 1) {
		details.push('/page: is required and must be >= 1');
	}
	if (!c.query.has('page_size') || !Number.isInteger(size) || size < 1 || size > 100) {
		details.push('/page_size: is required and must be between 1 and 100');
	}
	if (details.length > 0) return { status: 400, body: { message: 'Bad Request', details } };
	const all = [...c.account.signatureKeys.values()].map((k) => keyView(c.account, k));
	return { status: 200, body: all.slice((page - 1) * size, page * size) };
}

function enableKey(c: Ctx): Result {
	const id = isPlainObject(c.body) ? c.body.key_id : undefined;
	if (typeof id !== 'string' || !id) {
		return {
			status: 400,
			body: { message: 'Bad Request', details: ['/key_id: Key id cannot be null'] },
		};
	}
	const k = c.account.signatureKeys.get(id);
	if (!k) return ENTITY_NOT_FOUND;
	c.account.enabledKeyId = id;
	return { status: 200, body: keyView(c.account, k) };
}
