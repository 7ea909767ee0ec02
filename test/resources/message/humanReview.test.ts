import nock from 'nock';
import type { IDataObject, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { MessageMedia } from '../../../nodes/MessageMedia/MessageMedia.node';
import {
	CALLBACK_TOKEN_PARAM,
	callbackToken,
} from '../../../nodes/MessageMedia/resources/message/waitIdentity';
import {
	reviewRequestText,
	TEXTED_NUMBER_PARAM,
	textedNumberParam,
} from '../../../nodes/MessageMedia/resources/message/humanReview';
import { N8N_REVIEW_MESSAGE } from '../../../nodes/MessageMedia/n8nInternals';
import { countSegments } from '../../../nodes/MessageMedia/shared/segments';
import { resetDedupStores } from '../../../nodes/MessageMedia/inbound/dedupStore';
import { acceptOneSend } from '../../helpers/messagesApi';
import {
	asN8nHitlProperties,
	executeActionNode,
	TEST_CREDENTIALS,
	webhookContext,
} from '../../helpers/n8n';

const HITL_TYPE = 'n8n-nodes-messagemedia.messageMediaHitlTool';
const CUSTOMER = '+61491570156';
const SECRET = TEST_CREDENTIALS.apiSecret as string;

/** The fields the editor shows for Send and Wait for Reply, as n8n decides it. */
function shownFields(description: INodeTypeDescription): string[] {
	const node = { typeVersion: 1 };
	const values = NodeHelpers.getNodeParameters(
		description.properties,
		{ resource: 'message', operation: SEND_AND_WAIT_OPERATION },
		true,
		false,
		node,
		description,
	)!;
	return description.properties
		.filter((p) => p.type !== 'hidden')
		.filter((p) => NodeHelpers.displayParameter(values, p, node, description))
		.map((p) => p.name);
}

describe('Human review: the panel', () => {
	const { description } = new MessageMedia();
	const variant: INodeTypeDescription = {
		...description,
		name: `${description.name}HitlTool`,
		properties: asN8nHitlProperties(description.properties),
	};

	it('shows one message field, n8n’s, and neither our Message nor the Send and Wait notice', () => {
		const shown = shownFields(variant);
		expect(shown.filter((name) => /message|content/i.test(name))).toEqual(['message']);
		expect(shown).not.toContain('sendAndWaitNotice');
		expect(shown).not.toContain('format');
		expect(shown).toEqual(expect.arrayContaining(['destination', 'limitWaitTime', 'keywords']));
	});

	it('leaves the regular Send and Wait for Reply panel as it was', () => {
		const shown = shownFields(description);
		expect(shown).toEqual(
			expect.arrayContaining(['sendAndWaitNotice', 'destination', 'format', 'content']),
		);
		expect(shown).not.toContain('responseType');
	});
});

describe('Human review: the request it texts', () => {
	const answer = 'Reply YES to approve, NO to decline.';

	it('names the tool and lists its input, one field a line, when everything fits', () => {
		expect(reviewRequestText('Issue_refund', { amount: 40, order: 'A-17' }, answer, 1)).toBe(
			'The agent wants to run this tool: Issue_refund\n\nInput:\namount: 40\norder: A-17\n\n' +
				answer,
		);
	});

	it('leaves out the fields that do not fit and says how many, within Maximum Segments', () => {
		const input = {
			amount: 40,
			order: 'A-17',
			reason: 'The parcel arrived damaged and the customer sent photos',
			note: 'x'.repeat(100),
			customer: 'Jane Citizen',
		};
		const text = reviewRequestText('Issue_refund', input, answer, 1);
		expect(countSegments(text).segments).toBe(1);
		expect(text).toMatch(/\n\.\.\.\(\d more fields?\)\n/);
		const shown = text.split('\n').filter((line) => /^\w+: /.test(line)).length;
		const left = Number(/\((\d) more/.exec(text)![1]);
		expect(shown + left).toBe(Object.keys(input).length);
		expect(text.endsWith(answer)).toBe(true);
		// More room shows more: every field fits in three segments.
		expect(reviewRequestText('Issue_refund', input, answer, 3)).not.toContain('more field');
	});

	it('cuts one long value and never turns the text into UCS-2 with its own marks', () => {
		const text = reviewRequestText('Send_email', { body: 'word '.repeat(100) }, answer, 2);
		expect(text).toMatch(/body: (word ){23}wo\.\.\./);
		expect(countSegments(text).encoding).toBe('GSM-7');
	});
});

describe('Human review: sending and timing out', () => {
	const toolCall = {
		tool: 'Issue_refund',
		toolParameters: { amount: 40, order: 'A-17' },
		toolCallId: 'call_1',
	};
	const params = (overrides: IDataObject = {}): IDataObject => ({
		resource: 'message',
		operation: SEND_AND_WAIT_OPERATION,
		destination: CUSTOMER,
		message: N8N_REVIEW_MESSAGE,
		resumeAmount: 1,
		resumeUnit: 'hours',
		...overrides,
	});

	beforeAll(() => nock.disableNetConnect());
	afterEach(() => nock.cleanAll());
	afterAll(() => nock.enableNetConnect());

	async function send(parameters: IDataObject) {
		const request = acceptOneSend('m-1');
		const { output } = await executeActionNode({ parameters, nodeType: HITL_TYPE }, [
			{ json: toolCall },
		]);
		return { message: request.body!.messages[0], output: output[0][0].json };
	}

	it('texts the tool call as a readable SMS and waits; the time limit is a rejection', async () => {
		const { message, output } = await send(params());
		expect(message).toMatchObject({
			format: 'SMS',
			destination_number: CUSTOMER,
			content:
				'The agent wants to run this tool: Issue_refund\n\nInput:\namount: 40\norder: A-17\n\n' +
				'Reply YES to approve, NO to decline.',
		});
		expect(new URL(String(message.callback_url)).searchParams.get(TEXTED_NUMBER_PARAM)).toBe(
			textedNumberParam(SECRET, CUSTOMER)[TEXTED_NUMBER_PARAM],
		);
		expect(output).toMatchObject({ outcome: 'timeout', approved: false });
		expect(output.chatInput).toBe(output.reason);
		expect(output.reason).toMatch(/time limit/);
	});

	it('sends a message written in the field, cut to Maximum Segments with the cut marked', async () => {
		const { message } = await send(
			params({ message: `Approve? ${'a'.repeat(400)}`, options: { maxSegments: 1 } }),
		);
		expect(countSegments(String(message.content)).segments).toBe(1);
		expect(message.content).toMatch(/^Approve\? a+\.\.\.\(cut\)$/);
	});

	it('asks with the first words of the node’s own keyword lists', async () => {
		const { message } = await send(params({ keywords: { confirm: 'OK, SURE', cancel: 'NOPE' } }));
		expect(String(message.content).endsWith('Reply OK to approve, NOPE to decline.')).toBe(true);
	});
});

describe('Human review: the answer', () => {
	const node = new MessageMedia();
	const EXEC = 'exec-7';
	const url = (query: Record<string, string>) =>
		`https://n8n.example.com/webhook-waiting/${EXEC}/node-1?${new URLSearchParams({
			[CALLBACK_TOKEN_PARAM]: callbackToken(SECRET, EXEC, 'node-1'),
			...query,
			signature: 'abc',
		})}`;
	const locked = url(textedNumberParam(SECRET, CUSTOMER));
	const replyFrom = (from: string, content: string) => ({
		reply_id: `r-${from}-${content}`,
		message_id: 'm-1',
		content,
		source_number: from,
		destination_number: '+61491570200',
		date_received: '2026-11-27T10:00:00.000Z',
		metadata: {},
	});

	function call(
		body: unknown,
		{ nodeType = HITL_TYPE, webhookUrl = locked }: { nodeType?: string; webhookUrl?: string } = {},
	) {
		const built = webhookContext({
			node: 'action',
			nodeType,
			parameters: {
				resource: 'message',
				operation: SEND_AND_WAIT_OPERATION,
				destination: CUSTOMER,
			},
			webhookUrl,
			request: { body: JSON.stringify(body) },
		});
		return { ...built, result: node.webhook.call(built.context) };
	}

	beforeEach(() => resetDedupStores());

	it.each([
		['YES', true, 'The reviewer approved by SMS.'],
		['No thanks', false, 'The reviewer declined by SMS.'],
		["Only if it's under $50", false, 'The reviewer answered by SMS without approving.'],
		['STOP', false, 'The reviewer opted out by SMS (STOP).'],
	])('"%s" resumes with approved %s and the text as chatInput', async (text, approved, reason) => {
		const json = (await call(replyFrom(CUSTOMER, text)).result).workflowData![0][0].json;
		expect(json).toMatchObject({ outcome: 'reply', approved, chatInput: text, reason });
	});

	it('an undelivered review is a rejection whose reason is the chatInput', async () => {
		const json = (
			await call({
				delivery_report_id: 'dr-1',
				message_id: 'm-1',
				status: 'failed',
				error_code: '400',
				source_number: CUSTOMER,
				date_received: '2026-11-27T10:00:00.000Z',
				metadata: {},
			}).result
		).workflowData![0][0].json;
		expect(json).toMatchObject({ outcome: 'undelivered', approved: false });
		expect(json.chatInput).toMatch(/could not be delivered/);
	});

	it.each([
		['the Human review', HITL_TYPE],
		['Send and Wait for Reply', 'n8n-nodes-messagemedia.messageMedia'],
	])(
		'in %s, a reply from another number is acknowledged and resumes nothing',
		async (_name, nodeType) => {
			const other = call(replyFrom('+61491570999', 'YES'), { nodeType });
			expect(await other.result).toEqual({ noWebhookResponse: true });
			expect(other.res.statusCode).toBe(200);
			expect(other.res.sent).toEqual({ status: 'ignored', reason: 'not the number texted' });
			// The wait is still open: the number texted resumes it.
			const own = await call(replyFrom(CUSTOMER, 'YES'), { nodeType }).result;
			expect(own.workflowData![0][0].json).toMatchObject({ outcome: 'reply', decision: 'confirm' });
		},
	);

	it('a wait whose callback URL predates the number check accepts any number, as it did', async () => {
		const data = await call(replyFrom('+61491570999', 'YES'), {
			nodeType: 'n8n-nodes-messagemedia.messageMedia',
			webhookUrl: url({}),
		}).result;
		expect(data.workflowData![0][0].json).toMatchObject({ decision: 'confirm' });
		// The regular node says approved as the link buttons do; the review-only fields stay out.
		expect(data.workflowData![0][0].json.approved).toBe(true);
		expect(data.workflowData![0][0].json.chatInput).toBeUndefined();
	});
});
