import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { EVENT_TYPES } from '../event-types.js';
import { BounceDetailsSchema, BounceTypeSchema } from './bounces.js';
import {
  ApiVersionSchema,
  DateOrTimestampSchema,
  DomainIdSchema,
  EventIdSchema,
  ExportIdSchema,
  MessageIdSchema,
  queryList,
  StreamIdSchema,
  TimestampSchema,
  WebhookIdSchema,
} from './common.js';
import { ListQueryBaseSchema } from './pagination.js';
import { toFieldErrors } from './problem.js';
import { SuppressionOriginSchema, SuppressionReasonSchema } from './suppressions.js';

export { EVENT_TYPES };

export const EventTypeSchema = z.enum(EVENT_TYPES).meta({
  id: 'EventType',
  description:
    'Event type. Clients must ignore types they do not know; new types are added without a version bump.',
});
export type EventType = z.infer<typeof EventTypeSchema>;

export const RecipientTypeSchema = z.enum(['to', 'cc', 'bcc']).meta({ id: 'RecipientType' });
export type RecipientType = z.infer<typeof RecipientTypeSchema>;

export const ChannelSchema = z
  .enum(['api', 'smtp'])
  .meta({ id: 'Channel', description: 'How the message was submitted.' });
export type Channel = z.infer<typeof ChannelSchema>;

/** Fields every `message.*` event carries (one event per recipient). */
export const MessageEventDataBaseSchema = z.object({
  messageId: MessageIdSchema,
  recipient: z.string(),
  stream: StreamIdSchema,
  tag: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  from: z.string().meta({ description: 'Sender address (e-mail only).' }),
  subject: z.string().nullable(),
});

export const EventSuppressionOutcomeSchema = z
  .object({
    created: z
      .boolean()
      .meta({ description: 'Whether this event added the recipient to the suppression list.' }),
    reason: SuppressionReasonSchema.nullable(),
  })
  .meta({ id: 'EventSuppressionOutcome' });

export const MessageQueuedDataSchema = MessageEventDataBaseSchema.extend({
  recipientType: RecipientTypeSchema,
  channel: ChannelSchema,
}).meta({ id: 'MessageQueuedData' });

export const MessageScheduledDataSchema = MessageEventDataBaseSchema.extend({
  scheduledAt: TimestampSchema,
}).meta({ id: 'MessageScheduledData' });

export const MessageCancelledDataSchema = MessageEventDataBaseSchema.extend({
  scheduledAt: TimestampSchema,
}).meta({ id: 'MessageCancelledData', description: 'A scheduled message was cancelled before it was sent.' });

export const MessageDeliveredDataSchema = MessageEventDataBaseSchema.extend({
  smtpResponse: z.string(),
  remoteMta: z.string().nullable(),
  tls: z.boolean(),
  attempts: z.number().int().min(1),
  durationMs: z.number().int().min(0),
}).meta({ id: 'MessageDeliveredData' });

export const MessageDeferredDataSchema = MessageEventDataBaseSchema.extend({
  smtpCode: z.number().int().nullable(),
  enhancedCode: z.string().nullable(),
  diagnostic: z.string(),
  attempt: z.number().int().min(1),
  nextAttemptAt: TimestampSchema.nullable(),
  retryUntil: TimestampSchema,
  reason: z.string().meta({
    description:
      'Why delivery was deferred: greylisted, rate_limited, host_unreachable, mailbox_full, … (open set).',
    examples: ['greylisted', 'rate_limited', 'host_unreachable', 'mailbox_full'],
  }),
}).meta({ id: 'MessageDeferredData' });

export const MessageBouncedDataSchema = MessageEventDataBaseSchema.extend({
  bounce: BounceDetailsSchema,
  suppression: EventSuppressionOutcomeSchema,
}).meta({ id: 'MessageBouncedData' });

export const MessageSuppressedDataSchema = MessageEventDataBaseSchema.extend({
  suppression: z.object({ reason: SuppressionReasonSchema, since: TimestampSchema }),
}).meta({ id: 'MessageSuppressedData' });

export const MessageFailedDataSchema = MessageEventDataBaseSchema.extend({
  reason: z.enum(['template_render_failed', 'invalid_recipient', 'internal']),
  detail: z.string(),
}).meta({ id: 'MessageFailedData' });

export const MessageOpenedDataSchema = MessageEventDataBaseSchema.extend({
  firstOpen: z.boolean(),
  machine: z
    .boolean()
    .meta({ description: 'Machine open (Apple MPP, image proxy prefetch): kept, not human.' }),
  machineReason: z.enum(['apple_mpp', 'image_proxy_prefetch']).nullable(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable().meta({ description: 'Truncated IP address.' }),
  client: z.object({ name: z.string().nullable(), os: z.string().nullable(), device: z.string().nullable() }),
}).meta({ id: 'MessageOpenedData' });

export const MessageClickedDataSchema = MessageEventDataBaseSchema.extend({
  url: z.string(),
  linkId: z.string(),
  firstClick: z.boolean(),
  bot: z.boolean(),
  botReason: z.enum(['head_request', 'too_fast', 'scanner_ua']).nullable(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  inferredOpen: z.boolean().meta({ description: 'No open preceded this click, so an open was inferred.' }),
}).meta({ id: 'MessageClickedData' });

export const MessageComplainedDataSchema = MessageEventDataBaseSchema.extend({
  feedbackType: z.string().meta({ examples: ['abuse'] }),
  feedbackProvider: z.string().nullable(),
  suppression: EventSuppressionOutcomeSchema,
}).meta({ id: 'MessageComplainedData' });

export const MessageUnsubscribedDataSchema = MessageEventDataBaseSchema.extend({
  method: z.enum(['one_click', 'link', 'mailto']),
  suppression: EventSuppressionOutcomeSchema,
}).meta({ id: 'MessageUnsubscribedData' });

export const MessageAutoRepliedDataSchema = MessageEventDataBaseSchema.extend({
  kind: z.enum(['out_of_office', 'challenge']),
}).meta({ id: 'MessageAutoRepliedData' });

export const SuppressionEventDataSchema = z
  .object({
    email: z.string(),
    stream: StreamIdSchema,
    reason: SuppressionReasonSchema,
    origin: SuppressionOriginSchema,
    bounceType: BounceTypeSchema.nullable().optional(),
  })
  .meta({ id: 'SuppressionEventData' });

export const DomainRecordSchema = z
  .object({
    type: z.string().meta({ examples: ['TXT', 'CNAME', 'MX'] }),
    name: z.string(),
    value: z.string(),
    status: z.enum(['pending', 'verified', 'failed']),
  })
  .meta({ id: 'DomainRecord' });

export const DomainEventDataSchema = z
  .object({ domainId: DomainIdSchema, domain: z.string(), records: z.array(DomainRecordSchema) })
  .meta({ id: 'DomainEventData' });

export const ExportEventDataSchema = z
  .object({
    exportId: ExportIdSchema,
    rowCount: z.number().int().nullable(),
    downloadUrl: z.string().nullable(),
    error: z.string().nullable().optional(),
  })
  .meta({ id: 'ExportEventData' });

export const WebhookDisabledDataSchema = z
  .object({
    webhookId: WebhookIdSchema,
    reason: z.string().meta({ examples: ['gone_410', 'failing_5_days'] }),
  })
  .meta({ id: 'WebhookDisabledData' });

function eventSchema<const T extends EventType, D extends z.ZodType>(type: T, data: D, id: string) {
  return z
    .object({
      id: EventIdSchema,
      type: z.literal(type),
      timestamp: TimestampSchema.meta({ description: 'When it happened.' }),
      apiVersion: ApiVersionSchema,
      data,
    })
    .meta({ id, description: `Envelope of a ${type} event (event log, webhook body, export row).` });
}

export const MessageQueuedEventSchema = eventSchema(
  'message.queued',
  MessageQueuedDataSchema,
  'MessageQueuedEvent',
);
export const MessageScheduledEventSchema = eventSchema(
  'message.scheduled',
  MessageScheduledDataSchema,
  'MessageScheduledEvent',
);
export const MessageCancelledEventSchema = eventSchema(
  'message.cancelled',
  MessageCancelledDataSchema,
  'MessageCancelledEvent',
);
export const MessageDeliveredEventSchema = eventSchema(
  'message.delivered',
  MessageDeliveredDataSchema,
  'MessageDeliveredEvent',
);
export const MessageDeferredEventSchema = eventSchema(
  'message.deferred',
  MessageDeferredDataSchema,
  'MessageDeferredEvent',
);
export const MessageBouncedEventSchema = eventSchema(
  'message.bounced',
  MessageBouncedDataSchema,
  'MessageBouncedEvent',
);
export const MessageSuppressedEventSchema = eventSchema(
  'message.suppressed',
  MessageSuppressedDataSchema,
  'MessageSuppressedEvent',
);
export const MessageFailedEventSchema = eventSchema(
  'message.failed',
  MessageFailedDataSchema,
  'MessageFailedEvent',
);
export const MessageOpenedEventSchema = eventSchema(
  'message.opened',
  MessageOpenedDataSchema,
  'MessageOpenedEvent',
);
export const MessageClickedEventSchema = eventSchema(
  'message.clicked',
  MessageClickedDataSchema,
  'MessageClickedEvent',
);
export const MessageComplainedEventSchema = eventSchema(
  'message.complained',
  MessageComplainedDataSchema,
  'MessageComplainedEvent',
);
export const MessageUnsubscribedEventSchema = eventSchema(
  'message.unsubscribed',
  MessageUnsubscribedDataSchema,
  'MessageUnsubscribedEvent',
);
export const MessageAutoRepliedEventSchema = eventSchema(
  'message.auto_replied',
  MessageAutoRepliedDataSchema,
  'MessageAutoRepliedEvent',
);
export const SuppressionCreatedEventSchema = eventSchema(
  'suppression.created',
  SuppressionEventDataSchema,
  'SuppressionCreatedEvent',
);
export const SuppressionDeletedEventSchema = eventSchema(
  'suppression.deleted',
  SuppressionEventDataSchema,
  'SuppressionDeletedEvent',
);
export const DomainVerifiedEventSchema = eventSchema(
  'domain.verified',
  DomainEventDataSchema,
  'DomainVerifiedEvent',
);
export const DomainFailedEventSchema = eventSchema(
  'domain.failed',
  DomainEventDataSchema,
  'DomainFailedEvent',
);
export const ExportCompletedEventSchema = eventSchema(
  'export.completed',
  ExportEventDataSchema,
  'ExportCompletedEvent',
);
export const ExportFailedEventSchema = eventSchema(
  'export.failed',
  ExportEventDataSchema,
  'ExportFailedEvent',
);
export const WebhookDisabledEventSchema = eventSchema(
  'webhook.disabled',
  WebhookDisabledDataSchema,
  'WebhookDisabledEvent',
);

/** The schema of each event type (used for the OpenAPI `webhooks` section and by the sandbox). */
export const EVENT_SCHEMAS = {
  'message.queued': MessageQueuedEventSchema,
  'message.scheduled': MessageScheduledEventSchema,
  'message.cancelled': MessageCancelledEventSchema,
  'message.delivered': MessageDeliveredEventSchema,
  'message.deferred': MessageDeferredEventSchema,
  'message.bounced': MessageBouncedEventSchema,
  'message.suppressed': MessageSuppressedEventSchema,
  'message.failed': MessageFailedEventSchema,
  'message.opened': MessageOpenedEventSchema,
  'message.clicked': MessageClickedEventSchema,
  'message.complained': MessageComplainedEventSchema,
  'message.unsubscribed': MessageUnsubscribedEventSchema,
  'message.auto_replied': MessageAutoRepliedEventSchema,
  'suppression.created': SuppressionCreatedEventSchema,
  'suppression.deleted': SuppressionDeletedEventSchema,
  'domain.verified': DomainVerifiedEventSchema,
  'domain.failed': DomainFailedEventSchema,
  'export.completed': ExportCompletedEventSchema,
  'export.failed': ExportFailedEventSchema,
  'webhook.disabled': WebhookDisabledEventSchema,
} as const satisfies { [K in EventType]: z.ZodType<{ type: K }> };

export const EventSchema = z
  .discriminatedUnion('type', [
    MessageQueuedEventSchema,
    MessageScheduledEventSchema,
    MessageCancelledEventSchema,
    MessageDeliveredEventSchema,
    MessageDeferredEventSchema,
    MessageBouncedEventSchema,
    MessageSuppressedEventSchema,
    MessageFailedEventSchema,
    MessageOpenedEventSchema,
    MessageClickedEventSchema,
    MessageComplainedEventSchema,
    MessageUnsubscribedEventSchema,
    MessageAutoRepliedEventSchema,
    SuppressionCreatedEventSchema,
    SuppressionDeletedEventSchema,
    DomainVerifiedEventSchema,
    DomainFailedEventSchema,
    ExportCompletedEventSchema,
    ExportFailedEventSchema,
    WebhookDisabledEventSchema,
  ])
  .meta({ id: 'Event', description: 'Event envelope, discriminated by type.' });
export type MailEvent = z.infer<typeof EventSchema>;
/** The event of one type: `EventOf<'message.bounced'>`. */
export type EventOf<T extends EventType> = Extract<MailEvent, { type: T }>;
/** The `data` of one event type. */
export type EventData<T extends EventType> = EventOf<T>['data'];

/** Any event envelope, including types this SDK version does not know yet. */
export const UnknownEventSchema = z
  .looseObject({
    id: z.string(),
    type: z.string(),
    timestamp: z.string(),
    apiVersion: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'UnknownEvent' });
export type UnknownEvent = z.infer<typeof UnknownEventSchema>;

export function isKnownEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type);
}

/** Narrows a parsed event to the typed union (its type is one this SDK knows). */
export function isKnownEvent(event: MailEvent | UnknownEvent): event is MailEvent {
  return isKnownEventType(event.type);
}

/**
 * Parses an event (object or JSON text). Known types are validated against their schema; unknown
 * types are accepted as `UnknownEvent` so that new event types never break a consumer. Throws
 * `ValidationError` when the envelope or a known type's data is malformed.
 */
export function parseEvent(input: unknown): MailEvent | UnknownEvent {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new ValidationError('The event is not valid JSON', { field: 'event', code: 'malformed_json' });
    }
  }
  const envelope = UnknownEventSchema.safeParse(value);
  if (!envelope.success) throw eventError(envelope.error);
  if (!isKnownEventType(envelope.data.type)) return envelope.data;
  const known = EventSchema.safeParse(value);
  if (!known.success) throw eventError(known.error);
  return known.data;
}

function eventError(error: z.ZodError): ValidationError {
  const errors = toFieldErrors(error);
  const first = errors[0]!;
  return new ValidationError(`Malformed event at ${first.pointer || '/'}: ${first.message}`, {
    field: first.pointer,
    errors,
  });
}

export const ListEventsQuerySchema = ListQueryBaseSchema.extend({
  type: queryList(EventTypeSchema)
    .optional()
    .meta({ description: 'Repeat for several types (type=a&type=b).' }),
  recipient: z.string().optional(),
  messageId: MessageIdSchema.optional(),
  stream: StreamIdSchema.optional(),
  tag: z.string().optional(),
  since: DateOrTimestampSchema.optional(),
  until: DateOrTimestampSchema.optional(),
}).meta({ id: 'ListEventsQuery' });
export type ListEventsQuery = z.input<typeof ListEventsQuerySchema>;

/** Query of `GET /v1/events/stream` (Server-Sent Events; resume with the Last-Event-ID header). */
export const EventStreamQuerySchema = z
  .object({
    type: queryList(EventTypeSchema).optional(),
    stream: StreamIdSchema.optional(),
  })
  .meta({ id: 'EventStreamQuery' });
export type EventStreamQuery = z.input<typeof EventStreamQuerySchema>;
