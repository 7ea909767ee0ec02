/**
 * Workflow fixtures more than one caller builds: the end-to-end tests, the queue-mode suite and
 * the benchmarks all send a list of appointments through the same three nodes.
 */
import type { N8nWorkflow } from './api';
import { CREDENTIAL_TYPE, NODE_TYPES } from './messagemedia';

export const APPOINTMENTS_NODE = 'Appointments in';
export const SPLIT_NODE = 'One item per appointment';

/** The Send node's parameters: one SMS per appointment, its id in the message metadata. */
export const APPOINTMENT_SEND_PARAMETERS = {
	resource: 'message',
	operation: 'send',
	destination: '={{ $json.phone }}',
	format: 'SMS',
	content: '=Hi {{ $json.name }}, reply YES to confirm appointment {{ $json.appointmentId }}.',
	from: { __rl: true, mode: 'id', value: '={{ $json.from }}' },
	options: {
		metadata: { entries: [{ key: 'appointmentId', value: '={{ $json.appointmentId }}' }] },
	},
};

export interface AppointmentSendOptions {
	name: string;
	/** The Webhook node's webhookId and path: POST `{ appointments: [...] }` to `webhook/<path>`. */
	webhookId: string;
	path: string;
	credential: { id: string; name: string };
	/** Default 'Send reminder'. */
	sendNode?: string;
	/** Default APPOINTMENT_SEND_PARAMETERS. */
	sendParameters?: Record<string, unknown>;
	/** Continue On Fail: failed items come out as error items instead of failing the execution. */
	continueOnFail?: boolean;
}

/**
 * Webhook ("Appointments in", answers at once) → Split Out on body.appointments → MessageMedia
 * Send. The public API cannot run a Manual Trigger, hence the Webhook node.
 */
export function appointmentSendWorkflow(opts: AppointmentSendOptions): N8nWorkflow {
	const sendNode = opts.sendNode ?? 'Send reminder';
	return {
		name: opts.name,
		nodes: [
			{
				name: APPOINTMENTS_NODE,
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: opts.webhookId,
				parameters: {
					httpMethod: 'POST',
					path: opts.path,
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				name: SPLIT_NODE,
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.appointments', options: {} },
			},
			{
				name: sendNode,
				type: NODE_TYPES.action,
				typeVersion: 1,
				position: [440, 0],
				...(opts.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
				parameters: opts.sendParameters ?? APPOINTMENT_SEND_PARAMETERS,
				credentials: { [CREDENTIAL_TYPE]: opts.credential },
			},
		],
		connections: {
			[APPOINTMENTS_NODE]: { main: [[{ node: SPLIT_NODE, type: 'main', index: 0 }]] },
			[SPLIT_NODE]: { main: [[{ node: sendNode, type: 'main', index: 0 }]] },
		},
	};
}
