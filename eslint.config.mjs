import { config } from '@n8n/node-cli/eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import js from '@eslint/js';
import globals from 'globals';

// The shipped code (nodes/, credentials/, package.json) is linted with n8n's own configuration
// exactly as the scanner and `n8n-node lint` apply it. Everything below only relaxes the rules for
// the tooling that never ships: it runs in Node, so timers, `process`, the file system and the
// console are its job.
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
