/**
 * Unit tests never wait on real time between retries: the transport's default retry settings
 * are replaced by test/helpers/retry.ts. The transport unit tests check the production default
 * (n8n-workflow's sleep) with jest.requireActual.
 */
import { resetRetry } from '../helpers/retry';

jest.mock('../../nodes/MessageMedia/transport/retry', () => {
	const actual = jest.requireActual('../../nodes/MessageMedia/transport/retry');
	const { testRetry } = jest.requireActual('../helpers/retry');
	return { ...actual, DEFAULT_RETRY: testRetry };
});

afterEach(() => resetRetry());
