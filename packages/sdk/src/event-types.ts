/**
 * Every event type this SDK version knows (platform-contract §13). Plain data without zod, so the
 * webhook layer can use it without loading the schemas; `schemas/events.ts` builds its enum from it.
 */
export const EVENT_TYPES = [
  'message.queued',
  'message.scheduled',
  'message.cancelled',
  'message.delivered',
  'message.deferred',
  'message.bounced',
  'message.suppressed',
  'message.failed',
  'message.opened',
  'message.clicked',
  'message.complained',
  'message.unsubscribed',
  'message.auto_replied',
  'suppression.created',
  'suppression.deleted',
  'domain.verified',
  'domain.failed',
  'export.completed',
  'export.failed',
  'webhook.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
