/**
 * Plays the customer: injects an inbound reply through the sandbox's control API
 * (POST /_sandbox/replies), to the latest text that asked for an answer.
 */

interface SandboxMessage {
	message_id: string;
	content: string;
	destination_number: string;
	metadata?: Record<string, string>;
}

/** Texts the examples send in answer to a reply; replying to one of them is never what's meant. */
const ANSWER_KINDS = new Set(['confirmation', 'cancellation']);

export async function sandboxMessages(sandboxUrl: string): Promise<SandboxMessage[]> {
	const res = await fetch(`${sandboxUrl}/_sandbox/messages`);
	if (!res.ok) throw new Error(`GET ${sandboxUrl}/_sandbox/messages -> HTTP ${res.status}`);
	return ((await res.json()) as { messages: SandboxMessage[] }).messages;
}

/**
 * The latest text that asks for an answer: one the examples mark `kind: reminder`, else (for a
 * workflow of the user's own) the latest that is not one of our answers. `to` narrows it to an
 * appointment id or a phone number.
 */
export function latestReminder(
	messages: SandboxMessage[],
	to?: string,
): SandboxMessage | undefined {
	const candidates = messages.filter(
		(m) => !to || m.destination_number === to || m.metadata?.appointmentId === to,
	);
	const newestFirst = [...candidates].reverse();
	return (
		newestFirst.find((m) => m.metadata?.kind === 'reminder') ??
		newestFirst.find((m) => !ANSWER_KINDS.has(m.metadata?.kind ?? ''))
	);
}

export interface ReplyOutcome {
	/** What to tell the user, one line each. */
	lines: string[];
	ok: boolean;
}

/**
 * Sends `content` as the customer's reply and waits (up to `waitMs`) for the text the workflow
 * sends back, so the user sees the whole exchange.
 */
export async function playReply(opts: {
	sandboxUrl: string;
	content: string;
	to?: string;
	/** What to do before there is anything to reply to. */
	firstStep: string;
	waitMs?: number;
}): Promise<ReplyOutcome> {
	const before = await sandboxMessages(opts.sandboxUrl);
	const reminder = latestReminder(before, opts.to);
	if (!reminder) {
		return {
			ok: false,
			lines: [
				opts.to && before.length
					? `No text has been sent to ${opts.to} yet.`
					: 'No reminder has been sent yet, so there is nothing to reply to.',
				opts.firstStep,
			],
		};
	}
	const res = await fetch(`${opts.sandboxUrl}/_sandbox/replies`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ message_id: reminder.message_id, content: opts.content }),
	});
	if (!res.ok) {
		return {
			ok: false,
			lines: [`The sandbox refused the reply: HTTP ${res.status} ${await res.text()}`],
		};
	}
	const appointment = reminder.metadata?.appointmentId;
	const lines = [
		`Customer ${reminder.destination_number}${appointment ? ` (${appointment})` : ''} replied "${opts.content}" to "${reminder.content}".`,
	];
	const deadline = Date.now() + (opts.waitMs ?? 15_000);
	while (Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 500));
		const answer = (await sandboxMessages(opts.sandboxUrl))
			.slice(before.length)
			.find((m) => m.destination_number === reminder.destination_number);
		if (answer) {
			lines.push(`The workflow texted back: "${answer.content}"`);
			return { ok: true, lines };
		}
	}
	lines.push(
		'No text back yet: the reply went to the published "Customer replied" trigger; see its workflow\'s Executions tab (a reply like STOP sends none).',
	);
	return { ok: true, lines };
}
