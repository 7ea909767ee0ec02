/**
 * The team's labelled replies (test/fixtures/replies.tsv) and how a classifier scores on them;
 * shared by the corpus test, which asserts the figures, and the benchmark, which times them.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface LabelledReply {
	intent: string;
	text: string;
}

export const CORPUS_FILE = path.resolve(__dirname, '..', 'fixtures', 'replies.tsv');

/** `intent<TAB>reply` per line; `#` lines are comments. A reply keeps its own spaces. */
export function loadReplyCorpus(file = CORPUS_FILE): LabelledReply[] {
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.filter((line) => line.trim() && !line.startsWith('#'))
		.map((line) => {
			const tab = line.indexOf('\t');
			return { intent: line.slice(0, tab), text: line.slice(tab + 1) };
		});
}

export interface CorpusScore {
	total: number;
	correct: number;
	/** Share of replies classified as labelled, in percent, one decimal. */
	accuracy: number;
	/** Replies not labelled confirm that came out confirm: the costliest mistake. */
	falseConfirmations: LabelledReply[];
	/** Replies not labelled cancel that came out cancel. */
	falseCancellations: LabelledReply[];
	/** Per labelled intent: how many, and how many came out right. */
	byIntent: Record<string, { total: number; correct: number }>;
	mistakes: Array<LabelledReply & { got: string }>;
}

export function scoreClassifier(
	corpus: LabelledReply[],
	classify: (text: string) => string,
): CorpusScore {
	const score: CorpusScore = {
		total: corpus.length,
		correct: 0,
		accuracy: 0,
		falseConfirmations: [],
		falseCancellations: [],
		byIntent: {},
		mistakes: [],
	};
	for (const reply of corpus) {
		const got = classify(reply.text);
		const tally = (score.byIntent[reply.intent] ??= { total: 0, correct: 0 });
		tally.total += 1;
		if (got === reply.intent) {
			score.correct += 1;
			tally.correct += 1;
			continue;
		}
		score.mistakes.push({ ...reply, got });
		if (got === 'confirm') score.falseConfirmations.push(reply);
		if (got === 'cancel') score.falseCancellations.push(reply);
	}
	score.accuracy = Math.round((score.correct / score.total) * 1000) / 10;
	return score;
}

/** The figures as docs/reply-intents.md quotes them. */
export function describeScore(name: string, score: CorpusScore): string {
	const intents = Object.entries(score.byIntent)
		.map(([intent, { total, correct }]) => `${intent} ${correct}/${total}`)
		.join(', ');
	return [
		`${name}: ${score.correct}/${score.total} right (${score.accuracy}%)`,
		`  by intent: ${intents}`,
		`  false confirmations: ${score.falseConfirmations.length}, false cancellations: ${score.falseCancellations.length}`,
	].join('\n');
}
