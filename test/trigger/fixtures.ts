import { generateKeyPairSync, sign } from 'crypto';

import { renderTemplate } from '../../sandbox/velocity';
import { WEBHOOK_TEMPLATE } from '../../nodes/MessageMedia/trigger/webhookTemplate';

/** Text that breaks naive templates: quotes, backslashes, newlines, HTML, emoji, RTL, length. */
export const HOSTILE =
	'He said "yes" \\ C:\\path\n\r\tline2 </script><script>alert(1)</script> 👍🏽 مرحبا بك ' +
	'\u0000\u001f\u2028\u2029 {"a":1} $replyId #end'.padEnd(5000 - 120, 'x');

export const MO_VARS = {
	format: 'SMS',
	type: 'SMS',
	mtId: 'mt-1',
	messageId: 'mt-1',
	mtContent: 'Reply YES to confirm',
	messageContent: 'Reply YES to confirm',
	moId: 'reply-1',
	replyId: 'reply-1',
	accountId: 'Acct"1',
	vendorId: 'SinchEU',
	submittedTimestamp: '2026-03-01T10:00:00.000Z',
	receivedTimestamp: '2026-03-01T10:05:00.123Z',
	metadata: { appointmentId: 'A-17', 'quote"key': 'va\\lue\n"x"' },
	sourceAddress: '+61491570156',
	destinationAddress: '+61491570999',
	moContent: 'Yes!',
	replyContent: 'Yes!',
	retryCount: 0,
};

export const PNG_BASE64 =
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

export const MMS_VARS = {
	...MO_VARS,
	format: 'MMS',
	type: 'MMS',
	moId: 'reply-mms',
	replyId: 'reply-mms',
	attachments: [
		{ contentType: 'image/png', base64: PNG_BASE64, originalName: 'pic "1".png' },
		{
			contentType: 'text/plain',
			base64: Buffer.from('hello').toString('base64'),
			originalName: 'a.txt',
		},
	],
};

/** OPT_OUT_SMS has no $replyId/$moId; MessageMedia leaves them unset. */
export const OPT_OUT_VARS = {
	format: 'SMS',
	type: 'SMS',
	notificationId: 'optout-1',
	mtId: 'mt-1',
	messageId: 'mt-1',
	accountId: 'Acct1',
	vendorId: 'SinchEU',
	submittedTimestamp: '2026-03-01T10:00:00.000Z',
	receivedTimestamp: '2026-03-01T10:06:00.000Z',
	metadata: {},
	sourceAddress: '+61491570156',
	destinationAddress: '+61491570999',
	moContent: 'STOP',
	replyContent: 'STOP',
	retryCount: 1,
};

export const DR_VARS = {
	format: 'SMS',
	type: 'SMS',
	mtId: 'mt-1',
	messageId: 'mt-1',
	drId: 'dr-1',
	reportId: 'dr-1',
	accountId: 'Acct1',
	vendorId: 'SinchEU',
	submittedTimestamp: '2026-03-01T10:00:01.000Z',
	receivedTimestamp: '2026-03-01T10:00:03.000Z',
	status: 'delivered',
	statusCode: 220,
	metadata: { appointmentId: 'A-17' },
	sourceAddress: '+61491570156',
	mtContent: 'Reply YES to confirm',
	messageContent: 'Reply YES to confirm',
	billingUnits: 1,
	retryCount: 2,
};

export function render(vars: Record<string, unknown>): string {
	return renderTemplate(WEBHOOK_TEMPLATE, vars);
}

export const WEBHOOK_URL = 'https://n8n.example.com/webhook/hook-uuid/webhook';
export const TEST_URL = 'https://n8n.example.com/webhook-test/hook-uuid/webhook';
export const SECRET = 'a'.repeat(64);

export const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const PUBLIC_KEY_BASE64 = rsa.publicKey
	.export({ format: 'der', type: 'spki' })
	.toString('base64');
export const PUBLIC_KEY_PEM = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
export const KEY_ID = '7ca628a8-08b0-4e42-aeb8-960b37049c31';

/** Signs as MessageMedia does: request line + Date + raw body, RSA PKCS#1 v1.5. */
export function signedHeaders(
	body: string,
	url = WEBHOOK_URL,
	options: {
		date?: string;
		digest?: string;
		keyId?: string;
		privateKey?: typeof rsa.privateKey;
	} = {},
): Record<string, string> {
	const date = options.date ?? new Date().toUTCString();
	const u = new URL(url);
	const digest = options.digest ?? 'SHA-256';
	const algorithm = digest.replace('-', '').toLowerCase();
	const signature = sign(
		algorithm,
		Buffer.from(`POST ${u.pathname}${u.search} HTTP/1.1${date}${body}`, 'utf8'),
		options.privateKey ?? rsa.privateKey,
	).toString('base64');
	return {
		Date: date,
		'X-MessageMedia-Signature': signature,
		'X-MessageMedia-Digest-Type': digest,
		'X-MessageMedia-Cipher-Type': 'RSA',
		'X-MessageMedia-Key-Id': options.keyId ?? KEY_ID,
	};
}
