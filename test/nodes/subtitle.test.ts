import { MessageMedia } from '../../nodes/MessageMedia/MessageMedia.node';
import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import { eventSubtitleWords } from '../../nodes/MessageMedia/shared/events';
import { operationSubtitles, resources } from '../../nodes/MessageMedia/resources/resourceTable';

describe('action node subtitle', () => {
	const subtitle = new MessageMedia().description.subtitle!;

	it('spells out operationSubtitles() (the literal n8n lint wants cannot drift from the table)', () => {
		expect(subtitle).toBe(
			`={{ (${JSON.stringify(operationSubtitles())})[$parameter["resource"] + ":" + $parameter["operation"]] ?? $parameter["operation"] }}`,
		);
	});

	it('words every operation of every resource as a person would say it', () => {
		const table = operationSubtitles();
		for (const resource of resources) {
			const operation = resource.description.find((p) => p.name === 'operation');
			for (const option of (operation?.options ?? []) as Array<{ value: string }>) {
				expect(table[`${resource.value}:${option.value}`]).toMatch(/^[A-Z][a-z]+( [a-z-]+)+$/);
			}
		}
		expect(table['message:send']).toBe('Send message');
		expect(table['optOut:add']).toBe('Add opt-out');
		expect(table['reply:getAll']).toBe('Get replies');
	});

	it('evaluates to those words in an n8n expression', () => {
		// The subtitle is an n8n expression: `={{ … }}` around plain JavaScript.
		const body = subtitle.slice('={{'.length, -'}}'.length);
		const evaluate = (parameter: Record<string, string>) =>
			new Function('$parameter', `return (${body});`)(parameter);
		expect(evaluate({ resource: 'message', operation: 'send' })).toBe('Send message');
		expect(evaluate({ resource: 'optOut', operation: 'add' })).toBe('Add opt-out');
		expect(evaluate({ resource: 'message', operation: 'novel' })).toBe('novel');
	});
});

describe('trigger node subtitle', () => {
	const subtitle = new MessageMediaTrigger().description.subtitle!;
	const evaluate = (events: string[]) =>
		new Function('$parameter', `return (${subtitle.slice('={{'.length, -'}}'.length)});`)({
			events,
		});

	it('spells out eventSubtitleWords()', () => {
		expect(subtitle).toBe(
			`={{ "On " + $parameter["events"].map((e) => (${JSON.stringify(eventSubtitleWords())})[e] ?? e).join(", ") }}`,
		);
	});

	it('names the events in words', () => {
		expect(evaluate(['RECEIVED_SMS', 'RECEIVED_MMS', 'OPT_OUT_SMS'])).toBe(
			'On SMS reply, MMS reply, opt-out',
		);
		expect(evaluate(['*'])).toBe('On any event');
		expect(evaluate(['FAILED_DR'])).toBe('On message failed');
	});
});
