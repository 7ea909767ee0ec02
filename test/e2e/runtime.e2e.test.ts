/**
 * Smoke test of the real-n8n runtime: the package, installed as a user installs it (npm pack +
 * npm install in ~/.n8n/nodes), is loaded by n8n 2.41.1, and the harness API works (public API,
 * webhook readiness, executions incl. `waiting`, restart with the same owner and API key).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
	CREDENTIAL_TYPE,
	N8nInstance,
	N8nWorkflow,
	NODE_TYPES,
	startN8n,
} from '../../scripts/n8n/n8n';

const REPO = path.resolve(__dirname, '..', '..');

describe('real n8n runtime', () => {
	let n8n: N8nInstance;
	const cleanup: Array<() => Promise<unknown>> = [];

	beforeAll(async () => {
		if (!fs.existsSync(path.join(REPO, 'dist'))) {
			throw new Error('dist/ is missing: run `npm run build` before `npm run test:e2e`');
		}
		const started = Date.now();
		n8n = await startN8n({ install: 'pack', log: 'file' });
		console.log(`n8n ready in ${Date.now() - started} ms at ${n8n.baseUrl} (log: ${n8n.logFile})`);
	});

	afterAll(async () => {
		for (const fn of cleanup.reverse()) await fn().catch(() => {});
		await n8n?.destroy();
	});

	it('installs the packed package into <userFolder>/.n8n/nodes', () => {
		const installed = path.join(
			n8n.userFolder,
			'.n8n',
			'nodes',
			'node_modules',
			'n8n-nodes-messagemedia',
		);
		const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
		expect(pkg.name).toBe('n8n-nodes-messagemedia');
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(fs.existsSync(path.join(installed, file))).toBe(true);
		}
		// Only dist/ is shipped: no sources, tests or sandbox in the tarball.
		expect(fs.existsSync(path.join(installed, 'nodes'))).toBe(false);
		expect(fs.existsSync(path.join(installed, 'sandbox'))).toBe(false);
	});

	it('loads both node types and the credential type (GET /types/*.json)', async () => {
		const nodeTypes = await n8n.api.nodeTypeNames();
		expect(nodeTypes).toEqual(expect.arrayContaining([NODE_TYPES.action, NODE_TYPES.trigger]));
		const credentialTypes = await n8n.api.credentialTypeNames();
		expect(credentialTypes).toContain(CREDENTIAL_TYPE);
	});

	it('accepts a credential and a workflow using the package through the public API', async () => {
		const credential = await n8n.api.createCredential('smoke', CREDENTIAL_TYPE, {
			authType: 'basic',
			apiKey: 'k',
			apiSecret: 's',
			region: 'custom',
			baseUrl: 'http://127.0.0.1:9',
			subAccount: '',
		});
		cleanup.push(() => n8n.api.deleteCredential(credential.id));
		expect(credential.type).toBe(CREDENTIAL_TYPE);

		const wf = await n8n.api.createWorkflow({
			name: 'smoke: package nodes',
			nodes: [
				{
					name: 'Manual',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					name: 'MessageMedia',
					type: NODE_TYPES.action,
					typeVersion: 1,
					position: [220, 0],
					parameters: {},
					credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
				},
			],
			connections: {
				Manual: { main: [[{ node: 'MessageMedia', type: 'main', index: 0 }]] },
			},
		});
		cleanup.push(() => n8n.api.deleteWorkflow(wf.id));
		const read = await n8n.api.getWorkflow(wf.id);
		expect(read.nodes.map((node) => node.type)).toContain(NODE_TYPES.action);
	});

	it('serves a production webhook after activation and records its execution', async () => {
		const webhookId = 'c0ffee00-0000-4000-8000-000000000001';
		const wf = await n8n.api.createWorkflow(webhookWorkflow(webhookId, 'smoke-hook'));
		cleanup.push(() => n8n.api.deleteWorkflow(wf.id));
		const url = `${n8n.webhookUrl}webhook/smoke-hook`;

		const t0 = Date.now();
		await n8n.api.activate(wf.id);
		const activateMs = Date.now() - t0;
		const readyMs = await n8n.api.waitForWebhook(url, { timeoutMs: 30_000 });
		console.log(`activate call ${activateMs} ms, then webhook served after ${readyMs} ms`);

		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ hello: 'world' }),
		});
		expect(res.status).toBe(200);
		const [execution] = await n8n.api.waitForExecutions(wf.id, 1, { timeoutMs: 30_000 });
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('webhook');
		const out = execution.data!.resultData!.runData!.Webhook[0].data!.main![0]![0].json;
		expect(out.body).toEqual({ hello: 'world' });

		// The API key carries execution:delete.
		await n8n.api.deleteExecution(execution.id);
		expect(await n8n.api.listExecutions({ workflowId: wf.id })).toHaveLength(0);

		await n8n.api.deactivate(wf.id);
	});

	it('reports an execution paused in a Wait node as status "waiting"', async () => {
		const webhookId = 'c0ffee00-0000-4000-8000-000000000002';
		const wf = await n8n.api.createWorkflow(webhookWorkflow(webhookId, 'smoke-wait', true));
		cleanup.push(() => n8n.api.deleteWorkflow(wf.id));
		await n8n.api.activate(wf.id);
		const url = `${n8n.webhookUrl}webhook/smoke-wait`;
		await n8n.api.waitForWebhook(url);
		const res = await fetch(url, { method: 'POST', body: '{}' });
		expect(res.status).toBe(200);

		const [waiting] = await n8n.api.waitForExecutions(wf.id, 1, { status: 'waiting' });
		expect(waiting.status).toBe('waiting');
		expect(waiting.finished).toBe(false);
		expect(waiting.waitTill).toBeTruthy();
		const listed = await n8n.api.listExecutions({ workflowId: wf.id, status: 'waiting' });
		expect(listed.map((e) => e.id)).toContain(waiting.id);

		// Resume it through its resume URL ($execution.resumeUrl = <WEBHOOK_URL>webhook-waiting/<id>,
		// signed with ?signature=<data.resumeToken>): it then finishes.
		const token = waiting.data?.resumeToken as string | undefined;
		console.log(`waiting execution: waitTill=${waiting.waitTill}, resumeToken in data: ${!!token}`);
		if (token) {
			const resume = await fetch(
				`${n8n.webhookUrl}webhook-waiting/${waiting.id}?signature=${encodeURIComponent(token)}`,
				{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
			);
			expect(resume.status).toBe(200);
			const [done] = await n8n.api.waitForExecutions(wf.id, 1, { status: 'success' });
			expect(done.id).toBe(waiting.id);
		}
		await n8n.api.deactivate(wf.id);
	});

	it('restarts with the same user folder, owner and API key', async () => {
		const before = { apiKey: n8n.apiKey, owner: n8n.owner };
		const wf = await n8n.api.createWorkflow(
			webhookWorkflow('c0ffee00-0000-4000-8000-000000000003', 'smoke-restart'),
		);
		cleanup.push(() => n8n.api.deleteWorkflow(wf.id));
		await n8n.api.activate(wf.id);

		const t0 = Date.now();
		await n8n.restart();
		console.log(`graceful restart took ${Date.now() - t0} ms`);
		expect(n8n.apiKey).toBe(before.apiKey);
		expect(n8n.owner).toEqual(before.owner);
		expect((await n8n.api.getWorkflow(wf.id)).active).toBe(true);
		// Active workflows are re-activated at startup; the webhook is served again.
		await n8n.api.waitForWebhook(`${n8n.webhookUrl}webhook/smoke-restart`);
		expect(await n8n.api.nodeTypeNames()).toContain(NODE_TYPES.trigger);

		const t1 = Date.now();
		await n8n.restart({ hard: true });
		console.log(`hard (SIGKILL) restart took ${Date.now() - t1} ms`);
		expect((await n8n.api.getWorkflow(wf.id)).active).toBe(true);
		await n8n.api.deactivate(wf.id);
	});
});

function webhookWorkflow(webhookId: string, hookPath: string, withWait = false): N8nWorkflow {
	const wf: N8nWorkflow = {
		name: `smoke: ${hookPath}`,
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} },
			},
		],
		connections: {},
	};
	if (withWait) {
		wf.nodes.push({
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [220, 0],
			webhookId: `${webhookId.slice(0, -4)}9999`,
			parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
		});
		wf.connections = { Webhook: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] } };
	}
	return wf;
}
