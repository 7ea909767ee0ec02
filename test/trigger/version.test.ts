import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import { resetDedupStores } from '../../nodes/MessageMedia/inbound/dedupStore';
import { VERIFICATION_HEADER as SECRET_HEADER } from '../../nodes/MessageMedia/trigger/webhookHeaders';
import { webhookContext } from '../helpers/n8n';
import { DR_VARS, MMS_VARS, MO_VARS, OPT_OUT_VARS, render, SECRET, WEBHOOK_URL } from './fixtures';

const trigger = new MessageMediaTrigger();

interface Delivery {
	body: string;
	headers?: Record<string, string>;
	parameters?: IDataObject;
	/** As n8n leaves the request when it did not read the body: no rawBody, only readRawBody(). */
	unread?: boolean;
}

async function deliver(typeVersion: number, delivery: Delivery) {
	resetDedupStores();
	const built = webhookContext({
		typeVersion,
		parameters: {
			events: ['RECEIVED_SMS', 'RECEIVED_MMS', 'OPT_OUT_SMS', 'DELIVERED_DR'],
			options: {},
			...(delivery.parameters ?? {}),
		},
		staticData: { webhookSecret: SECRET, webhookUrl: WEBHOOK_URL },
		request: { body: delivery.body, headers: delivery.headers ?? { [SECRET_HEADER]: SECRET } },
	});
	let reads = 0;
	if (delivery.unread) {
		const req = built.req as { rawBody?: Buffer; body?: unknown } & IDataObject;
		const bytes = req.rawBody!;
		delete req.rawBody;
		req.body = undefined;
		req.readRawBody = async () => {
			reads += 1;
			req.rawBody = bytes;
		};
	}
	expect(built.context.getNode().typeVersion).toBe(typeVersion);
	const result = await trigger.webhook.call(built.context);
	return {
		items: (result.workflowData?.[0] ?? []) as INodeExecutionData[],
		status: built.res.statusCode,
		sent: built.res.sent,
		reads,
	};
}

describe('trigger node versions', () => {
	it('offers version 2 to new nodes and still loads version 1', () => {
		const { version, defaultVersion } = trigger.description;
		expect(version).toEqual(expect.arrayContaining([1, 2]));
		expect(defaultVersion).toBe(2);
	});

	// [case, delivery, items emitted, status of a rejection]
	it.each([
		['a reply', { body: render(MO_VARS) }, 1, undefined],
		['an MMS with an attachment', { body: render(MMS_VARS) }, 1, undefined],
		['an opt-out', { body: render(OPT_OUT_VARS) }, 1, undefined],
		['a delivery report', { body: render(DR_VARS) }, 1, undefined],
		[
			'an MMS with attachments as text',
			{ body: render(MMS_VARS), parameters: { options: { attachmentsAsBinary: false } } },
			1,
			undefined,
		],
		[
			'a wrong secret',
			{ body: render(MO_VARS), headers: { [SECRET_HEADER]: 'b'.repeat(64) } },
			0,
			401,
		],
		['a body that is not JSON', { body: '{"reply_id": ' }, 0, 400],
		[
			'an event the node does not ask for',
			{ body: render(MO_VARS), parameters: { events: ['DELIVERED_DR'] } },
			0,
			undefined,
		],
	] as Array<[string, Delivery, number, number | undefined]>)(
		'version 1 and 2 answer %s the same way',
		async (_, delivery, emitted, status) => {
			const v1 = await deliver(1, delivery);
			const v2 = await deliver(2, delivery);
			expect(v1.items).toHaveLength(emitted);
			expect(v1.status).toBe(status);
			expect(v2).toEqual(v1);
		},
	);

	it.each([1, 2])(
		'version %i reads a body n8n left unread (a content type n8n does not parse)',
		async (typeVersion) => {
			const delivery: Delivery = {
				body: render(MO_VARS),
				headers: { [SECRET_HEADER]: SECRET, 'content-type': 'application/octet-stream' },
				unread: true,
			};
			const { items, reads } = await deliver(typeVersion, delivery);
			expect(reads).toBe(1);
			expect(items).toHaveLength(1);
			expect(items[0].json).toMatchObject({ event: 'reply', id: 'reply-1' });
		},
	);
});
