export { WebhookVerificationError, type WebhookVerificationReason } from '../errors.js';
export { createMemoryDedupeStore, type DedupeStore, type MemoryDedupeStoreOptions } from './dedupe-store.js';
export type { EventEnvelope, EventOf, EventType, MailEvent } from './event.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  type HandleWebhookOptions,
  handleWebhookRequest,
  type WebhookEventHandler,
  type WebhookHandlerContext,
  type WebhookHandlerMap,
} from './handler.js';
export type { WebhookSecret } from './secret.js';
export { type SignWebhookInput, signWebhook, type WebhookHeaders } from './sign.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  type VerifyWebhookInput,
  verifyWebhook,
  type WebhookHeaderInput,
} from './verify.js';
