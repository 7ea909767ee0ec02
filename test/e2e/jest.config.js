/**
 * End-to-end suite: drives a real n8n 2.41.1 (scripts/n8n) with this package loaded.
 * `npm run test:e2e`. The first run installs n8n into the cache; see README.md. The n8n 1.x smoke
 * files (compat-n8n1*) have their own config, jest.n8n1.config.js.
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	rootDir: __dirname,
	roots: ['<rootDir>'],
	testMatch: ['**/*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/compat-n8n1[^/]*\\.e2e\\.test\\.ts$'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.json' }],
	},
	testTimeout: 10 * 60 * 1000,
	maxWorkers: 1,
};
