import type { INodeProperties } from 'n8n-workflow';

import { confirm } from './confirm';
import { getAll } from './getAll';

export const deliveryReportOperations = { getAll, confirm };

const showOnlyForDeliveryReports = { resource: ['deliveryReport'] };

export const deliveryReportDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForDeliveryReports },
		options: [
			{
				name: 'Confirm',
				value: 'confirm',
				action: 'Confirm delivery reports',
				description: 'Mark delivery reports as received so MessageMedia stops returning them',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many delivery reports',
				description: 'Get the oldest unconfirmed delivery reports (up to 100)',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...confirm.description,
];
