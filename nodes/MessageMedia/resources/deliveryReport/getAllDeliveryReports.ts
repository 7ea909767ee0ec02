import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { forEachItem } from '../../shared/forEachItem';
import type { OperationDefinition } from '../../shared/types';
import { messageMediaApiRequest } from '../../transport/messageMediaApi';
import { pollingListFields, vendorFields } from '../../shared/pollingLists';

const showOnlyForDeliveryReportGetAll = { resource: ['deliveryReport'], operation: ['getAll'] };

const description: INodeProperties[] = [
	...pollingListFields(showOnlyForDeliveryReportGetAll, 'delivery reports'),
];

export function simplifyDeliveryReport(report: IDataObject): IDataObject {
	return {
		deliveryReportId: report.delivery_report_id,
		messageId: report.message_id,
		status: report.status,
		source: report.source_number,
		dateReceived: report.date_received,
		submittedDate: report.submitted_date,
		originalText: report.original_text,
		billingUnits: report.billing_units,
		callbackUrl: report.callback_url,
		metadata: report.metadata ?? {},
		...vendorFields(report),
	};
}

async function run(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await forEachItem.call(this, items, async (i) => {
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const body = await messageMediaApiRequest.call(this, {
			method: 'GET',
			path: '/v1/delivery_reports',
			itemIndex: i,
		});
		const reports = ((body.delivery_reports as IDataObject[] | undefined) ?? []).map(
			simplifyDeliveryReport,
		);
		return returnAll ? reports : reports.slice(0, this.getNodeParameter('limit', i) as number);
	});
}

export const getAllDeliveryReports: OperationDefinition = { description, run };
