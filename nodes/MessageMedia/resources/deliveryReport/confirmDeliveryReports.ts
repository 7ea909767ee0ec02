import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { confirmIds } from '../../shared/pollingLists';

const showOnlyForDeliveryReportConfirm = { resource: ['deliveryReport'], operation: ['confirm'] };

const description: INodeProperties[] = [
	{
		displayName: 'Delivery Report IDs',
		name: 'deliveryReportIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 01e1fa0a-6e27-4945-9cdb-18644b4de043, 0ea6d8e3-7e5c-4a9c-9a0e-2a1f4c5b6d7e',
		description:
			'Comma-separated delivery report IDs (not message IDs), or an expression returning an array. Sent 100 per request.',
		displayOptions: { show: showOnlyForDeliveryReportConfirm },
	},
];

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const ids = await confirmIds.call(
			this,
			{
				path: '/v1/delivery_reports/confirmed',
				bodyKey: 'delivery_report_ids',
				noun: 'delivery report',
				field: 'Delivery Report IDs',
				value: this.getNodeParameter('deliveryReportIds', i),
			},
			i,
		);
		return { confirmed: ids.length, deliveryReportIds: ids };
	});
}

export const confirmDeliveryReports: OperationDefinition = { description, run };
