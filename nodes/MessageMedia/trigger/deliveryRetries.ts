/**
 * MessageMedia retries nothing by default (`retries: 0`), so one n8n restart or a slow answer
 * would lose an event. Three tries 30 s apart ride out a restart or a deploy without piling
 * deliveries onto a struggling instance; de-duplication makes the extra copies harmless.
 */
export const DEFAULT_RETRIES = 3;
export const DEFAULT_RETRY_DELAY_SECONDS = 30;
