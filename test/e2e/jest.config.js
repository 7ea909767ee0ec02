/**
 * End-to-end suite: drives a real n8n 2.41.1 (scripts/n8n) with this package loaded.
 * `npm run test:e2e`. The first run installs n8n (~3 GB, ~7 minutes) into the cache; see README.md.
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	rootDir: __dirname,
	roots: ['<rootDir>'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.json' }],
	},
	testTimeout: 10 * 60 * 1000,
	maxWorkers: 1,
};
