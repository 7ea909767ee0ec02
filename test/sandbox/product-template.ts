/**
 * The one place sandbox tests take the trigger's webhook template from, so a move of the
 * template inside the product changes one import.
 */
export { WEBHOOK_TEMPLATE } from '../../nodes/MessageMedia/trigger/webhookTemplate';
