import { MessageMedia } from '../../nodes/MessageMedia/MessageMedia.node';
import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import { resources } from '../../nodes/MessageMedia/resources/resourceTable';

/**
 * A subtitle is an n8n template: text with `{{ … }}` JavaScript expressions, after a leading `=`.
 * Evaluates it for the given parameters, as the canvas does.
 */
function renderSubtitle(subtitle: string, parameters: Record<string, unknown>): string {
	expect(subtitle.startsWith('=')).toBe(true);
	return subtitle
		.slice(1)
		.replace(/\{\{(.+?)\}\}/g, (_, code: string) =>
			String(new Function('$parameter', `return (${code});`)(parameters)),
		);
}

/**
 * How many characters n8n 2.41's canvas shows under a node on one line without cutting them off
 * (the browser e2e test checks the real canvas; "On SMS reply, MMS reply, opt-out" was cut).
 */
const FITS_ON_CANVAS = 26;

describe('action node subtitle', () => {
	const subtitle = new MessageMedia().description.subtitle!;

	it("is n8n's own resource/operation subtitle", () => {
		expect(subtitle).toBe('={{$parameter["operation"] + ": " + $parameter["resource"]}}');
		expect(renderSubtitle(subtitle, { resource: 'message', operation: 'send' })).toBe(
			'send: message',
		);
	});

	it('fits on the canvas for every operation of every resource', () => {
		const rendered = resources.flatMap((resource) => {
			const operation = resource.description.find((p) => p.name === 'operation');
			return ((operation?.options ?? []) as Array<{ value: string }>).map((option) =>
				renderSubtitle(subtitle, { resource: resource.value, operation: option.value }),
			);
		});
		expect(rendered.length).toBeGreaterThan(20);
		expect(rendered.filter((text) => text.length > FITS_ON_CANVAS)).toEqual([]);
	});
});

describe('trigger node subtitle', () => {
	const subtitle = new MessageMediaTrigger().description.subtitle!;
	const render = (events: string[]) => renderSubtitle(subtitle, { events });

	it('counts the selected events, or says all', () => {
		expect(render(['RECEIVED_SMS', 'RECEIVED_MMS', 'OPT_OUT_SMS'])).toBe('Events: 3');
		expect(render(['FAILED_DR'])).toBe('Events: 1');
		expect(render(['*'])).toBe('Events: all');
	});

	it('fits on the canvas whatever is selected', () => {
		const events = new MessageMediaTrigger().description.properties.find(
			(p) => p.name === 'events',
		);
		const every = ((events?.options ?? []) as Array<{ value: string }>).map((o) => o.value);
		expect(render(every).length).toBeLessThanOrEqual(FITS_ON_CANVAS);
	});
});
