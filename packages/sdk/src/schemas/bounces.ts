import { z } from 'zod';
import {
  DateOrTimestampSchema,
  EventIdSchema,
  MessageIdSchema,
  StreamIdSchema,
  TimestampSchema,
} from './common.js';
import { ListQueryBaseSchema } from './pagination.js';

export const BounceClassSchema = z.enum(['hard', 'soft', 'block', 'undetermined']).meta({
  id: 'BounceClass',
  description:
    'What the sender should do: hard (never deliverable, suppressed), soft (temporary, retries exhausted), block (receiver refused us or this content; not suppressed), undetermined.',
});
export type BounceClass = z.infer<typeof BounceClassSchema>;

export const BounceTypeSchema = z
  .enum([
    'mailbox_not_found',
    'invalid_address',
    'domain_not_found',
    'mailbox_disabled',
    'mailbox_full',
    'host_unreachable',
    'delivery_expired',
    'rate_limited',
    'message_too_large',
    'content_rejected',
    'reputation_block',
    'auth_failed',
    'policy_block',
    'relay_denied',
    'protocol_error',
    'undetermined',
  ])
  .meta({ id: 'BounceType', description: 'Why the message bounced (see the bounce classification).' });
export type BounceType = z.infer<typeof BounceTypeSchema>;

export const BouncePhaseSchema = z.enum(['connect', 'helo', 'mail', 'rcpt', 'data', 'dsn']).meta({
  id: 'BouncePhase',
  description: 'SMTP phase in which the failure happened (dsn: asynchronous bounce).',
});
export type BouncePhase = z.infer<typeof BouncePhaseSchema>;

export const BounceDetailsSchema = z
  .object({
    class: BounceClassSchema,
    type: BounceTypeSchema,
    smtpCode: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Basic reply code (550); null without an SMTP reply.' }),
    enhancedCode: z.string().nullable().meta({ description: 'RFC 3463 status (5.1.1).' }),
    diagnostic: z.string().meta({ description: 'The raw reply or DSN diagnostic text.' }),
    remoteMta: z.string().nullable(),
    phase: BouncePhaseSchema,
    attempts: z.number().int().min(1),
  })
  .meta({ id: 'BounceDetails' });
export type BounceDetails = z.infer<typeof BounceDetailsSchema>;

/** A record of `GET /v1/bounces`: a projection of `message.bounced` events. */
export const BounceSchema = z
  .object({
    id: EventIdSchema.meta({ description: 'Id of the message.bounced event.' }),
    messageId: MessageIdSchema,
    recipient: z.string(),
    class: BounceClassSchema,
    type: BounceTypeSchema,
    smtpCode: z.number().int().nullable(),
    enhancedCode: z.string().nullable(),
    diagnostic: z.string(),
    remoteMta: z.string().nullable(),
    phase: BouncePhaseSchema,
    timestamp: TimestampSchema,
    stream: StreamIdSchema,
    tag: z.string().nullable(),
    suppressed: z
      .boolean()
      .meta({ description: 'Whether the bounce added the recipient to the suppression list.' }),
  })
  .meta({ id: 'Bounce' });
export type Bounce = z.infer<typeof BounceSchema>;

export const ListBouncesQuerySchema = ListQueryBaseSchema.extend({
  class: BounceClassSchema.optional(),
  type: BounceTypeSchema.optional(),
  since: DateOrTimestampSchema.optional(),
  until: DateOrTimestampSchema.optional(),
  recipient: z.string().optional(),
  messageId: MessageIdSchema.optional(),
  stream: StreamIdSchema.optional(),
  tag: z.string().optional(),
}).meta({ id: 'ListBouncesQuery' });
export type ListBouncesQuery = z.input<typeof ListBouncesQuerySchema>;
