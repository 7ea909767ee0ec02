/**
 * nock patches Node's `http` module when it is imported, and jest gives every test file of a
 * worker the same core modules: without this, a file that imported nock leaves its interceptor in
 * place for the sandbox suites that run after it in that worker, and their real HTTP goes through
 * it. There, a request destroyed while it connects (the sandbox aborts its in-flight pushes on
 * reset) closes the real socket's handle under it, and the late "connect ECANCELED" is thrown into
 * whichever test is running. So a file that loaded nock restores Node's `http` when it is done.
 */
import http from 'http';

const nativeClientRequest = http.ClientRequest;

afterAll(() => {
	if (http.ClientRequest === nativeClientRequest) return;
	// The test file's own nock: jest shares one module registry between a file and its setup.
	(jest.requireActual('nock') as typeof import('nock')).restore();
});
