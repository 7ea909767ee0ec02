/**
 * Runs our nodes inside n8n-core's real execution contexts (ExecuteContext, HookContext,
 * WebhookContext), so parameter resolution, credentials, httpRequestWithAuthentication,
 * continueOnFail and pairedItem behave as they do in n8n. Only the credential store and the
 * express request/response are stand-ins. HTTP goes out for real, so nock intercepts it.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsHelper,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRunExecutionData,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';
import { ExecuteContext, HookContext, WebhookContext } from 'n8n-core';

import { MessageMediaMessagingApi } from '../../credentials/MessageMediaMessagingApi.credentials';
import { MessageMedia } from '../../nodes/MessageMedia/MessageMedia.node';
import { MessageMediaTrigger } from '../../nodes/MessageMedia/MessageMediaTrigger.node';
import { N8N_REVIEW_MESSAGE, REVIEW_RESPONSE_TYPE } from '../../nodes/MessageMedia/n8nInternals';

export const BASE_URL = 'https://api.messagemedia.test';

export const TEST_CREDENTIALS: ICredentialDataDecryptedObject = {
	authType: 'basic',
	apiKey: 'test-key',
	apiSecret: 'test-secret',
	region: 'custom',
	baseUrl: BASE_URL,
	subAccount: '',
};

const credentialType = new MessageMediaMessagingApi();

class TestCredentialsHelper {
	constructor(private data: ICredentialDataDecryptedObject) {}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_type: string,
		requestOptions: IHttpRequestOptions,
	) {
		return await credentialType.authenticate(credentials, requestOptions);
	}
	async preAuthentication() {
		return undefined;
	}
	async getCredentials() {
		throw new Error('not used');
	}
	async getDecrypted() {
		return { ...this.data };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties() {
		return credentialType.properties;
	}
}

/**
 * The properties of the Human review variant n8n generates from a node with a Send and Wait
 * operation, by the two rules of n8n's createHitlTools (read in n8n 2.41.1) that shape its panel:
 * its own `message` comes first and replaces any of ours; a `responseType` of ours becomes hidden
 * and set to `approval`. Everything else is kept.
 */
export function asN8nHitlProperties(properties: INodeProperties[]): INodeProperties[] {
	return [
		{ displayName: 'Message', name: 'message', type: 'string', default: N8N_REVIEW_MESSAGE },
		...properties
			.filter((p) => p.name !== 'message')
			.map((p) =>
				p.name === 'responseType'
					? ({
							displayName: 'Response Type',
							name: 'responseType',
							type: 'hidden',
							default: REVIEW_RESPONSE_TYPE,
						} as INodeProperties)
					: p,
			),
	];
}

function asHumanReviewVariant(nodeType: MessageMedia): MessageMedia {
	nodeType.description = {
		...nodeType.description,
		name: `${nodeType.description.name}HitlTool`,
		properties: asN8nHitlProperties(nodeType.description.properties),
	};
	return nodeType;
}

const nodeTypeInstances: Record<string, INodeType> = {
	'n8n-nodes-messagemedia.messageMedia': new MessageMedia(),
	'n8n-nodes-messagemedia.messageMediaTrigger': new MessageMediaTrigger(),
	'n8n-nodes-messagemedia.messageMediaHitlTool': asHumanReviewVariant(new MessageMedia()),
};

const nodeTypes: INodeTypes = {
	getByName: (type: string) => nodeTypeInstances[type],
	getByNameAndVersion: (type: string) => nodeTypeInstances[type],
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

export interface NodeRunOptions {
	parameters: IDataObject;
	credentials?: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	staticData?: IDataObject;
	mode?: WorkflowExecuteMode;
	executionId?: string;
	/** Called with the execution context before execute(), e.g. to spy on it. */
	beforeExecute?: (context: ExecuteContext) => void;
	/** The node's typeVersion in the workflow (default 1). */
	typeVersion?: number;
	/** The node's type, when not the one the helper runs by default. */
	nodeType?: string;
}

function buildNode(type: string, options: NodeRunOptions): INode {
	return {
		id: 'node-1',
		name: type.endsWith('Trigger') ? 'MessageMedia Trigger' : 'MessageMedia',
		type: options.nodeType ?? type,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters as INode['parameters'],
		credentials: { messageMediaMessagingApi: { id: 'cred-1', name: 'MessageMedia account' } },
		webhookId: 'hook-uuid',
		onError: options.continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
	};
}

function buildWorkflow(node: INode, staticData?: IDataObject): Workflow {
	return new Workflow({
		id: 'wf-1',
		name: 'Test workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		staticData: staticData ? { [`node:${node.name}`]: staticData } : undefined,
	});
}

export function additionalData(options: NodeRunOptions): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper(
			options.credentials ?? TEST_CREDENTIALS,
		) as unknown as ICredentialsHelper,
		executionId: options.executionId ?? 'exec-1',
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'user-1',
		setExecutionStatus: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/**
 * A field of the trigger's webhook description as n8n evaluates it for a request
 * (webhook-helpers' evaluateResponseOptions), for a trigger with these parameters.
 */
export function triggerWebhookDescriptionValue(
	field: 'responseMode' | 'responseData',
	parameters: IDataObject,
	defaultValue: string,
): unknown {
	const node = buildNode('n8n-nodes-messagemedia.messageMediaTrigger', { parameters });
	const workflow = buildWorkflow(node);
	const [description] = nodeTypeInstances[node.type].description.webhooks!;
	return workflow.expression.getSimpleParameterValue(
		node,
		description[field] as string,
		'webhook',
		{},
		undefined,
		defaultValue,
	);
}

export interface ExecuteResult {
	output: INodeExecutionData[][];
	context: ExecuteContext;
	workflow: Workflow;
}

/** Runs the action node's execute() over the given input items. */
export async function executeActionNode(
	options: NodeRunOptions,
	items: IDataObject[] | INodeExecutionData[],
): Promise<ExecuteResult> {
	const node = buildNode('n8n-nodes-messagemedia.messageMedia', options);
	const workflow = buildWorkflow(node, options.staticData);
	const inputItems: INodeExecutionData[] = (items as Array<IDataObject | INodeExecutionData>).map(
		(item) =>
			'json' in item && typeof item.json === 'object'
				? (item as INodeExecutionData)
				: { json: item as IDataObject },
	);
	const runExecutionData: IRunExecutionData = createRunExecutionData({});
	const executeData: IExecuteData = { node, data: { main: [inputItems] }, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData(options),
		options.mode ?? 'manual',
		runExecutionData,
		0,
		inputItems,
		{ main: [inputItems] },
		executeData,
		[],
	);
	options.beforeExecute?.(context);
	const nodeType = nodeTypeInstances[node.type];
	const output = (await nodeType.execute!.call(context)) as INodeExecutionData[][];
	return { output, context, workflow };
}

export interface HookRunOptions extends NodeRunOptions {
	webhookUrl?: string;
	activation?: WorkflowActivateMode;
}

const DEFAULT_WEBHOOK_URL = 'https://n8n.example.com/webhook/hook-uuid/webhook';

function webhookData(node: INode, workflow: Workflow, url: string): IWebhookData {
	const path = new URL(url).pathname.replace(/^\/(webhook|webhook-test)\//, '');
	return {
		httpMethod: 'POST',
		node: node.name,
		path,
		webhookDescription: {
			name: 'default',
			httpMethod: 'POST',
			path: 'webhook',
			responseMode: 'onReceived',
		},
		workflowId: workflow.id,
		workflowExecuteAdditionalData: {} as IWorkflowExecuteAdditionalData,
		webhookId: node.webhookId,
		isTest: new URL(url).pathname.startsWith('/webhook-test/'),
	} as IWebhookData;
}

/**
 * Builds a HookContext for the trigger's webhookMethods. The webhook base URL comes from the
 * given URL so that getNodeWebhookUrl('default') returns exactly it.
 */
export function hookContext(options: HookRunOptions) {
	const url = options.webhookUrl ?? DEFAULT_WEBHOOK_URL;
	const node = buildNode('n8n-nodes-messagemedia.messageMediaTrigger', options);
	const workflow = buildWorkflow(node, options.staticData);
	const parsed = new URL(url);
	const base = `${parsed.protocol}//${parsed.host}/`;
	const data = additionalData(options);
	const isTest = parsed.pathname.startsWith('/webhook-test/');
	Object.assign(data, {
		webhookBaseUrl: `${base}webhook`,
		webhookTestBaseUrl: `${base}webhook-test`,
		instanceBaseUrl: base,
	});
	const mode: WorkflowExecuteMode = isTest ? 'manual' : (options.mode ?? 'trigger');
	const context = new HookContext(
		workflow,
		node,
		data,
		mode,
		options.activation ?? (isTest ? 'manual' : 'activate'),
		webhookData(node, workflow, url),
	);
	return { context, workflow, node, staticData: () => workflow.getStaticData('node', node) };
}

export interface FakeRequestInit {
	body: string | Buffer;
	headers?: Record<string, string>;
	method?: string;
	url?: string;
}

export interface FakeResponse {
	statusCode?: number;
	sent?: unknown;
	ended: boolean;
	headers: Record<string, string>;
	status(code: number): FakeResponse;
	send(body?: unknown): FakeResponse;
	json(body?: unknown): FakeResponse;
	end(): FakeResponse;
	setHeader(name: string, value: string): FakeResponse;
	set(name: string, value: string): FakeResponse;
}

export function fakeResponse(): FakeResponse {
	const res: FakeResponse = {
		ended: false,
		headers: {},
		status(code) {
			res.statusCode = code;
			return res;
		},
		send(body) {
			res.sent = body;
			res.ended = true;
			return res;
		},
		json(body) {
			res.sent = body;
			res.ended = true;
			return res;
		},
		end() {
			res.ended = true;
			return res;
		},
		setHeader(name, value) {
			res.headers[name.toLowerCase()] = value;
			return res;
		},
		set(name, value) {
			return res.setHeader(name, value);
		},
	};
	return res;
}

/** An execution waiting in `node`, as n8n keeps it: the node on the stack with its item. */
function waitingExecution(node: INode, item: IDataObject): IRunExecutionData {
	return createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node, data: { main: [[{ json: item }]] }, source: null }],
		},
	});
}

/**
 * Builds a WebhookContext around a fake express request carrying the raw body exactly as n8n's
 * body parser leaves it (`rawBody` Buffer plus the parsed `body`).
 */
export function webhookContext(
	options: HookRunOptions & {
		request: FakeRequestInit;
		node?: 'trigger' | 'action';
		/** For a resume webhook: the item the waiting node left on the execution stack. */
		waitingItem?: IDataObject;
	},
) {
	const url = options.webhookUrl ?? DEFAULT_WEBHOOK_URL;
	const node = buildNode(
		options.node === 'action'
			? 'n8n-nodes-messagemedia.messageMedia'
			: 'n8n-nodes-messagemedia.messageMediaTrigger',
		options,
	);
	const workflow = buildWorkflow(node, options.staticData);
	const raw = Buffer.isBuffer(options.request.body)
		? options.request.body
		: Buffer.from(options.request.body, 'utf8');
	const headers = Object.fromEntries(
		Object.entries({ 'content-type': 'application/json', ...(options.request.headers ?? {}) }).map(
			([k, v]) => [k.toLowerCase(), v],
		),
	);
	// As n8n's body parser: JSON, or a form's fields.
	let parsed: unknown = {};
	if (String(headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
		parsed = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
	} else {
		try {
			parsed = JSON.parse(raw.toString('utf8'));
		} catch {
			parsed = {};
		}
	}
	const parsedUrl = new URL(url);
	const req = {
		method: options.request.method ?? 'POST',
		url: options.request.url ?? parsedUrl.pathname + parsedUrl.search,
		originalUrl: options.request.url ?? parsedUrl.pathname + parsedUrl.search,
		headers,
		body: parsed,
		rawBody: raw,
		query: Object.fromEntries(parsedUrl.searchParams),
		params: {},
		contentType: headers['content-type'],
		header: (name: string) => headers[name.toLowerCase()],
		get: (name: string) => headers[name.toLowerCase()],
	};
	const res = fakeResponse();
	const data = additionalData(options);
	const base = `${parsedUrl.protocol}//${parsedUrl.host}/`;
	Object.assign(data, {
		webhookBaseUrl: `${base}webhook`,
		webhookTestBaseUrl: `${base}webhook-test`,
		instanceBaseUrl: base,
		httpRequest: req,
		httpResponse: res,
	});
	const context = new WebhookContext(
		workflow,
		node,
		data,
		options.mode ?? 'trigger',
		webhookData(node, workflow, url),
		[],
		options.waitingItem ? waitingExecution(node, options.waitingItem) : null,
	);
	return {
		context,
		res,
		req,
		workflow,
		node,
		staticData: () => workflow.getStaticData('node', node),
	};
}
