import * as fs from 'fs';
import * as path from 'path';

import { MessageMediaMessagingApi } from '../../credentials/MessageMediaMessagingApi.credentials';
import { MessageMedia } from '../../nodes/MessageMedia/MessageMedia.node';
import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';

/** What n8n reads from a node's codex file (n8n-core 2.41.1, DirectoryLoader.getCodex). */
interface Codex {
	node: string;
	categories: string[];
	alias?: string[];
	resources: {
		primaryDocumentation: Array<{ url: string }>;
		credentialDocumentation: Array<{ url: string }>;
	};
}

const NODES_DIR = path.join(__dirname, '../../nodes/MessageMedia');
const CODEX = fs
	.readdirSync(NODES_DIR)
	.filter((file) => file.endsWith('.node.json'))
	.map((file) => ({ file, codex: JSON.parse(fs.readFileSync(path.join(NODES_DIR, file), 'utf8')) }))
	.map(({ file, codex }) => ({ file, codex: codex as Codex }));
const PACKAGE_PAGE = 'https://www.npmjs.com/package/n8n-nodes-messagemedia';

describe('codex files (what the node panel searches and the Docs link opens)', () => {
	it('exist for both nodes', () => {
		expect(CODEX.map(({ file }) => file).sort()).toEqual([
			'MessageMedia.node.json',
			'MessageMediaTrigger.node.json',
		]);
	});

	it.each(CODEX)('$file is found by searching SMS, text message or Sinch', ({ codex }) => {
		// The node panel matches a search against the display name and codex.alias, letters in
		// order (n8n-editor-ui 2.41.1); "MessageMedia" alone contains none of these.
		const aliases = (codex.alias ?? []).map((alias) => alias.toLowerCase());
		for (const search of ['sms', 'text message', 'sinch']) {
			expect(aliases.some((alias) => alias.includes(search))).toBe(true);
		}
	});

	it.each(CODEX)('$file links one documentation page, the published README', ({ codex }) => {
		const { primaryDocumentation, credentialDocumentation } = codex.resources;
		expect(primaryDocumentation).toHaveLength(1);
		for (const { url } of [...primaryDocumentation, ...credentialDocumentation]) {
			expect(url.startsWith(`${PACKAGE_PAGE}#`)).toBe(true);
		}
	});

	it('sends each node to its own section of the README', () => {
		const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
		const anchors = new Set(
			[...readme.matchAll(/^#{2,3} (.+)$/gm)].map(([, title]) =>
				title
					.toLowerCase()
					.replace(/[^a-z0-9 -]/g, '')
					.replace(/ /g, '-'),
			),
		);
		const linked = CODEX.flatMap(({ codex }) => [
			...codex.resources.primaryDocumentation,
			...codex.resources.credentialDocumentation,
		]).map(({ url }) => url.slice(url.indexOf('#') + 1));
		expect(linked.filter((anchor) => !anchors.has(anchor))).toEqual([]);
		expect(
			new Set(CODEX.map(({ codex }) => codex.resources.primaryDocumentation[0].url)).size,
		).toBe(CODEX.length);
	});

	it("gives the details view's Docs link the codex's page, as written (no query after the #)", () => {
		const byCodex = Object.fromEntries(
			CODEX.map(({ codex }) => [
				codex.node.split('.')[1],
				codex.resources.primaryDocumentation[0].url,
			]),
		);
		for (const node of [new MessageMedia(), new MessageMediaTrigger()]) {
			expect(node.description.documentationUrl).toBe(byCodex[node.description.name]);
		}
		expect(new MessageMediaMessagingApi().documentationUrl).toBe(`${PACKAGE_PAGE}#credentials`);
	});
});
