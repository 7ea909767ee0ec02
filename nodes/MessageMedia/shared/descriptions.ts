import type { INodeProperties } from 'n8n-workflow';

import type { DefaultIntent } from '../intent/defaultIntentLists';
import { DEFAULT_INTENT_FIELD_VALUES } from '../intent/replyIntentLists';
import { sendOnceOption } from './sendOnce';

export type Show = NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>;

/** Lets users type local numbers: shared by every operation that takes phone numbers. */
export const defaultCountryCodeOption: INodeProperties = {
	displayName: 'Default Country Code',
	name: 'defaultCountryCode',
	type: 'string',
	default: '',
	placeholder: '61',
	description:
		'Turns local numbers such as 0491 570 156 into international ones by adding this country code',
};

/** An Options collection holding only Default Country Code. */
export function countryCodeOptions(show: Show): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [defaultCountryCodeOption],
	};
}

// Send and Wait owns the callback URL and delivery reports, so those options are not offered there.
const WAIT_MANAGED_OPTIONS = ['callbackUrl', 'deliveryReport'];

/**
 * The message fields shared by Send and Send and Wait for Reply, shown for `show`. With
 * `forWait`, the options the wait sets itself are left out.
 */
export function messageFields(show: Show, { forWait = false } = {}): INodeProperties[] {
	const withFormat = (formats: string[]): Show => ({ ...show, format: formats });
	return [
		{
			displayName: 'To',
			name: 'destination',
			type: 'string',
			required: true,
			default: '',
			placeholder: '+61491570156',
			description:
				'Recipient phone number, ideally in international E.164 format. Spaces, dashes and brackets are removed.',
			displayOptions: { show },
		},
		{
			displayName: 'Type',
			name: 'format',
			type: 'options',
			options: [
				{ name: 'SMS', value: 'SMS' },
				{ name: 'MMS', value: 'MMS', description: 'A picture message with media URLs' },
				{
					name: 'Text to Speech',
					value: 'TTS',
					description: 'A voice call that reads the message aloud',
				},
			],
			default: 'SMS',
			displayOptions: { show },
		},
		{
			displayName: 'Message',
			name: 'content',
			type: 'string',
			required: true,
			default: '',
			typeOptions: { rows: 4 },
			description: 'The text to send, 1 to 5000 characters. For text to speech it is read aloud.',
			displayOptions: { show },
		},
		{
			displayName: 'Media URLs',
			name: 'media',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://example.com/photo.jpg',
			description: 'Comma-separated public URLs of PNG, JPEG or GIF images to attach',
			displayOptions: { show: withFormat(['MMS']) },
		},
		{
			displayName: 'Subject',
			name: 'subject',
			type: 'string',
			default: '',
			description: 'MMS subject line, up to 64 characters',
			displayOptions: { show: withFormat(['MMS']) },
		},
		{
			displayName: 'From',
			name: 'from',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			description:
				"The sender ID. Leave empty to use the account's default number. It must be registered to the account.",
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					typeOptions: { searchListMethod: 'searchSenderAddresses', searchable: true },
				},
				{
					displayName: 'Number or Sender ID',
					name: 'id',
					type: 'string',
					placeholder: '+61491570156 or ACME',
				},
			],
			displayOptions: { show },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show },
			options: (
				[
					{
						displayName: 'Callback URL',
						name: 'callbackUrl',
						type: 'string',
						default: '',
						description:
							'MessageMedia posts delivery reports and replies for this message to this URL',
					},
					defaultCountryCodeOption,
					{
						displayName: 'Delivery Report',
						name: 'deliveryReport',
						type: 'boolean',
						default: false,
						description:
							'Whether to request delivery reports for status changes (may be charged by MessageMedia)',
					},
					{
						displayName: 'Expiry',
						name: 'expiry',
						type: 'dateTime',
						default: '',
						description: 'Latest time to deliver the message; it is discarded after that',
					},
					{
						displayName: 'Maximum Segments',
						name: 'maxSegments',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 1,
						description:
							'SMS only: an item that needs more segments (each billed as one SMS) fails instead of being sent. One curly quote or emoji shrinks a segment from 160 characters to 70.',
					},
					{
						displayName: 'Metadata',
						name: 'metadata',
						type: 'fixedCollection',
						placeholder: 'Add Metadata',
						default: {},
						typeOptions: { multipleValues: true },
						description:
							'Up to 10 key/value pairs echoed back in replies and delivery reports, e.g. an appointment ID',
						options: [
							{
								displayName: 'Entry',
								name: 'entries',
								values: [
									{ displayName: 'Key', name: 'key', type: 'string', default: '' },
									{ displayName: 'Value', name: 'value', type: 'string', default: '' },
								],
							},
						],
					},
					{
						displayName: 'Replace Look-Alike Characters',
						name: 'replaceLookAlikes',
						type: 'boolean',
						default: false,
						description:
							'Whether to replace curly quotes, dashes and similar characters with plain ones, so an SMS fits the cheaper GSM-7 encoding. Only done when the whole message then fits; letters are never changed.',
					},
					{
						displayName: 'Scheduled',
						name: 'scheduled',
						type: 'dateTime',
						default: '',
						description: 'Send at this future time instead of now',
					},
					sendOnceOption,
					{
						displayName: 'Send Window',
						name: 'sendWindow',
						type: 'fixedCollection',
						placeholder: 'Add Send Window',
						default: {},
						description:
							'Only send between these local times on these days; a message outside them is scheduled for the next opening. An item whose Expiry comes before that opening fails.',
						options: [
							{
								displayName: 'Window',
								name: 'window',
								values: [
									{
										displayName: 'Start',
										name: 'start',
										type: 'string',
										default: '09:00',
										placeholder: '09:00',
										description: 'Local time the window opens, 24-hour HH:MM',
									},
									{
										displayName: 'End',
										name: 'end',
										type: 'string',
										default: '20:00',
										placeholder: '20:00',
										description:
											'Local time the window closes, 24-hour HH:MM. Earlier than Start spans midnight; equal to Start means all day.',
									},
									{
										displayName: 'Days',
										name: 'days',
										type: 'multiOptions',
										options: [
											{ name: 'Friday', value: 'friday' },
											{ name: 'Monday', value: 'monday' },
											{ name: 'Saturday', value: 'saturday' },
											{ name: 'Sunday', value: 'sunday' },
											{ name: 'Thursday', value: 'thursday' },
											{ name: 'Tuesday', value: 'tuesday' },
											{ name: 'Wednesday', value: 'wednesday' },
										],
										default: [
											'monday',
											'tuesday',
											'wednesday',
											'thursday',
											'friday',
											'saturday',
											'sunday',
										],
										description: 'Days on which the window opens',
									},
									{
										displayName: 'Time Zone',
										name: 'timeZone',
										type: 'string',
										default: '',
										placeholder: 'Australia/Sydney',
										description:
											"IANA time zone such as Australia/Sydney; empty means the workflow's time zone. An expression can give each customer their own.",
									},
								],
							},
						],
					},
					{
						displayName: 'Sender Type',
						name: 'sourceNumberType',
						type: 'options',
						options: [
							{ name: 'Alphanumeric', value: 'ALPHANUMERIC' },
							{ name: 'Automatic', value: '' },
							{ name: 'International', value: 'INTERNATIONAL' },
							{ name: 'Short Code', value: 'SHORTCODE' },
						],
						default: '',
						description:
							'How MessageMedia should treat From. Automatic lets MessageMedia infer it, which can be wrong for short codes.',
					},
				] as INodeProperties[]
			).filter((option) => !forWait || !WAIT_MANAGED_OPTIONS.includes(option.name)),
		},
	];
}

/** Return All plus Limit, the n8n convention for list operations. */
export function returnAllFields(show: Show, maxLimit?: number): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1, ...(maxLimit ? { maxValue: maxLimit } : {}) },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

/** A default intent's list, shown filled in so the panel reads the words in use. */
function intentListField(intent: DefaultIntent, displayName: string): INodeProperties {
	const list = DEFAULT_INTENT_FIELD_VALUES[intent];
	return {
		displayName,
		name: intent,
		type: 'string',
		typeOptions: { rows: 2 },
		default: list,
	};
}

/**
 * The lists that set a reply's intent, and a notice that they label rather than filter; shared by
 * the trigger and Send and Wait.
 */
export function intentKeywordFields(show?: Show): INodeProperties[] {
	const displayOptions = show ? { displayOptions: { show } } : {};
	const ownIntents: INodeProperties = {
		displayName: 'Your Own Intents',
		name: 'own',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Intent',
		default: {},
		description: 'Intents of your own, checked before the default ones',
		options: [
			{
				name: 'intents',
				displayName: 'Intent',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'late',
						description: 'The intent a matching reply gets',
					},
					{
						displayName: 'Words or Phrases',
						name: 'keywords',
						type: 'string',
						default: '',
						placeholder: 'running late, 10 minutes late',
						description: 'Comma-separated; a reply that contains one gets this intent',
					},
				],
			},
		],
	};
	return [
		{
			displayName:
				"These lists only set each reply's <code>intent</code> for a Switch node. They never filter: every reply comes out.",
			name: 'keywordsNotice',
			type: 'notice',
			default: '',
			...displayOptions,
		},
		{
			displayName: 'Reply Keywords',
			name: 'keywords',
			type: 'collection',
			placeholder: 'Change Keywords',
			// Filled in (the options' defaults), so the panel shows the lists in use rather than
			// "No properties".
			default: { ...DEFAULT_INTENT_FIELD_VALUES },
			description:
				"Comma-separated words, phrases or emoji that set a reply's intent. Case, punctuation, apostrophes and stretched letters do not matter; an emptied list turns its intent off.",
			...displayOptions,
			options: [
				intentListField('cancel', 'Cancel Keywords'),
				intentListField('confirm', 'Confirm Keywords'),
				intentListField('reschedule', 'Reschedule Keywords'),
				intentListField('stop', 'Stop Keywords'),
				ownIntents,
			],
		},
	];
}
