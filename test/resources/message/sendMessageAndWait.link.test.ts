/**
 * Send and Wait for Reply answered by link: the link in the SMS, the page it opens, and the
 * button's POST as the only thing that decides. Also: a node saved before the response type
 * existed sends and resumes as it did.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { MessageMedia } from '../../../nodes/MessageMedia/MessageMedia.node';
import { resetDedupStores } from '../../../nodes/MessageMedia/inbound/dedupStore';
import {
	CALLBACK_TOKEN_PARAM,
	callbackToken,
	LINK_TOKEN_PARAM,
	linkToken,
	WAIT_ID_PARAM,
} from '../../../nodes/MessageMedia/resources/message/waitIdentity';
import { acceptOneSend } from '../../helpers/messagesApi';
import { BASE_URL, executeActionNode, TEST_CREDENTIALS, webhookContext } from '../../helpers/n8n';

const QUESTION = 'Dr Lee, Tue 10:00. Tap to confirm:';
const params = (overrides: IDataObject = {}): IDataObject => ({
	resource: 'message',
	operation: SEND_AND_WAIT_OPERATION,
	destination: '+61491570156',
	content: QUESTION,
	answerWith: 'link',
	resumeAmount: 2,
	resumeUnit: 'hours',
	...overrides,
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** Sends with these parameters; answers what MessageMedia received and the node's output. */
async function send(parameters: IDataObject, input: IDataObject = {}) {
	const request = acceptOneSend('m-1');
	const run = await executeActionNode({ parameters, executionId: 'exec-5' }, [input]);
	return { message: request.body!.messages[0], json: run.output[0][0].json };
}

describe('Confirm by link: sending', () => {
	it('ends the SMS with one link to this wait, its own token, and counts it in the segments', async () => {
		const { message, json } = await send(params());
		const content = String(message.content);
		const [question, link] = content.split('\n');
		expect(question).toBe(QUESTION);
		const url = new URL(link);
		const waitId = url.searchParams.get(WAIT_ID_PARAM)!;
		expect(url.pathname).toBe('/webhook-waiting/exec-5/node-1');
		expect(waitId).toBe(json.waitId);
		expect(url.searchParams.get(LINK_TOKEN_PARAM)).toBe(
			linkToken('test-secret', 'exec-5', 'node-1', waitId),
		);
		// The link never carries the callback token: holding the SMS does not let one post as MessageMedia.
		expect(url.searchParams.has(CALLBACK_TOKEN_PARAM)).toBe(false);
		expect(url.searchParams.get('signature')).toMatch(/\S+/);
		// The callback stays as for a reply, so an SMS answer still resumes.
		expect(new URL(String(message.callback_url)).searchParams.get(WAIT_ID_PARAM)).toBe(waitId);
		expect(json.content).toBe(QUESTION);
	});

	it('refuses to send when the link takes the message past Maximum Segments', async () => {
		const scope = nock(BASE_URL).post('/v1/messages').reply(202, { messages: [] });
		const parameters = params({ content: 'x'.repeat(150), options: { maxSegments: 1 } });
		await expect(executeActionNode({ parameters }, [{}])).rejects.toMatchObject({
			message: expect.stringMatching(/segment/i),
		});
		expect(scope.isDone()).toBe(false);
		nock.cleanAll();
		// The same text without the link fits in one.
		await expect(send(params({ ...parameters, answerWith: 'reply' }))).resolves.toBeDefined();
	});
});

describe('Confirm by link: the page', () => {
	const node = new MessageMedia();
	const EXEC = 'exec-5';
	const WAIT = '0123456789ab';
	const secret = TEST_CREDENTIALS.apiSecret as string;
	const linkUrl = (token = linkToken(secret, EXEC, 'node-1', WAIT), wait = WAIT) =>
		`https://n8n.example.com/webhook-waiting/${EXEC}/node-1?${WAIT_ID_PARAM}=${wait}&${LINK_TOKEN_PARAM}=${token}&signature=abc`;
	const waiting = (wait = WAIT): IDataObject => ({
		outcome: 'timeout',
		messageId: 'm-1',
		to: '+61491570156',
		content: QUESTION,
		metadata: { appointmentId: 'APT-9' },
		waitId: wait,
	});

	function open(
		method: 'GET' | 'POST',
		opts: {
			body?: string;
			agent?: string;
			url?: string;
			parameters?: IDataObject;
			current?: string;
		} = {},
	) {
		const built = webhookContext({
			node: 'action',
			parameters: opts.parameters ?? params(),
			webhookUrl: opts.url ?? linkUrl(),
			request: {
				method,
				body: opts.body ?? '',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					'user-agent':
						opts.agent ??
						'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
				},
			},
			waitingItem: waiting(opts.current),
		});
		return { res: built.res, result: node.webhook.call(built.context) };
	}

	beforeEach(() => resetDedupStores());

	it('shows the question and the buttons on a GET, and decides nothing', async () => {
		const parameters = params({
			confirmLabel: 'Yes, I’ll be there',
			thirdButtonLabel: 'Reschedule',
		});
		const { res, result } = open('GET', { parameters });
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(200);
		const html = String(res.sent);
		expect(html).toContain(QUESTION);
		expect(html).toContain('<form method="post">');
		expect(html).toContain('value="confirm"');
		expect(html).toContain('Yes, I’ll be there');
		expect(html).toContain('value="cancel"');
		expect(html).toContain('value="reschedule"');
		expect(html).toContain('name="viewport"');
	});

	it('resumes once on the button’s POST, with the same decision fields as a reply', async () => {
		const { res, result } = open('POST', { body: 'decision=confirm' });
		expect((await result).workflowData![0][0].json).toMatchObject({
			outcome: 'link',
			decision: 'confirm',
			approved: true,
			button: 'Confirm',
			messageId: 'm-1',
			metadata: { appointmentId: 'APT-9' },
			metadata_appointmentId: 'APT-9',
		});
		expect(String(res.sent)).toContain('Your answer was recorded: Confirm');
		const again = open('POST', { body: 'decision=cancel' });
		expect((await again.result).workflowData).toBeUndefined();
		expect(String(again.res.sent)).toContain('already been answered');
	});

	it.each([
		['cancel', 'decision=cancel', { decision: 'cancel', approved: false }],
		['the third button', 'decision=reschedule', { decision: 'reschedule', approved: false }],
	])('records %s', async (_name, body, expected) => {
		const { result } = open('POST', {
			body,
			parameters: params({ thirdButtonLabel: 'Reschedule' }),
		});
		expect((await result).workflowData![0][0].json).toMatchObject(expected);
	});

	it.each([
		'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
		'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
		'WhatsApp/2.23.20.0',
		'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
	])('never decides for a link preview or bot (%s), even on a POST', async (agent) => {
		for (const method of ['GET', 'POST'] as const) {
			const { res, result } = open(method, { agent, body: 'decision=confirm' });
			expect((await result).workflowData).toBeUndefined();
			expect(res.statusCode).toBe(200);
		}
		// The customer's own tap afterwards still counts.
		expect((await open('POST', { body: 'decision=confirm' }).result).workflowData).toHaveLength(1);
	});

	it('answers 400 to a decision that is not one of the buttons', async () => {
		const { res, result } = open('POST', { body: 'decision=reschedule' });
		expect((await result).workflowData).toBeUndefined();
		expect(res.statusCode).toBe(400);
	});

	it.each([
		['a wrong token', linkUrl('0'.repeat(24))],
		['the callback token', linkUrl(callbackToken(secret, EXEC, 'node-1', WAIT))],
		['no wait id', linkUrl().replace(`${WAIT_ID_PARAM}=${WAIT}&`, '')],
	])('answers 401 to a link with %s', async (_name, url) => {
		const { res, result } = open('POST', { url, body: 'decision=confirm' });
		expect((await result).workflowData).toBeUndefined();
		expect(res.statusCode).toBe(401);
	});

	it('shows a closed page for the link of an earlier wait, and decides nothing', async () => {
		const { res, result } = open('POST', { body: 'decision=confirm', current: 'ffffffffffff' });
		expect((await result).workflowData).toBeUndefined();
		expect(res.statusCode).toBe(200);
		expect(String(res.sent)).toContain('already been answered or has closed');
	});

	it('does not take a MessageMedia callback on the link', async () => {
		const { res, result } = open('POST', {
			body: JSON.stringify({ reply_id: 'r-1', content: 'yes', source_number: '+61491570156' }),
		});
		expect((await result).workflowData).toBeUndefined();
		expect(res.statusCode).toBe(400);
	});
});

describe('Send and Wait saved before the response type existed', () => {
	// The node as the appointment example saved it, before link answers and per-wait ids.
	const saved: IDataObject = {
		resource: 'message',
		operation: 'sendAndWait',
		destination: '={{ $json.body.phone }}',
		format: 'SMS',
		content:
			'=Hi {{ $json.body.name }}, your appointment is {{ $json.body.when }}. Reply YES to confirm, NO to cancel.',
		from: { __rl: true, mode: 'list', value: '' },
		options: {
			metadata: { entries: [{ key: 'appointmentId', value: '={{ $json.body.appointmentId }}' }] },
		},
		limitWaitTime: true,
		limitType: 'afterTimeInterval',
		resumeAmount: 24,
		resumeUnit: 'hours',
		resumeOnUndelivered: true,
		keywords: { cancel: 'NO, N, CANCEL', confirm: 'YES, Y, CONFIRM', stop: 'STOP' },
	};
	const input = {
		body: { phone: '+61491570156', name: 'Ann', when: 'Tuesday 10:00', appointmentId: 'A-1' },
	};

	beforeEach(() => resetDedupStores());

	it('sends the same text, without a link, and resumes on the SMS reply', async () => {
		const { message, json } = await send(saved, input);
		expect(message.content).toBe(
			'Hi Ann, your appointment is Tuesday 10:00. Reply YES to confirm, NO to cancel.',
		);
		expect(message.delivery_report).toBe(true);
		const built = webhookContext({
			node: 'action',
			parameters: saved,
			webhookUrl: String(message.callback_url),
			request: {
				body: JSON.stringify({
					reply_id: 'r-1',
					message_id: 'm-1',
					content: 'yes',
					source_number: '+61491570156',
					metadata: { appointmentId: 'A-1' },
				}),
			},
			waitingItem: json,
		});
		const data = await new MessageMedia().webhook.call(built.context);
		expect(data.workflowData![0][0].json).toMatchObject({
			outcome: 'reply',
			decision: 'confirm',
			metadata_appointmentId: 'A-1',
		});
	});
});
