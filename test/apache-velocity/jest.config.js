/**
 * The Apache Velocity 1.7 check: `npm run test:velocity`, after `scripts/ensure-velocity.sh` has
 * installed Java and Debian's `velocity` package. `npm test` leaves it out, so that it installs
 * nothing.
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	rootDir: __dirname,
	roots: ['<rootDir>'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.json' }],
	},
	testTimeout: 5 * 60 * 1000,
};
