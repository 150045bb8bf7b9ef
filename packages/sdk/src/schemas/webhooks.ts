import { z } from 'zod';
import {
  EventIdSchema,
  StreamIdSchema,
  TimestampSchema,
  WebhookDeliveryIdSchema,
  WebhookIdSchema,
} from './common.js';
import { EVENT_TYPES, EventTypeSchema } from './events.js';
import { ListQueryBaseSchema } from './pagination.js';

const WebhookUrlSchema = z
  .url({ protocol: /^https?$/ })
  .meta({ description: 'Receiver URL (https; http only for loopback hosts in the sandbox).' });

export const WebhookEndpointSchema = z
  .object({
    id: WebhookIdSchema,
    url: z.string(),
    events: z.array(EventTypeSchema),
    streams: z.array(StreamIdSchema).meta({ description: 'Streams to deliver; empty means all.' }),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: 'Why the platform disabled it (410, 5 days of failures).' }),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z
    .string()
    .startsWith('whsec_')
    .meta({ description: 'Signing secret; shown only on create and rotate.' }),
}).meta({ id: 'WebhookEndpointWithSecret' });
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecretSchema>;

export const CreateWebhookEndpointRequestSchema = z
  .strictObject({
    url: WebhookUrlSchema,
    events: z
      .array(EventTypeSchema)
      .min(1)
      .default([...EVENT_TYPES])
      .meta({ description: 'Event types to deliver; every current type when omitted.' }),
    streams: z.array(StreamIdSchema).default([]),
    description: z.string().max(500).optional(),
    enabled: z.boolean().default(true),
  })
  .meta({ id: 'CreateWebhookEndpointRequest' });
export type CreateWebhookEndpointRequest = z.input<typeof CreateWebhookEndpointRequestSchema>;

export const UpdateWebhookEndpointRequestSchema = z
  .strictObject({
    url: WebhookUrlSchema.optional(),
    events: z.array(EventTypeSchema).min(1).optional(),
    streams: z.array(StreamIdSchema).optional(),
    description: z.string().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'UpdateWebhookEndpointRequest', description: 'Enabling an endpoint clears disabledReason.' });
export type UpdateWebhookEndpointRequest = z.input<typeof UpdateWebhookEndpointRequestSchema>;

export const TestWebhookRequestSchema = z
  .strictObject({ type: EventTypeSchema.default('message.delivered') })
  .meta({
    id: 'TestWebhookRequest',
    description: 'Sends a sample event of this type (data.metadata.test = "true").',
  });
export type TestWebhookRequest = z.input<typeof TestWebhookRequestSchema>;

export const WebhookDeliveryStatusSchema = z
  .enum(['succeeded', 'failed', 'pending'])
  .meta({ id: 'WebhookDeliveryStatus' });

export const WebhookDeliverySchema = z
  .object({
    id: WebhookDeliveryIdSchema,
    webhookId: WebhookIdSchema,
    eventId: EventIdSchema,
    eventType: z.string(),
    attempt: z.number().int().min(1),
    status: WebhookDeliveryStatusSchema,
    responseStatus: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    nextAttemptAt: TimestampSchema.nullable(),
    error: z.string().nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'WebhookDelivery', description: 'One attempt to deliver an event to an endpoint.' });
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const ListWebhookDeliveriesQuerySchema = ListQueryBaseSchema.extend({
  status: WebhookDeliveryStatusSchema.optional(),
  eventId: EventIdSchema.optional(),
}).meta({ id: 'ListWebhookDeliveriesQuery' });
export type ListWebhookDeliveriesQuery = z.input<typeof ListWebhookDeliveriesQuerySchema>;
