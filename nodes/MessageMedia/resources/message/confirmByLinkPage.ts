/** One button on the confirmation page, and the decision it records. */
export interface LinkButton {
	decision: string;
	label: string;
}

function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

const STYLE = `
body{margin:0;font-family:-apple-system,system-ui,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1f2328}
main{max-width:28rem;margin:0 auto;padding:1.5rem 1.25rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
p{font-size:1.125rem;line-height:1.5;margin:0 0 1.25rem;white-space:pre-wrap;overflow-wrap:anywhere}
button{display:block;width:100%;min-height:3rem;margin:.75rem 0 0;border:0;border-radius:8px;font-size:1.125rem;font-weight:600;cursor:pointer}
.confirm{background:#1a7f37;color:#fff}.cancel{background:#cf222e;color:#fff}.other{background:#e7ebef;color:#1f2328}
`;

function page(title: string, body: string): string {
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><div class="card">${body}</div></main></body></html>`;
}

/**
 * The page the link in the SMS opens: the question and one button per answer. Opening it decides
 * nothing; only a button (a form POST to the same address) does.
 */
export function questionPage(question: string, buttons: LinkButton[]): string {
	const choices = buttons
		.map(
			(b) =>
				`<button type="submit" name="decision" value="${escapeHtml(b.decision)}" class="${
					['confirm', 'cancel'].includes(b.decision) ? b.decision : 'other'
				}">${escapeHtml(b.label)}</button>`,
		)
		.join('');
	return page('Your answer', `<p>${escapeHtml(question)}</p><form method="post">${choices}</form>`);
}

/** The page after a button was pressed. */
export function answeredPage(label: string): string {
	return page('Thank you', `<p>Thank you. Your answer was recorded: ${escapeHtml(label)}.</p>`);
}

/** The page for a link whose question is no longer open (answered, or replaced by a newer one). */
export function closedPage(): string {
	return page('No answer needed', '<p>This question has already been answered or has closed.</p>');
}
