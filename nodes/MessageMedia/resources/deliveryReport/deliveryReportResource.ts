import type { INodeProperties } from 'n8n-workflow';

import { confirmDeliveryReports } from './confirmDeliveryReports';
import { getAllDeliveryReports } from './getAllDeliveryReports';

export const deliveryReportOperations = {
	getAll: getAllDeliveryReports,
	confirm: confirmDeliveryReports,
};

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
	...getAllDeliveryReports.description,
	...confirmDeliveryReports.description,
];
