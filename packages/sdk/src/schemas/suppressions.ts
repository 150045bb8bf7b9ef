import { z } from 'zod';
import { LIMITS } from '../validation/limits.js';
import { BounceTypeSchema } from './bounces.js';
import {
  DateOrTimestampSchema,
  EmailSchema,
  EventIdSchema,
  queryBoolean,
  StreamIdSchema,
  SuppressionIdSchema,
  TimestampSchema,
} from './common.js';
import { ListQueryBaseSchema } from './pagination.js';

export const SuppressionReasonSchema = z
  .enum(['hard_bounce', 'soft_bounce_repeated', 'spam_complaint', 'unsubscribe', 'manual'])
  .meta({ id: 'SuppressionReason' });
export type SuppressionReason = z.infer<typeof SuppressionReasonSchema>;

export const SuppressionOriginSchema = z
  .enum(['bounce', 'complaint', 'unsubscribe', 'api', 'dashboard'])
  .meta({ id: 'SuppressionOrigin' });
export type SuppressionOrigin = z.infer<typeof SuppressionOriginSchema>;

export const SuppressionSchema = z
  .object({
    id: SuppressionIdSchema,
    email: z.string(),
    stream: StreamIdSchema,
    reason: SuppressionReasonSchema,
    origin: SuppressionOriginSchema,
    createdAt: TimestampSchema,
    lastEventId: EventIdSchema.nullable(),
    bounceType: BounceTypeSchema.nullable(),
    enhancedCode: z.string().nullable(),
    diagnostic: z.string().nullable(),
  })
  .meta({
    id: 'Suppression',
    description: 'A suppressed address; mail to it is reported as message.suppressed.',
  });
export type Suppression = z.infer<typeof SuppressionSchema>;

export const AddSuppressionsRequestSchema = z
  .strictObject({
    emails: z.array(EmailSchema).min(1).max(LIMITS.maxSuppressionsPerRequest),
    stream: StreamIdSchema.default('transactional'),
    reason: z.enum(['manual', 'unsubscribe', 'spam_complaint', 'hard_bounce']).default('manual'),
  })
  .meta({
    id: 'AddSuppressionsRequest',
    description: `Up to ${LIMITS.maxSuppressionsPerRequest} addresses; adding an address that is already suppressed is not an error.`,
  });
export type AddSuppressionsRequest = z.input<typeof AddSuppressionsRequestSchema>;

export const AddSuppressionsResponseSchema = z
  .object({
    data: z
      .array(SuppressionSchema)
      .meta({ description: 'One row per requested address (new or existing).' }),
    created: z.number().int().meta({ description: 'How many addresses were newly suppressed.' }),
    existing: z.number().int().meta({ description: 'How many were already suppressed.' }),
  })
  .meta({ id: 'AddSuppressionsResponse' });
export type AddSuppressionsResponse = z.infer<typeof AddSuppressionsResponseSchema>;

export const ListSuppressionsQuerySchema = ListQueryBaseSchema.extend({
  email: z.string().optional(),
  stream: StreamIdSchema.optional(),
  reason: SuppressionReasonSchema.optional(),
  since: DateOrTimestampSchema.optional(),
  until: DateOrTimestampSchema.optional(),
}).meta({ id: 'ListSuppressionsQuery' });
export type ListSuppressionsQuery = z.input<typeof ListSuppressionsQuerySchema>;

/** Query of `GET` and `DELETE /v1/suppressions/{email}`. */
export const SuppressionEntryQuerySchema = z
  .object({
    stream: StreamIdSchema.default('transactional'),
    force: queryBoolean()
      .default(false)
      .meta({ description: 'DELETE only: required to reactivate a spam_complaint suppression (logged).' }),
  })
  .meta({ id: 'SuppressionEntryQuery' });
export type SuppressionEntryQuery = z.input<typeof SuppressionEntryQuerySchema>;
