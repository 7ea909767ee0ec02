/**
 * The smoke subset on the pinned n8n 1.x (`npm run test:e2e:n8n1`): the compat-n8n1 files only.
 * The first run installs n8n 1.x into the cache; see README.md.
 */
const base = require('./jest.config');

module.exports = {
	...base,
	testMatch: ['**/compat-n8n1*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
};
