import nock from 'nock';

import { BASE_URL } from './n8n';

/** The body of a POST /v1/messages as the node sent it. */
export type SentMessages = { messages: Array<Record<string, unknown>> };

/**
 * MessageMedia's answer to an accepted send: every message queued, with `messageId` as its id, or
 * `id-<destination>` so that a batch's ids tell its messages apart.
 */
export function acceptedSend(body: SentMessages, messageId?: string): SentMessages {
	return {
		messages: body.messages.map((m) => ({
			...m,
			message_id: messageId ?? `id-${String(m.destination_number)}`,
			status: 'queued',
		})),
	};
}

/** POST /v1/messages accepts once; `body` is what the node sent. */
export function acceptOneSend(messageId?: string): { body?: SentMessages } {
	const request: { body?: SentMessages } = {};
	nock(BASE_URL)
		.post('/v1/messages')
		.reply((_uri, body) => {
			request.body = body as SentMessages;
			return [202, acceptedSend(request.body, messageId)];
		});
	return request;
}
