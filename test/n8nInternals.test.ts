/**
 * Holds each entry of nodes/MessageMedia/n8nInternals.ts to the n8n the project pins, read from
 * the installed runtimes (scripts/n8n/install.ts). A test fails when a new pin changes what the
 * package relies on; the entry's comment says what to re-read.
 *
 * n8n-workflow is a plain library, so its parts are called. n8n's server and n8n-core's execution
 * engine need a database, a DI container and a running instance to exercise, which the
 * end-to-end suites do; here their code is read, and the statements the package relies on must
 * still be there. `npm test` installs nothing: a runtime that is not installed is skipped with a
 * message (`npm run n8n:install` installs 2.x, `npm run n8n:install -- 1.x` the 1.x line).
 */
import * as fs from 'fs';
import * as path from 'path';
import type {
	INode,
	INodeParameters,
	INodeTypeDescription,
	IWebhookDescription,
} from 'n8n-workflow';

import { MessageMedia } from '../nodes/MessageMedia/MessageMedia.node';
import {
	holdsExpression,
	isHumanReview,
	N8N_REVIEW_MESSAGE,
	REVIEW_RESPONSE_TYPE,
	storedParameter,
	TRIGGER_VERSIONS,
	WEBHOOK_DESCRIPTION_RESOLVERS,
} from '../nodes/MessageMedia/n8nInternals';
import { triggerWebhook } from '../nodes/MessageMedia/trigger/acknowledge';
import { runtimeDir, type N8nLine } from '../scripts/n8n/install';

interface PinnedN8n {
	line: N8nLine;
	version: string;
	/** A file of an installed package, e.g. ('n8n', 'dist/middlewares/body-parser.js'). */
	file: (pkg: string, relative: string) => string;
	/** One function of an installed package's file (see functionSource). */
	source: (pkg: string, relative: string, start: string) => string;
	load: <T extends object>(pkg: string) => T;
}

function pinned(line: N8nLine): PinnedN8n | undefined {
	const modules = path.join(runtimeDir(line), 'node_modules');
	// The install marker is written last, so a runtime being installed is not read half-way.
	if (!fs.existsSync(path.join(runtimeDir(line), '.installed.json'))) return undefined;
	const version = (
		JSON.parse(fs.readFileSync(path.join(modules, 'n8n', 'package.json'), 'utf8')) as {
			version: string;
		}
	).version;
	return {
		line,
		version,
		file: (pkg, relative) => path.join(modules, pkg, relative),
		source: (pkg, relative, start) => functionSource(path.join(modules, pkg, relative), start),
		load: <T extends object>(pkg: string) => jest.requireActual<T>(path.join(modules, pkg)),
	};
}

/**
 * One function's (or method's) source from its first line, found by `start`, to the line that
 * closes it at the same indentation; whitespace collapsed, so a check reads as the code does.
 */
function functionSource(file: string, start: string): string {
	const text = fs.readFileSync(file, 'utf8');
	const escaped = start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const head = new RegExp(`^([ \\t]*)(?:async )?(?:function )?${escaped}`, 'm').exec(text);
	if (!head) throw new Error(`"${start}" is gone from ${file}`);
	const close = new RegExp(`\\n${head[1]}\\};?\\n`, 'g');
	close.lastIndex = head.index;
	const end = close.exec(text);
	return text
		.slice(head.index, end ? end.index + end[0].length : undefined)
		.replace(/\s+/g, ' ')
		.trim();
}

const LINES: Array<{ line: N8nLine; expected: RegExp }> = [
	{ line: '2.x', expected: /^2\.41\./ },
	{ line: '1.x', expected: /^1\.123\./ },
];

for (const { line, expected } of LINES) {
	const n8n = pinned(line);
	const title = n8n
		? `n8n ${n8n.version} (pinned ${line}): what the package relies on`
		: `n8n ${line}: skipped, the pinned runtime is not installed (npm run n8n:install${line === '1.x' ? ' -- 1.x' : ''})`;
	(n8n ? describe : describe.skip)(title, () => {
		const rt = n8n!;

		it('is the version n8nInternals.ts was read from', () => {
			expect(rt.version).toMatch(expected);
		});

		describe('1. native webhook description resolvers', () => {
			if (line === '2.x') {
				it('resolves the trigger’s response mode without an expression, for static parameters', () => {
					const workflow = rt.load<{
						WEBHOOK_RESOLVERS: symbol;
						resolveWebhookDescriptionField: (
							node: Pick<INode, 'parameters'>,
							description: IWebhookDescription,
							field: string,
						) => { resolved: boolean; value?: unknown };
					}>('n8n-workflow');
					expect(workflow.WEBHOOK_RESOLVERS).toBe(WEBHOOK_DESCRIPTION_RESOLVERS);
					const resolve = (parameters: INodeParameters) =>
						workflow.resolveWebhookDescriptionField({ parameters }, triggerWebhook, 'responseMode');
					expect(resolve({ options: { acknowledge: 'lastNode' } })).toEqual({
						resolved: true,
						value: 'lastNode',
					});
					expect(resolve({ options: {} })).toEqual({ resolved: true, value: 'onReceived' });
					// An expression anywhere in the parameters sends n8n back to its engine.
					expect(resolve({ options: {}, events: ['={{ "RECEIVED_SMS" }}'] })).toEqual({
						resolved: false,
					});
				});

				it('asks the resolver before the expression engine when handling a request', () => {
					const source = rt.source(
						'n8n',
						'dist/webhooks/webhook.service.js',
						'evaluateDescriptionProperty',
					);
					expect(source).toContain(
						'const native = (0, n8n_workflow_1.resolveWebhookDescriptionField)(node, webhookDescription, property); if (native.resolved) return native.value;',
					);
				});
			} else {
				it('has no resolvers: the template is evaluated, with the same answer', () => {
					const workflow = rt.load<Record<string, unknown>>('n8n-workflow');
					expect(workflow.resolveWebhookDescriptionField).toBeUndefined();
					expect(triggerWebhook.responseMode).toMatch(/^=\{\{/);
				});
			}
		});

		describe('2. the request’s exact bytes', () => {
			it('gives every request a readRawBody() that keeps the bytes in req.rawBody', () => {
				const source = rt.source(
					'n8n',
					'dist/middlewares/body-parser.js',
					'const rawBodyReader = ',
				);
				expect(source).toContain('req.readRawBody = async () => { if (!req.rawBody) {');
				expect(source).toContain('req.rawBody = await (0, raw_body_1.default)(stream, {');
			});

			it('reads the body for a start node past version 1 only for content types it parses', () => {
				const source = rt.source('n8n', 'dist/webhooks/webhook-helpers.js', 'parseRequestBody');
				expect(source).toMatch(/nodeVersion > 1/);
				expect(source).toContain('await (0, middlewares_1.parseBody)(req);');
				const helpers = fs.readFileSync(rt.file('n8n', 'dist/webhooks/webhook-helpers.js'), 'utf8');
				expect(helpers).toMatch(/contentType\??\.startsWith\('application\/json'\)/);
			});
		});

		describe('3. the result of a wait that runs out', () => {
			const engine = 'dist/execution-engine/workflow-execute.js';

			it('stacks the execute data the node was given, to run again on resume', () => {
				const context = rt.source(
					'n8n-core',
					'dist/execution-engine/node-execution-context/base-execute-context.js',
					'getExecuteData',
				);
				expect(context).toBe('getExecuteData() { return this.executeData; }');
				const run = fs.readFileSync(rt.file('n8n-core', engine), 'utf8').replace(/\s+/g, ' ');
				expect(run).toMatch(
					/if \(this\.runExecutionData\.waitTill\) \{ await hooks\.runHook\('nodeExecuteAfter', \[ executionNode\.name, taskData, this\.runExecutionData, \]\); this\.(pushExecutionStack\(executionData\)|runExecutionData\.executionData\.nodeExecutionStack\.unshift\(executionData\)); break; \}/,
				);
			});

			it('on resume after the time limit, disables that node so its stacked input passes through', () => {
				const waiting = rt.source('n8n-core', engine, 'handleWaitingState');
				expect(waiting).toMatch(/nodeExecutionStack\[0\]/);
				expect(waiting).toMatch(/\.node\.disabled = true;/);
				const disabled = rt.source('n8n-core', engine, 'handleDisabledNode');
				expect(disabled).toContain('return { data: [inputData.main[0]] };');
			});
		});

		describe('4. parameters as stored', () => {
			it('getNodeParameter reads node.parameters at the path and resolves it per item', () => {
				const source = rt.source(
					'n8n-core',
					'dist/execution-engine/node-execution-context/node-execution-context.js',
					'_getNodeParameter',
				);
				expect(source).toContain(
					'const value = (0, get_1.default)(node.parameters, parameterName, fallbackValue);',
				);
				expect(source).toMatch(
					/returnData = workflow\.expression\.getParameterValue\(value, runExecutionData, runIndex, itemIndex,/,
				);
			});

			it('returns a value without `=` strings unchanged for every item', () => {
				const workflow = rt.load<Record<string, new (w: unknown) => unknown>>('n8n-workflow');
				type Resolver = { getParameterValue: (value: unknown, ...rest: unknown[]) => unknown };
				const expression = (
					line === '2.x'
						? new workflow.WorkflowExpression({ timezone: 'UTC' })
						: new workflow.Expression({ timezone: 'UTC' })
				) as Resolver;
				const stored = {
					format: 'SMS',
					options: { deliveryReport: true, metadata: { entries: [{ key: 'k', value: 'v' }] } },
					count: 3,
				};
				expect(holdsExpression(stored)).toBe(false);
				for (const itemIndex of [0, 7]) {
					const value = expression.getParameterValue(
						stored,
						null,
						0,
						itemIndex,
						'MessageMedia',
						[],
						'manual',
						{},
					);
					expect(value).toEqual(stored);
				}
			});

			if (line === '2.x') {
				it('counts as an expression what n8n counts as one', () => {
					const workflow = rt.load<{
						nodeParametersAreStatic: (node: Pick<INode, 'parameters'>) => boolean;
					}>('n8n-workflow');
					const cases: INodeParameters[] = [
						{ content: 'Hi' },
						{ content: '={{ $json.text }}' },
						{ options: { metadata: { entries: [{ key: 'k', value: '={{ 1 }}' }] } } },
						{ list: ['a', '=b'] },
						{ options: { callbackUrl: 'https://x.example/=' } },
					];
					for (const parameters of cases) {
						expect(holdsExpression(parameters)).toBe(
							!workflow.nodeParametersAreStatic({ parameters }),
						);
					}
					expect(
						storedParameter({ parameters: { options: {} } } as unknown as INode, 'options.x'),
					).toBe('=');
				});
			}
		});

		if (line === '2.x') {
			describe('6. the Human review variant of Send and Wait', () => {
				it('is generated as <node>HitlTool with n8n’s own message and an approval response type', () => {
					const { convertNodeToHitlTool } = jest.requireActual<{
						convertNodeToHitlTool: (item: { description: INodeTypeDescription }) => {
							description: INodeTypeDescription;
						};
					}>(rt.file('n8n', 'dist/tool-generation/hitl-tools.js'));
					const { description } = convertNodeToHitlTool({
						description: structuredClone(new MessageMedia().description),
					});
					const review = { type: `n8n-nodes-messagemedia.${description.name}` } as INode;
					expect(isHumanReview(review)).toBe(true);
					const byName = new Map(description.properties.map((p) => [p.name, p]));
					expect(byName.get('message')?.default).toBe(N8N_REVIEW_MESSAGE);
					expect(byName.get('responseType')?.default).toBe(REVIEW_RESPONSE_TYPE);
				});

				it('lets the agent run the gated tool only on a boolean approved, quoting chatInput', () => {
					const file = rt.file(
						'@n8n/n8n-nodes-langchain',
						'dist/utils/agent-execution/processHitlResponses.js',
					);
					const source = fs.readFileSync(file, 'utf8').replace(/\s+/g, ' ');
					expect(source).toContain("typeof data.approved === 'boolean'");
					expect(source).toContain('json?.chatInput');
				});
			});
		}

		describe('5. trigger version 2', () => {
			it('evaluates the binaryData expression per request only for a start node at version 1', () => {
				const source = rt.source('n8n', 'dist/webhooks/webhook-helpers.js', 'parseRequestBody');
				expect(source).toContain(
					'if (nodeVersion === 1) { binaryData = workflow.expression.getSimpleParameterValue(workflowStartNode, \'={{$parameter["options"]["binaryData"]}}\'',
				);
				expect(TRIGGER_VERSIONS).toEqual({ version: [1, 2], defaultVersion: 2 });
			});
		});
	});
}
