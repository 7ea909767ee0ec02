/**
 * Reply classification: CPU microseconds per reply over the labelled corpus (test/fixtures/replies.tsv),
 * today's classifier beside the previous one (whole message, then first word, against three
 * short lists), with each one's accuracy on the same replies.
 */
import { classifyReply } from '../../nodes/MessageMedia/intent/classifyReply';
import { defaultVocabulary } from '../../nodes/MessageMedia/intent/replyIntentLists';
import { loadReplyCorpus, scoreClassifier } from '../../test/intent/replyCorpus';
import { median, round } from './stats';

export interface ClassifierRun {
	name: string;
	/** Median over rounds of the mean time to classify one reply of the corpus. */
	usPerReply: number;
	accuracy: number;
	falseConfirmations: number;
}

const PREVIOUS_DEFAULT_LISTS = {
	stop: ['STOP', 'UNSUBSCRIBE', 'OPTOUT'],
	cancel: ['NO', 'N', 'CANCEL'],
	confirm: ['YES', 'Y', 'CONFIRM'],
};

/** The previous classifier, kept here only as the baseline it is measured against. */
function previousClassify(text: string): string {
	const normalised = text
		.normalize('NFKC')
		.toUpperCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
	if (!normalised) return 'other';
	for (const candidate of [normalised, normalised.split(' ')[0]]) {
		for (const [intent, words] of Object.entries(PREVIOUS_DEFAULT_LISTS)) {
			if (words.includes(candidate)) return intent;
		}
	}
	return 'other';
}

// CPU time rather than wall time: on a shared machine the wall clock counts other processes' turns.
function timePerReply(texts: string[], classify: (text: string) => string, rounds: number): number {
	const perRound: number[] = [];
	for (let round = 0; round < rounds; round++) {
		const start = process.cpuUsage();
		for (let pass = 0; pass < PASSES; pass++) for (const text of texts) classify(text);
		const used = process.cpuUsage(start);
		perRound.push((used.user + used.system) / (PASSES * texts.length));
	}
	return median(perRound);
}

// process.cpuUsage() counts in microseconds: a round spans enough replies to be read to 1%.
const PASSES = 20;

export function classifierBenchmark(quick: boolean): ClassifierRun[] {
	const corpus = loadReplyCorpus();
	const texts = corpus.map((reply) => reply.text);
	const vocabulary = defaultVocabulary();
	const candidates: Array<[string, (text: string) => string]> = [
		['previous (three lists)', previousClassify],
		['today (default lists)', (text) => classifyReply(text, vocabulary).intent],
	];
	const rounds = quick ? 5 : 30;
	return candidates.map(([name, classify]) => {
		timePerReply(texts, classify, 2); // warm-up
		const score = scoreClassifier(corpus, classify);
		return {
			name,
			usPerReply: round(timePerReply(texts, classify, rounds), 2),
			accuracy: score.accuracy,
			falseConfirmations: score.falseConfirmations.length,
		};
	});
}

export function classifierLines(runs: ClassifierRun[]): string[] {
	return runs.map(
		(run) =>
			`reply classifier, ${run.name}: ${run.usPerReply} µs per reply, ${run.accuracy}% right, ${run.falseConfirmations} false confirmations`,
	);
}

// `npx tsx bench/lib/classifier-bench.ts` measures this alone, without the sandbox or n8n.
if (require.main === module) {
	for (const line of classifierLines(classifierBenchmark(process.argv.includes('--quick')))) {
		console.log(line);
	}
}
