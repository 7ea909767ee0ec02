import { config } from '@n8n/node-cli/eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import js from '@eslint/js';
import globals from 'globals';

// The tooling that never ships (test/, sandbox/, scripts/, bench/). It starts from n8n's own
// configuration, which eslint.config.mjs applies unchanged to the shipped code (n8n's strict mode
// and its cloud-support check require that file to be n8n's template, word for word), and only
// relaxes the node rules: tooling runs in Node, so timers, `process`, the file system and the
// console are its job. TypeScript's recommended rules still apply.
const TOOLING = ['test/**/*.ts', 'sandbox/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'];

const communityRulesOff = Object.fromEntries(
	Object.keys(n8nCommunityNodesPlugin.configs.recommended.rules).map((rule) => [rule, 'off']),
);

export default [
	...config,
	{ ignores: ['dist/**', 'coverage/**', 'test-artifacts/**', '**/*.js', '*.mjs'] },
	{
		files: ['scripts/**/*.mjs'],
		...js.configs.recommended,
		languageOptions: { globals: globals.node },
	},
	{
		files: TOOLING,
		languageOptions: { globals: { ...globals.node, ...globals.jest } },
		rules: {
			...communityRulesOff,
			'no-console': 'off',
			'import-x/no-named-as-default-member': 'off',
		},
	},
];
