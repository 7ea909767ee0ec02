/**
 * Header carrying the per-webhook value that proves a delivery comes from the webhook this node
 * registered; n8n sees header names lower-cased. The name is on the wire at MessageMedia, so it
 * stays as registered.
 */
export const VERIFICATION_HEADER = 'X-N8N-MessageMedia-Secret';

/** Tags webhooks this node created so people (and checkExists) can tell them from others. */
export const WORKFLOW_HEADER = 'X-N8N-Workflow-Id';

/** The value is 32 random bytes in hex; anything else in our header was not written by us. */
export const VERIFICATION_VALUE_PATTERN = /^[0-9a-f]{64}$/;
