/**
 * End-to-end proof of Message → Send and Wait for Reply in a real n8n 2.41.1:
 * the example booking workflow (Webhook "New booking" → "Text and wait for the answer" → Switch
 * "Route the answer" → No Ops), driven against the MessageMedia sandbox.
 *
 *  1. reply: the sandbox plays the customer's "yes" → the SAME execution finishes on `confirm`;
 *     the non-final DRs that hit the callback meanwhile were answered 200 and did not resume it;
 *     a duplicate reply after the resume is answered 2xx and starts nothing.
 *  2. timeout: no answer → the execution resumes by itself on `timeout`.
 *  3. undelivered: the reserved failed and undeliverable numbers → `undelivered` long before the
 *     10-minute limit.
 *  4. forged callbacks (no/wrong signature, wrong mm_token, malformed body) neither resume nor break
 *     the waiting execution; the real reply then still resumes it.
 *  5. loop: Send and Wait → If `decision` is `other` → back to the same node, three rounds, ends
 *     on `confirm` after exactly three messages; a late reply to the first message during the
 *     third wait resumes nothing.
 *  6. link: a phone-sized browser opens the link from the SMS, taps Confirm, the execution resumes
 *     once; link-preview bots fetching (and posting to) the link decide nothing.
 *
 * Run: npx jest -c test/e2e/jest.config.js --runInBand test/e2e/send-and-wait.e2e.test.ts
 * Debugging output: test-artifacts/e2e-send-and-wait/ (n8n log, executions, sandbox deliveries).
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { DEMO_CREDENTIALS, RESERVED_NUMBERS, startSandbox } from '../../sandbox';
import type { SandboxHandle } from '../../sandbox';
import {
	createMessageMediaCredential,
	importExamples,
	N8nCredential,
	N8nExecution,
	N8nInstance,
	startN8n,
} from '../../scripts/n8n/n8n';
import {
	ARTIFACTS,
	BRANCHES,
	book,
	bookingWorkflow,
	yesReplyTo,
	branchesThatRan,
	buildPackage,
	CallbackDelivery,
	answerEachRound,
	http,
	linkIn,
	linkWorkflow,
	LOOP_DONE_NODE,
	loopWorkflow,
	pollUntil,
	repliesOf,
	runsOf,
	saveArtifact,
	SandboxControl,
	signResumeUrl,
	sleep,
	switchOutputs,
	WAIT_NODE,
} from './helpers/sendAndWait';
import type { SandboxMessage } from './helpers/harness';
import { launchBrowser } from './helpers/browser';

/** Known to the test so that it can sign a resume URL exactly as n8n does (forgery case d). */
const HMAC_SECRET = randomBytes(32).toString('hex');
const CUSTOMER = '+61491570156';
const DR_INTERVAL_MS = 400;

describe('Send and Wait for Reply in a real n8n', () => {
	let n8n: N8nInstance;
	let sandboxHandle: SandboxHandle;
	let sandbox: SandboxControl;
	let credential: N8nCredential;
	const suiteStarted = Date.now();
	const timings: Record<string, number> = {};
	/** The mm_token of the reply scenario's execution: must not authorise another execution. */
	let otherExecutionToken = '';

	beforeAll(async () => {
		const t0 = Date.now();
		sandboxHandle = await startSandbox({ port: 0, quiet: true, drIntervalMs: DR_INTERVAL_MS });
		sandbox = new SandboxControl(sandboxHandle.url);
		// Callback retries 1 s, 2 s, 4 s apart (instead of 5, 10, 20 s) if n8n is not ready yet.
		await sandbox.control('POST', '/config', { retryDelayScale: 0.2 });
		const packageDir = await buildPackage();
		timings.buildMs = Date.now() - t0;
		n8n = await startN8n({
			install: 'link',
			packageDir,
			log: 'file',
			env: { N8N_HMAC_SIGNATURE_SECRET: HMAC_SECRET },
		});
		timings.n8nReadyMs = Date.now() - t0 - timings.buildMs;
		credential = await createMessageMediaCredential(n8n, {
			baseUrl: sandboxHandle.url,
			apiKey: DEMO_CREDENTIALS.basic.apiKey,
			apiSecret: DEMO_CREDENTIALS.basic.apiSecret,
			authType: 'basic',
			name: 'MessageMedia sandbox',
		});
		console.log(
			`[send-and-wait] build ${timings.buildMs} ms, n8n ready ${timings.n8nReadyMs} ms ` +
				`(${n8n.baseUrl}, log ${n8n.logFile})`,
		);
	});

	afterAll(async () => {
		timings.totalMs = Date.now() - suiteStarted;
		saveArtifact('timings.json', timings);
		console.log(`[send-and-wait] timings ${JSON.stringify(timings)}`);
		if (sandbox) {
			saveArtifact('sandbox-callbacks.json', await sandbox.callbacks().catch((e) => String(e)));
			saveArtifact('sandbox-messages.json', await sandbox.messages().catch((e) => String(e)));
		}
		if (n8n?.logFile && fs.existsSync(n8n.logFile)) {
			fs.mkdirSync(ARTIFACTS, { recursive: true });
			fs.copyFileSync(n8n.logFile, path.join(ARTIFACTS, 'n8n.log'));
		}
		await n8n?.destroy().catch(() => {});
		await sandboxHandle?.close();
	});

	// ------------------------------------------------------------------------------- helpers

	const credentialRef = () => ({ id: credential.id, name: credential.name });

	/** Creates + activates a workflow and waits until its booking webhook is served. */
	async function publish(wf: { id: string }, hookPath: string): Promise<string> {
		await n8n.api.activate(wf.id);
		const url = `${n8n.webhookUrl}webhook/${hookPath}`;
		await n8n.api.waitForWebhook(url, { timeoutMs: 45_000 });
		return url;
	}

	/** The one waiting execution of a workflow (polls the executions API). */
	async function waitingExecution(workflowId: string): Promise<N8nExecution> {
		const [execution] = await n8n.api.waitForExecutions(workflowId, 1, {
			status: 'waiting',
			timeoutMs: 30_000,
		});
		return execution;
	}

	/** The messages the node sent for `appointmentId` once there are `count`, oldest first. */
	async function sentMessages(appointmentId: string, count: number): Promise<SandboxMessage[]> {
		const mine = (all: SandboxMessage[]) =>
			all.filter((m) => m.metadata?.appointmentId === appointmentId);
		const messages = await pollUntil(
			`${count} sandbox message(s) for ${appointmentId}`,
			() => sandbox.messages(),
			(all) => mine(all).length >= count,
		);
		return mine(messages);
	}

	/** The message the node sent for `appointmentId`, as the sandbox stored it. */
	async function sentMessage(appointmentId: string): Promise<SandboxMessage> {
		const messages = await pollUntil(
			`the sandbox message for ${appointmentId}`,
			() => sandbox.messages(),
			(all) => all.some((m) => m.metadata?.appointmentId === appointmentId),
		);
		const mine = messages.filter((m) => m.metadata?.appointmentId === appointmentId);
		expect(mine).toHaveLength(1);
		return mine[0];
	}

	function expectCallbackUrlFor(message: SandboxMessage, executionId: string) {
		const callback = new URL(message.callback_url);
		const prefix = `${n8n.webhookUrl}webhook-waiting/${executionId}/`;
		expect(message.callback_url.startsWith(prefix)).toBe(true);
		expect(callback.searchParams.get('mm_token')).toMatch(/^[0-9a-f]{40}$/);
		expect(callback.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
		expect(message.delivery_report).toBe(true);
	}

	async function finished(executionId: string, timeoutMs = 30_000): Promise<N8nExecution> {
		return pollUntil(
			`execution ${executionId} to finish`,
			() => n8n.api.getExecution(executionId, true),
			(e) => e.status !== 'waiting' && e.status !== 'running' && e.status !== 'new',
			{ timeoutMs, intervalMs: 250 },
		);
	}

	async function status(executionId: string) {
		return (await n8n.api.getExecution(executionId, false)).status;
	}

	async function executionsOf(workflowId: string) {
		return n8n.api.listExecutions({ workflowId });
	}

	function expectBranch(execution: N8nExecution, key: (typeof BRANCHES)[number]['key']) {
		expect(branchesThatRan(execution)).toEqual([key]);
		const outputs = switchOutputs(execution);
		for (const b of BRANCHES) expect(outputs[b.key]).toHaveLength(b.key === key ? 1 : 0);
		return outputs[key][0];
	}

	// ----------------------------------------------------------------------------- scenarios

	it('reply: the customer\'s "yes" resumes the same execution on the confirm branch', async () => {
		const t0 = Date.now();
		// The shipped example, imported as a user would (credential rewritten), activated as is.
		const imported = await importExamples(n8n, {
			credentialId: credential.id,
			credentialName: credential.name,
		});
		const example = imported.find((w) => w.file === 'appointment-send-and-wait.json');
		expect(example).toBeDefined();
		const wfId = example!.id;
		const url = await publish(example!, 'booking');

		await book(url, 'A-1001', CUSTOMER);
		const waiting = await waitingExecution(wfId);
		expect(waiting.mode).toBe('webhook');
		expect(waiting.finished).toBe(false);
		// Limit 24 h (the example's setting): n8n parks it in the database until then.
		const waitTill = new Date(waiting.waitTill as string).getTime();
		expect(waitTill - Date.now()).toBeGreaterThan(23 * 3_600_000);

		const message = await sentMessage('A-1001');
		expectCallbackUrlFor(message, waiting.id);
		otherExecutionToken = new URL(message.callback_url).searchParams.get('mm_token')!;
		expect(message.destination_number).toBe(CUSTOMER);
		expect(message.content).toBe(
			'Hi Ann, your appointment is Tuesday 10:00. Reply YES to confirm, NO to cancel.',
		);

		// The non-final DRs (enroute, submitted) and the delivered DR reach the callback while it
		// waits: each is acknowledged with 200 and the execution keeps waiting.
		const urlPart = `/webhook-waiting/${waiting.id}/`;
		const drs = await pollUntil(
			'ENROUTE/SUBMITTED/DELIVERED DRs answered 200',
			() => sandbox.callbacks(urlPart),
			(all) =>
				['ENROUTE_DR', 'SUBMITTED_DR', 'DELIVERED_DR'].every((ev) =>
					all.some((d) => d.event === ev && d.status === 200),
				),
		);
		saveArtifact('reply-drs.json', drs);
		const nonOk = drs.filter((d) => d.status !== 200);
		if (nonOk.length)
			console.log(`[reply] DR pushes not answered 200 at first: ${JSON.stringify(nonOk)}`);
		expect(await status(waiting.id)).toBe('waiting');
		expect(await executionsOf(wfId)).toHaveLength(1);
		// A moment later still waiting (nothing resumed it in the background).
		await sleep(1000);
		expect(await status(waiting.id)).toBe('waiting');

		// "a few seconds later" the customer answers.
		const tReply = Date.now();
		await sandbox.injectReply(message.message_id, 'Yes please');
		const done = await finished(waiting.id);
		timings.replyToSuccessMs = Date.now() - tReply;
		saveArtifact('reply-execution.json', done);
		expect(done.id).toBe(waiting.id);
		expect(done.status).toBe('success');
		expect(done.finished).toBe(true);

		const item = expectBranch(done, 'confirm');
		expect(item).toMatchObject({
			outcome: 'reply',
			decision: 'confirm',
			intent: 'confirm',
			event: 'reply',
			eventName: 'RECEIVED_SMS',
			messageId: message.message_id,
			text: 'Yes please',
			from: CUSTOMER,
			metadata: { appointmentId: 'A-1001' },
			metadata_appointmentId: 'A-1001',
		});
		// The reply callback was answered 2xx and only one execution exists.
		const replyPushes = (await sandbox.callbacks(urlPart)).filter(
			(d) => d.event === 'RECEIVED_SMS',
		);
		expect(replyPushes.some((d) => d.status === 200)).toBe(true);
		expect(await executionsOf(wfId)).toHaveLength(1);

		// A duplicate of the reply after the resume: answered 2xx, no second execution, no re-run.
		await sandbox.injectReply(message.message_id, 'Yes please');
		const dup = await pollUntil(
			'the duplicate reply push',
			async () => (await sandbox.callbacks(urlPart)).filter((d) => d.event === 'RECEIVED_SMS'),
			(all) => all.length >= replyPushes.length + 1,
		);
		saveArtifact('reply-duplicate-pushes.json', dup);
		const last = dup[dup.length - 1];
		expect(typeof last.status === 'number' && last.status >= 200 && last.status < 300).toBe(true);
		await sleep(1500);
		const after = await executionsOf(wfId);
		expect(after).toHaveLength(1);
		const again = await n8n.api.getExecution(waiting.id, true);
		expect(again.status).toBe('success');
		expect(runsOf(again, 'Confirm booking')).toHaveLength(1);

		await n8n.api.deactivate(wfId);
		timings.replyScenarioMs = Date.now() - t0;
	});

	it('timeout: without an answer the execution resumes on the timeout branch', async () => {
		const t0 = Date.now();
		const hookPath = 'booking-timeout';
		const wf = await n8n.api.createWorkflow(
			bookingWorkflow({
				path: hookPath,
				webhookId: '5a1d0000-0000-4000-8000-000000000002',
				resumeAmount: 12,
				resumeUnit: 'seconds',
				credential: credentialRef(),
			}),
		);
		const url = await publish(wf, hookPath);
		const tBook = Date.now();
		await book(url, 'A-2002', CUSTOMER);
		const waiting = await waitingExecution(wf.id);
		const message = await sentMessage('A-2002');
		expectCallbackUrlFor(message, waiting.id);

		// n8n 2.41.1 resumes a timed-out wait of a non-Wait node only from its wait tracker, which
		// polls the database every 60 s (looking 70 s ahead): a 12 s limit ends 12–72 s later.
		// (Only the Wait node itself sleeps in-process for waits under 65 s.)
		const done = await finished(waiting.id, 90_000);
		timings.timeoutBookToDoneMs = Date.now() - tBook;
		saveArtifact('timeout-execution.json', done);
		expect(done.status).toBe('success');
		expect(Date.now() - tBook).toBeGreaterThanOrEqual(11_000);
		const item = expectBranch(done, 'timeout');
		expect(item).toMatchObject({
			outcome: 'timeout',
			decision: 'timeout',
			messageId: message.message_id,
			to: CUSTOMER,
			metadata: { appointmentId: 'A-2002' },
		});
		expect(typeof item.waitedUntil).toBe('string');
		timings.timeoutLateByMs =
			new Date(done.stoppedAt!).getTime() - Date.parse(item.waitedUntil as string);
		expect(timings.timeoutLateByMs).toBeGreaterThanOrEqual(0);
		expect(await executionsOf(wf.id)).toHaveLength(1);
		// The delivered DRs during the wait did not resume it early: they were answered 200.
		const pushes = await sandbox.callbacks(`/webhook-waiting/${waiting.id}/`);
		expect(pushes.filter((d) => d.event === 'DELIVERED_DR').some((d) => d.status === 200)).toBe(
			true,
		);

		// A reply that comes after the timeout: acknowledged 2xx, nothing re-runs.
		await sandbox.injectReply(message.message_id, 'yes');
		const late = await pollUntil(
			'the late reply push',
			async () =>
				(await sandbox.callbacks(`/webhook-waiting/${waiting.id}/`)).filter(
					(d) => d.event === 'RECEIVED_SMS',
				),
			(all) => all.length >= 1,
		);
		expect(late.map((d) => d.status)).toEqual([200]);
		await sleep(1000);
		expect(await executionsOf(wf.id)).toHaveLength(1);
		const still = await n8n.api.getExecution(waiting.id, true);
		expect(branchesThatRan(still)).toEqual(['timeout']);

		await n8n.api.deactivate(wf.id);
		timings.timeoutScenarioMs = Date.now() - t0;
	});

	it.each([
		['failed', RESERVED_NUMBERS.failed, 'A-3003', '5a1d0000-0000-4000-8000-000000000003'],
		[
			'undeliverable',
			RESERVED_NUMBERS.undeliverable,
			'A-3005',
			'5a1d0000-0000-4000-8000-000000000005',
		],
	])(
		'undelivered: a delivery that ends %s resumes on "undelivered" without waiting for the limit',
		async (status, number, booking, webhookId) => {
			const t0 = Date.now();
			const hookPath = `booking-undelivered-${status}`;
			const wf = await n8n.api.createWorkflow(
				bookingWorkflow({
					path: hookPath,
					webhookId,
					resumeAmount: 10,
					resumeUnit: 'minutes',
					credential: credentialRef(),
				}),
			);
			const url = await publish(wf, hookPath);
			const tBook = Date.now();
			await book(url, booking, number);
			// It may already be finished (or still waiting): take the one execution there is.
			const all = await pollUntil(
				'one execution',
				() => executionsOf(wf.id),
				(e) => e.length >= 1,
			);
			expect(all).toHaveLength(1);
			const executionId = all[0].id;
			const message = await sentMessage(booking);
			expectCallbackUrlFor(message, executionId);
			expect(message.destination_number).toBe(number);

			const done = await finished(executionId, 30_000);
			timings.undeliveredBookToDoneMs = Date.now() - tBook;
			saveArtifact(`undelivered-${status}-execution.json`, done);
			expect(done.status).toBe('success');
			const tookMs = new Date(done.stoppedAt!).getTime() - new Date(done.startedAt).getTime();
			expect(tookMs).toBeLessThan(30_000);
			const item = expectBranch(done, 'undelivered');
			expect(item).toMatchObject({
				outcome: 'undelivered',
				decision: 'undelivered',
				event: 'delivery_report',
				status,
				messageId: message.message_id,
				metadata_appointmentId: booking,
			});
			expect(await executionsOf(wf.id)).toHaveLength(1);

			await n8n.api.deactivate(wf.id);
			timings.undeliveredScenarioMs = Date.now() - t0;
		},
	);

	it('forged callbacks neither resume nor break the waiting execution; the real reply still does', async () => {
		const t0 = Date.now();
		const hookPath = 'booking-forged';
		const wf = await n8n.api.createWorkflow(
			bookingWorkflow({
				path: hookPath,
				webhookId: '5a1d0000-0000-4000-8000-000000000004',
				resumeAmount: 24,
				resumeUnit: 'hours',
				credential: credentialRef(),
			}),
		);
		const url = await publish(wf, hookPath);
		await book(url, 'A-4004', CUSTOMER);
		const waiting = await waitingExecution(wf.id);
		const message = await sentMessage('A-4004');
		expectCallbackUrlFor(message, waiting.id);
		const real = new URL(message.callback_url);
		const base = `${real.origin}${real.pathname}`;
		const token = real.searchParams.get('mm_token')!;
		const signature = real.searchParams.get('signature')!;
		// n8n signed the callback URL with our secret: we can sign URLs exactly as n8n does.
		expect(signResumeUrl(message.callback_url, HMAC_SECRET)).toBe(message.callback_url);

		// Let the DRs pass first so that the log below only holds our forgeries.
		await pollUntil(
			'the DELIVERED DR answered',
			() => sandbox.callbacks(`/webhook-waiting/${waiting.id}/`),
			(all) => all.some((d) => d.event === 'DELIVERED_DR' && d.status === 200),
		);

		// A body that WOULD resume the execution (a reply to this message saying "yes").
		const forgedReply = yesReplyTo(message, CUSTOMER, 'A-4004');
		const wrongToken = 'f'.repeat(40);
		const attempts: Array<{
			name: string;
			url: string;
			body?: unknown;
			headers?: Record<string, string>;
			expect: number;
		}> = [
			{ name: 'no query at all', url: base, body: forgedReply, expect: 401 },
			{
				name: 'mm_token only, no signature',
				url: `${base}?mm_token=${token}`,
				body: forgedReply,
				expect: 401,
			},
			{
				name: 'signature only, no mm_token',
				url: `${base}?signature=${signature}`,
				body: forgedReply,
				expect: 401,
			},
			{
				name: 'wrong mm_token with the real signature',
				url: `${base}?mm_token=${wrongToken}&signature=${signature}`,
				body: forgedReply,
				expect: 401,
			},
			{
				name: 'wrong mm_token, no signature',
				url: `${base}?mm_token=${wrongToken}`,
				body: forgedReply,
				expect: 401,
			},
			{
				// Passes n8n's own signature check: only the node's mm_token check stops it.
				name: 'wrong mm_token, validly n8n-signed (node-level 401)',
				url: signResumeUrl(`${base}?mm_token=${wrongToken}`, HMAC_SECRET),
				body: forgedReply,
				expect: 401,
			},
			{
				name: "another execution's mm_token, validly n8n-signed (node-level 401)",
				url: signResumeUrl(`${base}?mm_token=${otherExecutionToken || wrongToken}`, HMAC_SECRET),
				body: forgedReply,
				expect: 401,
			},
			{
				name: 'no mm_token, validly n8n-signed (node-level 401)',
				url: signResumeUrl(base, HMAC_SECRET),
				body: forgedReply,
				expect: 401,
			},
			{
				// The genuine URL with a body that is no MessageMedia callback: 400, keeps waiting.
				// n8n's own body parser rejects it (422) before the node sees it.
				name: 'genuine URL, malformed JSON',
				url: message.callback_url,
				body: '{"content": "yes"',
				headers: { 'content-type': 'application/json' },
				expect: 422,
			},
			{
				name: 'genuine URL, not a MessageMedia callback',
				url: message.callback_url,
				body: { hello: 'world' },
				expect: 400,
			},
		];
		const results: Array<Record<string, unknown>> = [];
		for (const attempt of attempts) {
			const res = await http('POST', attempt.url, attempt.body, attempt.headers);
			const after = await status(waiting.id);
			results.push({
				name: attempt.name,
				status: res.status,
				contentType: res.headers.get('content-type') ?? '',
				body: res.text.slice(0, 300),
				executionStatus: after,
			});
		}
		saveArtifact('forged-attempts.json', results);
		for (const [i, attempt] of attempts.entries()) {
			expect({ name: attempt.name, status: results[i].status }).toEqual({
				name: attempt.name,
				status: attempt.expect,
			});
			expect({ name: attempt.name, executionStatus: results[i].executionStatus }).toEqual({
				name: attempt.name,
				executionStatus: 'waiting',
			});
		}
		// The node's own 401 (not n8n's page) for the validly signed forgeries.
		for (const i of [5, 6, 7]) expect(results[i].body).toBe('{"error":"Unauthorized"}');
		expect(otherExecutionToken).not.toBe('');
		expect(otherExecutionToken).not.toBe(token);

		await sleep(1000);
		expect(await status(waiting.id)).toBe('waiting');
		expect(await executionsOf(wf.id)).toHaveLength(1);
		const still = await n8n.api.getExecution(waiting.id, true);
		expect(runsOf(still, 'Route the answer')).toHaveLength(0);

		// The real reply still resumes it: "No" → cancel.
		await sandbox.injectReply(message.message_id, 'No, sorry');
		const done = await finished(waiting.id);
		saveArtifact('forged-then-real-execution.json', done);
		expect(done.id).toBe(waiting.id);
		expect(done.status).toBe('success');
		const item = expectBranch(done, 'cancel');
		expect(item).toMatchObject({
			outcome: 'reply',
			decision: 'cancel',
			intent: 'cancel',
			text: 'No, sorry',
			metadata_appointmentId: 'A-4004',
		});
		expect(await executionsOf(wf.id)).toHaveLength(1);
		const pushes: CallbackDelivery[] = await sandbox.callbacks(`/webhook-waiting/${waiting.id}/`);
		expect(pushes.filter((d) => d.event === 'RECEIVED_SMS').map((d) => d.status)).toContain(200);
		// The Send and Wait node's own output after resume is the reply too.
		const waitRuns = runsOf(done, WAIT_NODE);
		const lastRun = waitRuns[waitRuns.length - 1];
		expect(lastRun.data!.main![0]![0].json.outcome).toBe('reply');

		await n8n.api.deactivate(wf.id);
		timings.forgedScenarioMs = Date.now() - t0;
	});

	it('loop: each wait resumes on its own reply; a late reply to the first message resumes nothing', async () => {
		const t0 = Date.now();
		const hookPath = 'booking-loop';
		const wf = await n8n.api.createWorkflow(
			loopWorkflow({
				path: hookPath,
				webhookId: '5a1d0000-0000-4000-8000-000000000006',
				resumeAmount: 1,
				resumeUnit: 'hours',
				credential: credentialRef(),
			}),
		);
		const url = await publish(wf, hookPath);
		await book(url, 'A-6006', CUSTOMER);
		const waiting = await waitingExecution(wf.id);
		await answerEachRound(
			{
				messages: () => sentMessages('A-6006', 0),
				reply: (messageId, text) => sandbox.injectReply(messageId, text),
				executionStatus: () => status(waiting.id),
				callbacks: (urlPart) => sandbox.callbacks(urlPart),
			},
			['maybe', 'what time?', 'YES'],
		);
		const done = await finished(waiting.id);
		saveArtifact('loop-execution.json', done);
		expect(done.id).toBe(waiting.id);
		expect(done.status).toBe('success');
		expect(repliesOf(done)).toEqual([
			['maybe', 'other'],
			['what time?', 'other'],
			['YES', 'confirm'],
		]);
		const last = runsOf(done, LOOP_DONE_NODE);
		expect(last).toHaveLength(1);
		expect(last[0].data!.main![0]![0].json).toMatchObject({ decision: 'confirm', text: 'YES' });
		expect(await sentMessages('A-6006', 3)).toHaveLength(3);
		expect(await executionsOf(wf.id)).toHaveLength(1);

		await n8n.api.deactivate(wf.id);
		timings.loopScenarioMs = Date.now() - t0;
	});

	it('link: a phone opens the link from the SMS and taps Confirm; link previews decide nothing', async () => {
		const t0 = Date.now();
		const hookPath = 'booking-link';
		const wf = await n8n.api.createWorkflow(
			linkWorkflow({
				path: hookPath,
				webhookId: '5a1d0000-0000-4000-8000-000000000007',
				resumeAmount: 1,
				resumeUnit: 'hours',
				credential: credentialRef(),
			}),
		);
		const url = await publish(wf, hookPath);
		await book(url, 'A-7007', CUSTOMER);
		const waiting = await waitingExecution(wf.id);
		const message = await sentMessage('A-7007');
		const link = linkIn(message.content);
		expect(message.content).toBe(
			`Hi Ann, your appointment is Tuesday 10:00. Please confirm:\n${link}`,
		);
		expect(link.startsWith(`${n8n.webhookUrl}webhook-waiting/${waiting.id}/`)).toBe(true);

		// Link previews fetch the link as soon as the message is shown; some also post to it.
		const previews: Array<Record<string, unknown>> = [];
		for (const agent of [
			'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
			'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
			'WhatsApp/2.23.20.0',
		]) {
			const got = await http('GET', link, undefined, { 'user-agent': agent });
			const posted = await http('POST', link, 'decision=confirm', {
				'user-agent': agent,
				'content-type': 'application/x-www-form-urlencoded',
			});
			previews.push({
				agent,
				get: got.status,
				post: posted.status,
				status: await status(waiting.id),
			});
		}
		saveArtifact('link-previews.json', previews);
		for (const p of previews) expect(p).toMatchObject({ get: 200, post: 200, status: 'waiting' });

		const browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
		try {
			const { page } = browser;
			await page.goto(link);
			await page.getByText('Please confirm:').waitFor();
			for (const label of ['Confirm', 'Cancel', 'Reschedule']) {
				expect(await page.getByRole('button', { name: label }).isVisible()).toBe(true);
			}
			await browser.screenshot('send-and-wait-link-page');
			// Opening the page decided nothing.
			expect(await status(waiting.id)).toBe('waiting');
			await page.getByRole('button', { name: 'Confirm' }).click();
			await page.getByText('Your answer was recorded: Confirm').waitFor();
			await browser.screenshot('send-and-wait-link-answered');
			expect(browser.errors).toEqual([]);
		} finally {
			await browser.close();
		}

		const done = await finished(waiting.id);
		saveArtifact('link-execution.json', done);
		expect(done.status).toBe('success');
		const item = expectBranch(done, 'confirm');
		expect(item).toMatchObject({
			outcome: 'link',
			decision: 'confirm',
			approved: true,
			button: 'Confirm',
			messageId: message.message_id,
			metadata_appointmentId: 'A-7007',
		});
		// A second tap (the page reloaded, posted again) changes nothing.
		const again = await http('POST', link, 'decision=cancel', {
			'content-type': 'application/x-www-form-urlencoded',
		});
		expect(again.status).toBeLessThan(500);
		await sleep(1000);
		expect(await executionsOf(wf.id)).toHaveLength(1);
		expect(runsOf(await n8n.api.getExecution(waiting.id, true), 'Confirm booking')).toHaveLength(1);

		await n8n.api.deactivate(wf.id);
		timings.linkScenarioMs = Date.now() - t0;
	});
});
