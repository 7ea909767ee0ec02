/** Unit and sandbox tests. The end-to-end suite against a real n8n has its own config. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// Both have their own config: e2e drives a real n8n, apache-velocity needs Java installed.
	testPathIgnorePatterns: [
		'/node_modules/',
		'<rootDir>/test/e2e/',
		'<rootDir>/test/apache-velocity/',
	],
	transform: { '^.+\\.ts$': 'ts-jest' },
	// Retries in unit tests record their waits instead of sleeping; nock leaves no patch behind.
	setupFilesAfterEnv: [
		'<rootDir>/test/setup/instantRetries.ts',
		'<rootDir>/test/setup/restoreNock.ts',
	],
	// Both cores of a small machine: the suite is CPU-bound (n8n expressions, fast-check).
	maxWorkers: '100%',
	// Generous: CI machines are small and busy; a hung test still fails.
	testTimeout: 60000,
};
