import type { INode } from 'n8n-workflow';

/** An action node as a workflow stores it, for tests that need a node but no n8n context. */
export function actionNode(parameters: INode['parameters'] = {}): INode {
	return {
		id: 'n1',
		name: 'MessageMedia',
		type: 'n8n-nodes-messagemedia.messageMedia',
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
}
