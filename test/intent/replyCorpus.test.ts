/**
 * The classifier on the team's labelled replies. `npx jest test/intent/replyCorpus.test.ts`
 * prints the figures docs/reply-intents.md quotes.
 */
import { classifyReply } from '../../nodes/MessageMedia/intent/classifyReply';
import { CARRIER_OPT_OUT_KEYWORDS } from '../../nodes/MessageMedia/intent/defaultIntentLists';
import { defaultVocabulary } from '../../nodes/MessageMedia/intent/replyIntentLists';
import { describeScore, loadReplyCorpus, scoreClassifier } from './replyCorpus';

const corpus = loadReplyCorpus();
const vocabulary = defaultVocabulary();
const score = scoreClassifier(corpus, (text) => classifyReply(text, vocabulary).intent);

afterAll(() => {
	const mistakes = score.mistakes.map(
		(m) => `  ${m.intent} read as ${m.got}: ${JSON.stringify(m.text)}`,
	);
	console.log([describeScore('Default lists', score), ...mistakes].join('\n'));
});

describe('the labelled replies, with the default lists', () => {
	it('hold at least 300 replies, with every default intent well represented', () => {
		expect(corpus.length).toBeGreaterThanOrEqual(300);
		const thin = ['confirm', 'cancel', 'stop', 'reschedule', 'other'].filter(
			(intent) => (score.byIntent[intent]?.total ?? 0) < 40,
		);
		expect(thin).toEqual([]);
	});

	it('are classified at least 95% right', () => {
		// The mistakes are printed with the figures.
		expect(score.accuracy).toBeGreaterThanOrEqual(95);
	});

	it('give no false confirmation', () => {
		expect(score.falseConfirmations).toEqual([]);
	});

	it('recognise every opt-out keyword carriers honour, in any case (CANCEL as a cancellation)', () => {
		for (const keyword of CARRIER_OPT_OUT_KEYWORDS) {
			for (const text of [keyword, keyword.toUpperCase(), `${keyword}!`]) {
				const match = classifyReply(text, vocabulary);
				expect({ text, intent: match.intent, carrierKeyword: match.carrierKeyword }).toEqual({
					text,
					intent: keyword === 'cancel' ? 'cancel' : 'stop',
					carrierKeyword: true,
				});
			}
		}
	});
});
