/**
 * MessageMedia as the Human review of n8n's AI Agent, in a real n8n 2.41.1: the example
 * examples/ai-agent-sms-approval.json (AI Agent 3.1, OpenAI Chat Model, the gated tool "Text the
 * customer", and "Ask a manager by SMS" reviewing it), its chat model pointed at the sandbox's
 * scripted model and its Manual Trigger swapped for a Webhook so that the test can start it.
 *
 *  - YES: the tool runs once (one text to the customer) and the agent says it ran; a YES from
 *    another number before it resumes nothing.
 *  - NO: the tool does not run and the agent's answer says it was declined.
 *  - "Only if it's under $50": the tool does not run and the agent's next model request carries
 *    the text.
 *  - the time limit: the tool does not run and the agent's answer says it was declined.
 *
 * Run: npm run build && npx jest -c test/e2e/jest.config.js --runInBand test/e2e/ai-agent-approval.e2e.test.ts
 */
import type { N8nExecution, N8nWorkflow } from '../../scripts/n8n/n8n';
import {
	createScriptedModelCredential,
	pointChatModelsAt,
	readExample,
} from '../../scripts/n8n/n8n';
import {
	http,
	pollUntil,
	publishWebhookWorkflow,
	saveArtifact,
	sleep,
	startE2e,
	uniqueWebhookId,
	type E2eEnv,
	type SandboxMessage,
} from './helpers/harness';

const EXAMPLE = 'ai-agent-sms-approval.json';
const TRIGGER = 'Ask the agent';
const AGENT = 'AI Agent';
const REVIEW = 'Ask a manager by SMS';
const GATED_TOOL = 'Text the customer';
const MANAGER = '+61491570157';
const CUSTOMER = '+61491570156';

interface ModelRequest {
	method: string;
	path: string;
	body: { messages?: unknown[] };
}

/** The example, started by a Webhook at `hookPath` instead of its Manual Trigger. */
function agentWorkflow(
	env: E2eEnv,
	model: { id: string; name: string },
	hookPath: string,
	review: Record<string, unknown> = {},
): N8nWorkflow {
	const wf = pointChatModelsAt(readExample(EXAMPLE, env.credential), model);
	wf.name = `${wf.name} [${hookPath}]`;
	wf.nodes = wf.nodes.map((node) => {
		if (node.name === TRIGGER) {
			return {
				...node,
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				webhookId: uniqueWebhookId(),
				parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} },
			};
		}
		if (node.name === REVIEW) return { ...node, parameters: { ...node.parameters, ...review } };
		return node;
	});
	return wf;
}

function runsOf(execution: N8nExecution, node: string) {
	return execution.data?.resultData?.runData?.[node] ?? [];
}

function agentAnswer(execution: N8nExecution): string {
	const runs = runsOf(execution, AGENT);
	return String(runs[runs.length - 1]?.data?.main?.[0]?.[0]?.json?.output ?? '');
}

describe('MessageMedia as the AI Agent’s Human review in a real n8n', () => {
	let env: E2eEnv;
	let model: { id: string; name: string };
	let approvalUrl = '';
	let approvalWorkflow = '';
	let timeoutUrl = '';
	let timeoutWorkflow = '';

	beforeAll(async () => {
		env = await startE2e({ name: 'ai-agent-approval' });
		model = await createScriptedModelCredential(env.n8n, env.sandbox.url);
		const hook = `approval-${uniqueWebhookId().slice(-12)}`;
		const approval = await publishWebhookWorkflow(env, agentWorkflow(env, model, hook), hook);
		approvalUrl = approval.url;
		approvalWorkflow = approval.id;
		const shortHook = `approval-timeout-${uniqueWebhookId().slice(-12)}`;
		const timeout = await publishWebhookWorkflow(
			env,
			agentWorkflow(env, model, shortHook, { resumeAmount: 5, resumeUnit: 'seconds' }),
			shortHook,
		);
		timeoutUrl = timeout.url;
		timeoutWorkflow = timeout.id;
	});

	afterAll(async () => {
		await env?.stop();
	});

	beforeEach(async () => {
		await env.sandbox.reset();
	});

	afterEach(async () => {
		const name = expect.getState().currentTestName?.replace(/\W+/g, '-') ?? 'test';
		saveArtifact(`ai-agent-approval.${name}.model-requests.json`, await modelRequests());
		saveArtifact(`ai-agent-approval.${name}.messages.json`, await env.sandbox.messages());
	});

	// ------------------------------------------------------------------------------- helpers

	async function modelRequests(): Promise<ModelRequest[]> {
		const { requests } = await env.sandbox.control<{ requests: ModelRequest[] }>(
			'GET',
			'/model/requests',
		);
		return requests.filter((r) => r.method === 'POST');
	}

	const textsTo = async (number: string) =>
		(await env.sandbox.messages()).filter((m) => m.destination_number === number);

	/** Starts the agent and returns its waiting execution and the review SMS the manager got. */
	async function startAgent(
		url: string,
		workflowId: string,
	): Promise<{ executionId: string; review: SandboxMessage }> {
		expect((await http('POST', url, {})).status).toBe(200);
		const [waiting] = await env.n8n.api.waitForExecutions(workflowId, 1, {
			status: 'waiting',
			timeoutMs: 120_000,
			includeData: false,
		});
		const [review] = await pollUntil(
			'the review SMS to the manager',
			() => textsTo(MANAGER),
			(texts) => texts.length > 0,
			{ timeoutMs: 30_000 },
		);
		return { executionId: waiting.id, review };
	}

	async function finished(executionId: string): Promise<N8nExecution> {
		const execution = await pollUntil(
			`execution ${executionId} to finish`,
			() => env.n8n.api.getExecution(executionId, true),
			(e) => !['waiting', 'running', 'new'].includes(e.status),
			{ timeoutMs: 120_000, intervalMs: 500 },
		);
		saveArtifact(`ai-agent-approval.execution-${executionId}.json`, execution);
		return execution;
	}

	const answer = (review: SandboxMessage, content: string, from?: string) =>
		env.sandbox.injectReply({
			message_id: review.message_id,
			content,
			...(from ? { source_number: from } : {}),
		});

	// ----------------------------------------------------------------------------- journeys

	it('YES: the tool runs once, after a YES from another number changed nothing', async () => {
		const { executionId, review } = await startAgent(approvalUrl, approvalWorkflow);
		expect(review.content).toBe(
			'The agent wants to run this tool: Text_the_customer\n\nInput:\n' +
				'text: Your refund of $40 for order A-17 is approved and on its way.\n\n' +
				'Reply YES to approve, NO to decline.',
		);

		await answer(review, 'YES', '+61491570999');
		await sleep(3_000);
		expect((await env.n8n.api.getExecution(executionId, false)).status).toBe('waiting');
		expect(await textsTo(CUSTOMER)).toHaveLength(0);

		await answer(review, 'YES');
		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		expect(runsOf(execution, GATED_TOOL)).toHaveLength(1);
		const customerTexts = await textsTo(CUSTOMER);
		expect(customerTexts.map((m) => m.content)).toEqual([
			'Your refund of $40 for order A-17 is approved and on its way.',
		]);
		expect(agentAnswer(execution)).toMatch(/^Done: Text_the_customer ran/);
	});

	it('NO: the tool does not run and the agent says it was declined', async () => {
		const { executionId, review } = await startAgent(approvalUrl, approvalWorkflow);
		await answer(review, 'NO');
		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		expect(runsOf(execution, GATED_TOOL)).toHaveLength(0);
		expect(await textsTo(CUSTOMER)).toHaveLength(0);
		expect(agentAnswer(execution)).toMatch(/^Declined: Text_the_customer did not run\./);
		expect(agentAnswer(execution)).toContain('"NO"');
	});

	it('a conditional answer: the tool does not run and the model reads what the manager wrote', async () => {
		const { executionId, review } = await startAgent(approvalUrl, approvalWorkflow);
		const before = (await modelRequests()).length;
		await answer(review, "Only if it's under $50");
		const execution = await finished(executionId);
		expect(runsOf(execution, GATED_TOOL)).toHaveLength(0);
		expect(await textsTo(CUSTOMER)).toHaveLength(0);
		const after = await modelRequests();
		expect(after.length).toBe(before + 1);
		expect(JSON.stringify(after[after.length - 1].body.messages)).toContain(
			"Only if it's under $50",
		);
		expect(agentAnswer(execution)).toMatch(/^Declined: /);
	});

	it('the time limit: no answer is a rejection the agent explains', async () => {
		const { executionId } = await startAgent(timeoutUrl, timeoutWorkflow);
		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		expect(runsOf(execution, GATED_TOOL)).toHaveLength(0);
		expect(await textsTo(CUSTOMER)).toHaveLength(0);
		expect(agentAnswer(execution)).toMatch(/^Declined: .*time limit/);
	});
});
