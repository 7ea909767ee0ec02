import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import type { Show } from '../../shared/descriptions';
import type { ParameterReader } from '../../shared/itemParameterReader';
import { firstEntryOf } from '../../intent/replyIntentLists';
import { countSegments } from '../../shared/segments';
import { secretsMatch } from '../../inbound/verifyRequest';
import { isHumanReview, N8N_REVIEW_MESSAGE, REVIEW_RESPONSE_TYPE } from '../../n8nInternals';
import { hmac } from './waitIdentity';

/*
 * Send and Wait for Reply as the "Human review" tool of n8n's AI Agent. What n8n does with a node
 * that has a sendAndWait operation is in n8nInternals.ts (entry 6). The node's input item holds
 * the tool call: `tool` (its name) and `toolParameters`.
 */

/** Segments a review request may use when Maximum Segments is not set. */
export const DEFAULT_REVIEW_SEGMENTS = 2;

// One input value longer than this is cut, so that one long field does not crowd out the rest.
const MAX_VALUE_CHARACTERS = 120;

/** The query parameter of the callback URL that names, as a keyed hash, the number texted. */
export const TEXTED_NUMBER_PARAM = 'mm_to';

// Fields of Send and Wait that a tool's review does not use: n8n's own `message` replaces
// `content`, a review is always an SMS, and the notice explains branching, which the agent does.
const NOT_IN_REVIEW = ['sendAndWaitNotice', 'content', 'format'];

/**
 * Send and Wait's properties, with the fields a review does not use hidden in the Human review
 * variant, and the `responseType` property n8n switches to `approval` there (unless one exists).
 */
export function withHumanReview(properties: INodeProperties[], show: Show): INodeProperties[] {
	const hideInReview = { responseType: [REVIEW_RESPONSE_TYPE] };
	const adapted = properties.map((property) =>
		NOT_IN_REVIEW.includes(property.name)
			? {
					...property,
					displayOptions: {
						...property.displayOptions,
						hide: { ...property.displayOptions?.hide, ...hideInReview },
					},
				}
			: property,
	);
	if (adapted.some((property) => property.name === 'responseType')) return adapted;
	return [
		...adapted,
		{
			displayName: 'Response Type',
			name: 'responseType',
			type: 'hidden',
			default: 'reply',
			displayOptions: { show },
		},
	];
}

function readable(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	const oneLine = String(text ?? '')
		.replace(/\s+/g, ' ')
		.trim();
	return oneLine.length > MAX_VALUE_CHARACTERS
		? `${oneLine.slice(0, MAX_VALUE_CHARACTERS - 3)}...`
		: oneLine;
}

function fits(text: string, maxSegments: number): boolean {
	return countSegments(text).segments <= maxSegments;
}

/** Cuts text to fit, marking the cut; ASCII only, so the marker cannot turn a text into UCS-2. */
export function cutToFit(text: string, maxSegments: number): string {
	if (fits(text, maxSegments)) return text;
	const characters = [...text];
	let low = 0;
	let high = characters.length;
	while (low < high) {
		const mid = Math.ceil((low + high) / 2);
		if (fits(`${characters.slice(0, mid).join('')}...(cut)`, maxSegments)) low = mid;
		else high = mid - 1;
	}
	return `${characters.slice(0, low).join('').trimEnd()}...(cut)`;
}

/**
 * The review request n8n's default message describes, as an SMS: the tool's name, then its input
 * one `field: value` line each, as many as fit, then how many were left out, then how to answer.
 */
export function reviewRequestText(
	toolName: string,
	parameters: unknown,
	answer: string,
	maxSegments: number,
): string {
	const head = `The agent wants to run this tool: ${toolName}\n\nInput:`;
	const entries =
		parameters !== null && typeof parameters === 'object' && !Array.isArray(parameters)
			? Object.entries(parameters as IDataObject)
			: [['input', parameters] as [string, unknown]];
	const lines = entries.map(([key, value]) => `${key}: ${readable(value)}`);
	const compose = (shown: number) => {
		const left = lines.length - shown;
		const cut = left > 0 ? [`...(${left} more field${left === 1 ? '' : 's'})`] : [];
		return [head, ...lines.slice(0, shown), ...cut, '', answer].join('\n');
	};
	for (let shown = lines.length; shown >= 0; shown--) {
		const text = compose(shown);
		if (fits(text, maxSegments)) return text;
	}
	return cutToFit(compose(0), maxSegments);
}

/** How to answer, in the first keywords of the node's confirm and cancel lists. */
function answerLine(keywords: IDataObject): string {
	const [confirm, cancel] = [firstEntryOf(keywords, 'confirm'), firstEntryOf(keywords, 'cancel')];
	return `Reply ${confirm ?? 'YES'} to approve, ${cancel ?? 'NO'} to decline.`;
}

/**
 * Reads Send and Wait's parameters for a Human review: the text is n8n's `message` made to fit the
 * node's Maximum Segments, and the format is SMS. Every other parameter reads as usual.
 */
export function reviewParameterReader(
	ctx: IExecuteFunctions,
	node: INode,
	read: ParameterReader,
): ParameterReader {
	if (!isHumanReview(node)) return read;
	return (name, itemIndex, fallback, options) => {
		if (name === 'format') return 'SMS';
		if (name !== 'content') return read(name, itemIndex, fallback, options);
		const maxSegments =
			Number((read('options', itemIndex, {}) as IDataObject).maxSegments) ||
			DEFAULT_REVIEW_SEGMENTS;
		const answer = answerLine(read('keywords', itemIndex, {}) as IDataObject);
		if (node.parameters.message === undefined || node.parameters.message === N8N_REVIEW_MESSAGE) {
			// n8n's default renders the input as one JSON string; a person reads fields better.
			const call = ctx.getInputData()[itemIndex]?.json ?? {};
			return reviewRequestText(String(call.tool ?? ''), call.toolParameters, answer, maxSegments);
		}
		const written = String(read('message', itemIndex, '') ?? '');
		return cutToFit(`${written}\n\n${answer}`, maxSegments);
	};
}

/** The keyed hash of the number texted, carried in the callback URL (see repliedFromTextedNumber). */
export function textedNumberParam(apiSecret: string, number: string): Record<string, string> {
	return { [TEXTED_NUMBER_PARAM]: numberFingerprint(apiSecret, number) };
}

function numberFingerprint(apiSecret: string, number: string): string {
	return hmac(apiSecret, 'messagemedia-send-and-wait-to', [number.replace(/\D/g, '')]).slice(0, 24);
}

/**
 * Whether a reply comes from the number the question was texted to. A callback URL without the
 * parameter was made before it existed; its wait accepts any number, as it did then.
 */
export function repliedFromTextedNumber(
	query: IDataObject,
	apiSecret: string,
	from: string,
): boolean {
	const expected = query[TEXTED_NUMBER_PARAM];
	if (typeof expected !== 'string' || expected === '') return true;
	return secretsMatch(numberFingerprint(apiSecret, from), expected);
}

const DECLINED_BECAUSE: Record<string, string> = {
	cancel: 'The reviewer declined by SMS.',
	stop: 'The reviewer opted out by SMS (STOP).',
	other: 'The reviewer answered by SMS without approving.',
	timeout: 'No SMS reply came before the time limit, so the action was not approved.',
	skipped: 'Send Once skipped the review SMS (its key was already sent), so nothing was approved.',
	undelivered: 'The review SMS could not be delivered, so the action was not approved.',
};

/**
 * `approved` is true only for a confirming answer, in every outcome, so a reply and a link button
 * route alike. A Human review adds what n8n's agent reads: in `chatInput` what the person wrote or,
 * without a reply, why nothing was approved (the agent quotes only `chatInput` to the model).
 */
export function reviewVerdict(node: INode, decision: string, replyText?: string): IDataObject {
	const approved = decision === 'confirm';
	if (!isHumanReview(node)) return { approved };
	const reason = approved ? 'The reviewer approved by SMS.' : DECLINED_BECAUSE[decision];
	const answered = decision !== 'timeout' && decision !== 'undelivered';
	const chatInput = answered && replyText !== undefined ? replyText : reason;
	return { approved, reason, chatInput };
}
