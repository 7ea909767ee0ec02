import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '../..');

/** The README and every file under docs/: what a reader follows links through. */
const DOCUMENTS = [
	'README.md',
	...fs
		.readdirSync(path.join(ROOT, 'docs'))
		.filter((file) => file.endsWith('.md'))
		.map((file) => `docs/${file}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function anchor(heading: string): string {
	return heading
		.toLowerCase()
		.replace(/[^\p{L}\p{N} _-]/gu, '')
		.replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
	const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
	return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => anchor(heading)));
}

/** Every relative link of a document: [text](target) outside code blocks. */
function relativeLinks(file: string): string[] {
	const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
	return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
		.map(([, target]) => target)
		.filter((target) => !/^[a-z]+:/.test(target));
}

describe('README and docs links', () => {
	it.each(DOCUMENTS)('%s links only to files and headings that exist', (file) => {
		const broken = relativeLinks(file).filter((target) => {
			const [filePart, hash] = target.split('#');
			const resolved = filePart
				? path.relative(ROOT, path.join(ROOT, path.dirname(file), filePart))
				: file;
			if (!fs.existsSync(path.join(ROOT, resolved))) return true;
			return hash !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(hash);
		});
		expect(broken).toEqual([]);
	});

	it('links every file under docs/ from the README', () => {
		const linked = new Set(relativeLinks('README.md').map((target) => target.split('#')[0]));
		expect(DOCUMENTS.filter((doc) => doc !== 'README.md' && !linked.has(doc))).toEqual([]);
	});

	it('reads GitHub anchors as GitHub writes them', () => {
		expect(anchor('The demo: `npm start`')).toBe('the-demo-npm-start');
		expect(anchor('Sending: batching, partial failure and retries')).toBe(
			'sending-batching-partial-failure-and-retries',
		);
	});
});
