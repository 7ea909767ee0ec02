import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION, WAIT_INDEFINITELY } from 'n8n-workflow';

import {
	CALLBACK_TOKEN_PARAM,
	callbackToken,
	WAIT_ID_PARAM,
} from '../../../nodes/MessageMedia/resources/message/waitIdentity';
import { MessageMedia } from '../../../nodes/MessageMedia/MessageMedia.node';
import { resetDedupStores } from '../../../nodes/MessageMedia/inbound/dedupStore';
import { BASE_URL, executeActionNode, TEST_CREDENTIALS, webhookContext } from '../../helpers/n8n';

const params = (overrides: IDataObject = {}): IDataObject => ({
	resource: 'message',
	operation: SEND_AND_WAIT_OPERATION,
	destination: '+61491570156',
	content: 'Reply YES to confirm, NO to cancel',
	options: { metadata: { entries: [{ key: 'appointmentId', value: 'APT-7' }] } },
	resumeAmount: 2,
	resumeUnit: 'hours',
	...overrides,
});

type Sent = { messages: Array<Record<string, unknown>> };

beforeAll(() => {
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/**
 * The item a wait for the test message outputs on timeout, which is also what the waiting
 * execution keeps until an answer resumes it.
 */
const timeoutJson = (extra: IDataObject = {}): IDataObject => ({
	outcome: 'timeout',
	decision: 'timeout',
	messageId: 'm-1',
	to: '+61491570156',
	content: 'Reply YES to confirm, NO to cancel',
	metadata: { appointmentId: 'APT-7' },
	...extra,
});

describe('Send and Wait for Reply: sending', () => {
	it('sends one message whose callback is this execution’s signed resume URL, then waits', async () => {
		let sent: Sent | undefined;
		nock(BASE_URL)
			.post('/v1/messages')
			.reply((_u, body) => {
				sent = body as Sent;
				return [202, { messages: [{ ...sent.messages[0], message_id: 'm-1', status: 'queued' }] }];
			});
		const before = Date.now();
		const { output, context } = await executeActionNode(
			{ parameters: params(), executionId: 'exec-42' },
			[{ any: 'input' }],
		);
		const message = sent!.messages[0];
		const callback = new URL(String(message.callback_url));
		expect(callback.origin + callback.pathname).toBe(
			'http://localhost:5678/webhook-waiting/exec-42/node-1',
		);
		const waitId = callback.searchParams.get(WAIT_ID_PARAM)!;
		expect(waitId).toMatch(/^[0-9a-f]{12}$/);
		expect(callback.searchParams.get(CALLBACK_TOKEN_PARAM)).toBe(
			callbackToken('test-secret', 'exec-42', 'node-1', waitId),
		);
		expect(callback.searchParams.get('signature')).toMatch(/\S+/);
		expect(message).toMatchObject({
			destination_number: '+61491570156',
			delivery_report: true,
			metadata: { appointmentId: 'APT-7' },
		});

		const waitTill = (context as unknown as { runExecutionData: { waitTill?: Date } })
			.runExecutionData.waitTill!;
		expect(waitTill.getTime()).toBeGreaterThanOrEqual(before + 2 * 3_600_000);
		expect(waitTill.getTime()).toBeLessThan(Date.now() + 2 * 3_600_000 + 1000);

		const timeoutItem = {
			json: timeoutJson({ waitedUntil: waitTill.toISOString(), waitId, approved: false }),
			pairedItem: { item: 0 },
		};
		expect(output[0]).toEqual([timeoutItem]);
		// On timeout n8n passes the stacked input through: it must be the timeout result.
		expect(context.getExecuteData().data).toEqual({ main: [[timeoutItem]] });
	});

	it('gives each wait its own id, in the signed callback URL and in what the execution keeps', async () => {
		const urls: string[] = [];
		nock(BASE_URL)
			.post('/v1/messages')
			.times(2)
			.reply((_u, body) => {
				urls.push(String((body as Sent).messages[0].callback_url));
				return [202, { messages: [{ message_id: 'm', status: 'queued' }] }];
			});
		const first = await executeActionNode({ parameters: params(), executionId: 'e' }, [{}]);
		const second = await executeActionNode({ parameters: params(), executionId: 'e' }, [{}]);
		const ids = urls.map((u) => new URL(u).searchParams.get(WAIT_ID_PARAM));
		expect(ids[0]).not.toBe(ids[1]);
		expect(first.output[0][0].json.waitId).toBe(ids[0]);
		expect(second.context.getExecuteData().data.main[0]![0].json.waitId).toBe(ids[1]);
	});

	it('waits until a given date, or indefinitely without a limit', async () => {
		nock(BASE_URL)
			.post('/v1/messages')
			.times(2)
			.reply(202, { messages: [{ message_id: 'm', status: 'queued' }] });
		const at = await executeActionNode(
			{
				parameters: params({
					limitType: 'atSpecifiedTime',
					maxDateAndTime: '2099-05-01T09:00:00.000Z',
				}),
			},
			[{}],
		);
		expect(
			(
				at.context as unknown as { runExecutionData: { waitTill: Date } }
			).runExecutionData.waitTill.toISOString(),
		).toBe('2099-05-01T09:00:00.000Z');
		const forever = await executeActionNode({ parameters: params({ limitWaitTime: false }) }, [{}]);
		expect(
			(forever.context as unknown as { runExecutionData: { waitTill: Date } }).runExecutionData
				.waitTill,
		).toEqual(WAIT_INDEFINITELY);
		expect(forever.output[0][0].json.waitedUntil).toBeNull();
	});

	it('does not ask for delivery reports when Resume on Undelivered is off', async () => {
		let sent: Sent | undefined;
		nock(BASE_URL)
			.post('/v1/messages')
			.reply((_u, body) => {
				sent = body as Sent;
				return [202, { messages: [{ message_id: 'm', status: 'queued' }] }];
			});
		await executeActionNode({ parameters: params({ resumeOnUndelivered: false }) }, [{}]);
		expect(sent!.messages[0].delivery_report).toBeUndefined();
	});

	it('refuses several input items and points bulk sends to the trigger', async () => {
		const scope = nock(BASE_URL).post('/v1/messages').reply(202, { messages: [] });
		await expect(executeActionNode({ parameters: params() }, [{}, {}])).rejects.toMatchObject({
			message: 'Send and Wait for Reply handles one message per execution, but received 2 items',
			description: expect.stringContaining('MessageMedia Trigger'),
		});
		expect(scope.isDone()).toBe(false);
	});

	it('fails with the field MessageMedia rejected, without waiting', async () => {
		nock(BASE_URL)
			.post('/v1/messages')
			.reply(400, { message: 'Invalid', details: ['/messages/0/source_number: not registered'] });
		await expect(executeActionNode({ parameters: params() }, [{}])).rejects.toMatchObject({
			message: 'MessageMedia rejected the message: "From": not registered [item 0]',
			description: 'The message was not sent. Details: /messages/0/source_number: not registered.',
		});
	});

	it('reads a rejected message exactly as Send does', async () => {
		const rejected = { message: 'Invalid', details: ['/messages/0/content: too long'] };
		nock(BASE_URL).post('/v1/messages').times(2).reply(400, rejected);
		const failure = (parameters: IDataObject) =>
			executeActionNode({ parameters }, [{}]).then(
				() => undefined,
				(error: NodeOperationError) => ({
					message: error.message,
					description: error.description,
				}),
			);
		const fromWait = await failure(params());
		const fromSend = await failure({ ...params(), operation: 'send' });
		expect(fromWait).toEqual(fromSend);
		expect(fromWait?.message).toBe(
			'MessageMedia rejected the message: "Message": too long [item 0]',
		);
	});
});

describe('Send and Wait for Reply: the editor', () => {
	const fields = new MessageMedia().description.properties.filter((p) =>
		p.displayOptions?.show?.operation?.includes(SEND_AND_WAIT_OPERATION),
	);

	it('has a notice of at most two short sentences', () => {
		const notice = fields.find((p) => p.type === 'notice')!.displayName.replace(/<[^>]+>/g, '');
		expect(notice.split(/[.!?](\s|$)/).filter((s) => s.trim()).length).toBeLessThanOrEqual(2);
		expect(notice.length).toBeLessThanOrEqual(200);
	});

	it('shows the wait amount as the number typed (24, not 24.00)', () => {
		const amount = fields.find((p) => p.name === 'resumeAmount')!;
		expect(amount.default).toBe(24);
		expect(amount.typeOptions?.numberPrecision).toBeUndefined();
	});
});

describe('Send and Wait for Reply: the resume webhook', () => {
	const node = new MessageMedia();
	const EXEC = 'exec-9';
	const WAIT = 'a1b2c3d4e5f6';
	const secret = TEST_CREDENTIALS.apiSecret as string;
	const tokenOf = (wait?: string) => callbackToken(secret, EXEC, 'node-1', wait);
	const token = tokenOf(WAIT);
	/** A callback URL as n8n signs it; `wait: null` is a URL from before waits had ids. */
	const url = (t = token, wait: string | null = WAIT) =>
		`https://n8n.example.com/webhook-waiting/${EXEC}/node-1?${
			wait === null ? '' : `${WAIT_ID_PARAM}=${wait}&`
		}${CALLBACK_TOKEN_PARAM}=${t}&signature=abc`;
	/** What the waiting execution keeps: the timeout item of the wait it is in. */
	const waitingFor = (wait?: string): IDataObject =>
		timeoutJson(wait === undefined ? {} : { waitId: wait });

	const replyObject = {
		reply_id: 'r-1',
		message_id: 'm-1',
		content: ' Yes! ',
		source_number: '+61491570156',
		destination_number: '+61491570200',
		date_received: '2026-11-27T10:00:00.000Z',
		callback_url: url(),
		metadata: { appointmentId: 'APT-7' },
		vendor_account_id: { vendor_id: 'MessageMedia', account_id: 'DemoAccount' },
	};
	const dr = (status: string, code: string) => ({
		delivery_report_id: `dr-${status}`,
		message_id: 'm-1',
		status,
		error_code: code,
		source_number: '+61491570156',
		date_received: '2026-11-27T10:00:00.000Z',
		submitted_date: '2026-11-27T09:59:59.000Z',
		original_text: 'Reply YES to confirm, NO to cancel',
		delay: 0,
		metadata: { appointmentId: 'APT-7' },
		vendor_account_id: { vendor_id: 'MessageMedia', account_id: 'DemoAccount' },
	});

	function call(
		body: unknown,
		opts: {
			token?: string;
			parameters?: IDataObject;
			/** The wait the URL names (null: none). */
			wait?: string | null;
			/** The waiting execution's item. */
			waiting?: IDataObject;
		} = {},
	) {
		const built = webhookContext({
			node: 'action',
			parameters: opts.parameters ?? params(),
			webhookUrl: url(opts.token, opts.wait === undefined ? WAIT : opts.wait),
			request: { body: typeof body === 'string' ? body : JSON.stringify(body) },
			waitingItem: opts.waiting ?? waitingFor(WAIT),
		});
		return { ...built, result: node.webhook.call(built.context) };
	}

	beforeEach(() => resetDedupStores());

	it('resumes with outcome reply and the same fields as the trigger', async () => {
		const { result } = call(replyObject);
		const data = await result;
		expect(data.workflowData![0][0].json).toMatchObject({
			outcome: 'reply',
			decision: 'confirm',
			event: 'reply',
			id: 'r-1',
			messageId: 'm-1',
			text: 'Yes!',
			from: '+61491570156',
			intent: 'confirm',
			metadata: { appointmentId: 'APT-7' },
			metadata_appointmentId: 'APT-7',
		});
	});

	it('also accepts the webhook-template shape', async () => {
		const { result } = call({
			reply_id: 'r-2',
			content: 'no',
			source_number: '+61491570156',
			metadata: {},
		});
		expect((await result).workflowData![0][0].json).toMatchObject({
			outcome: 'reply',
			intent: 'cancel',
		});
	});

	it.each([
		['enroute', '101'],
		['submitted', '200'],
		['delivered', '220'],
	])('acknowledges a %s report and keeps waiting', async (status, code) => {
		const { result, res } = call(dr(status, code));
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(200);
		expect(res.sent).toEqual({ status: 'waiting', event: `${status.toUpperCase()}_DR` });
	});

	it.each([
		['failed', '400', 'Undeliverable'],
		['expired', '401', 'Validity expired before delivery'],
		['rejected', '302', 'Destination blocked; discarded'],
		['undeliverable', '400', 'Undeliverable'],
		['cancelled', '405', 'Cancelled or deleted by the provider'],
	])('resumes with outcome undelivered on a final %s report', async (status, code, meaning) => {
		const { result } = call(dr(status, code));
		expect((await result).workflowData![0][0].json).toMatchObject({
			outcome: 'undelivered',
			decision: 'undelivered',
			status,
			statusCode: Number(code),
			statusDescription: meaning,
			messageId: 'm-1',
		});
	});

	it('keeps waiting on a failure when Resume on Undelivered is off', async () => {
		const { result, res } = call(dr('failed', '400'), {
			parameters: params({ resumeOnUndelivered: false }),
		});
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(200);
	});

	it.each([
		['a wrong token', 'x'.repeat(40)],
		['no token', ''],
		['a token of another execution', callbackToken('test-secret', 'exec-10', 'node-1', WAIT)],
		['the token of another wait', callbackToken('test-secret', EXEC, 'node-1', 'f'.repeat(12))],
		['the token of the execution without the wait', tokenOf(undefined)],
	])('answers 401 to %s and does not resume', async (_name, bad) => {
		const { result, res } = call(replyObject, { token: bad });
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(401);
	});

	it.each([
		['malformed JSON', '{"reply_id": '],
		['an unknown shape', { hello: 'world' }],
	])('answers 400 to %s', async (_name, body) => {
		const { result, res } = call(body);
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(400);
		expect(String((res.sent as { error: string }).error)).toMatch(/^Not a MessageMedia callback/);
	});

	it('reads the body with the trigger’s parser: template text left unrendered is named', async () => {
		const { result, res } = call('{"reply_id": "$!{replyId}", "content": ');
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(400);
		expect((res.sent as { error: string }).error).toBe(
			'Not a MessageMedia callback: MessageMedia did not render the webhook template: the body still holds the template text "$!{replyId}", "content": "',
		);
	});

	it('reports an unexpected failure as a NodeOperationError that keeps its message', async () => {
		const built = webhookContext({
			node: 'action',
			parameters: params(),
			webhookUrl: url(),
			request: { body: JSON.stringify(replyObject) },
			waitingItem: waitingFor(WAIT),
		});
		jest.spyOn(built.context, 'getWorkflow').mockImplementation(() => {
			throw new Error('workflow unavailable');
		});
		const error = await node.webhook.call(built.context).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('workflow unavailable');
	});

	it('resumes only once when the reply is delivered again after resuming', async () => {
		expect((await call(replyObject).result).workflowData).toHaveLength(1);
		const again = call(replyObject);
		expect(await again.result).toEqual({ noWebhookResponse: true });
		expect(again.res.statusCode).toBe(200);
		expect(again.res.sent).toEqual({ status: 'already resumed' });
		const failedAfter = call(dr('failed', '400'));
		expect(await failedAfter.result).toEqual({ noWebhookResponse: true });
	});

	it('resumes each wait of a node in a loop on its own callback', async () => {
		const rounds = ['0a0a0a0a0a0a', '0b0b0b0b0b0b', '0c0c0c0c0c0c'];
		for (const [n, wait] of rounds.entries()) {
			const { result } = call(
				{ ...replyObject, reply_id: `r-${n}` },
				{ wait, token: tokenOf(wait), waiting: waitingFor(wait) },
			);
			expect((await result).workflowData![0][0].json).toMatchObject({ outcome: 'reply' });
		}
	});

	it('acknowledges a callback for an earlier wait and resumes nothing', async () => {
		const earlier = '0a0a0a0a0a0a';
		const { result, res } = call(replyObject, {
			wait: earlier,
			token: tokenOf(earlier),
			waiting: waitingFor('0c0c0c0c0c0c'),
		});
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(200);
		expect(res.sent).toEqual({ status: 'not waiting for this message' });
	});

	it('still resumes an execution that began waiting before waits had ids', async () => {
		const legacy = { wait: null, token: tokenOf(undefined) };
		const { result } = call(replyObject, { ...legacy, waiting: waitingFor(undefined) });
		expect((await result).workflowData![0][0].json).toMatchObject({ decision: 'confirm' });
		// Once that execution waits again with an id, a late callback to the old URL changes nothing.
		resetDedupStores();
		const late = call(replyObject, { ...legacy, waiting: waitingFor(WAIT) });
		expect(await late.result).toEqual({ noWebhookResponse: true });
		expect(late.res.sent).toEqual({ status: 'not waiting for this message' });
	});
});
