/** Unit and sandbox tests. The end-to-end suite against a real n8n has its own config. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	// Retries in unit tests record their waits instead of sleeping.
	setupFilesAfterEnv: ['<rootDir>/test/setup/instantRetries.ts'],
	// Both cores of a small machine: the suite is CPU-bound (n8n expressions, fast-check).
	maxWorkers: '100%',
	// Generous: CI machines are small and busy; a hung test still fails.
	testTimeout: 60000,
};
