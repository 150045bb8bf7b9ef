import { z } from 'zod';
import { BounceClassSchema, BounceTypeSchema } from './bounces.js';
import { EmailSchema, MessageIdSchema, queryBoolean, TimestampSchema } from './common.js';
import { ListQueryBaseSchema } from './pagination.js';
import { WebhookDeliverySchema } from './webhooks.js';

/** Local parts of the simulator addresses at `sim.mailplatform.test` (§17), usable as `sandbox.simulate`. */
export const SIMULATOR_SCENARIOS = [
  'delivered',
  'soft-bounce',
  'mailbox-full',
  'no-answer',
  'greylisted',
  'hard-bounce',
  'no-such-user',
  'deleted',
  'no-domain',
  'late-bounce',
  'blocked',
  'auth-fail',
  'complaint',
  'unsubscribe',
  'open',
  'click',
  'mpp-open',
  'bot-click',
  'ooto',
  'suppressed',
  'slow',
] as const;

export const SimulatorScenarioSchema = z
  .enum(SIMULATOR_SCENARIOS)
  .meta({ id: 'SimulatorScenario', description: 'Simulator scenario (test keys only).' });
export type SimulatorScenario = z.infer<typeof SimulatorScenarioSchema>;

/** ISO 8601 duration such as `PT6H`, `P3D`, `PT1M30S` (years and months are not accepted). */
export const DurationSchema = z
  .string()
  .regex(
    /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
    'expected an ISO 8601 duration such as PT6H',
  )
  .meta({
    description: 'ISO 8601 duration (weeks, days, hours, minutes, seconds).',
    examples: ['PT6H', 'P3D'],
  });

export const SimulateEventSchema = z
  .enum(['open', 'click', 'bounce', 'deferred', 'complaint', 'unsubscribe', 'auto_reply'])
  .meta({ id: 'SimulateEvent' });
export type SimulateEvent = z.infer<typeof SimulateEventSchema>;

export const SimulateRequestSchema = z
  .strictObject({
    recipient: EmailSchema.optional().meta({
      description: 'A recipient of the message (default: the first recipient).',
    }),
    event: SimulateEventSchema,
    options: z
      .strictObject({
        url: z
          .string()
          .optional()
          .meta({ description: 'click: the link (default: the first tracked link).' }),
        machine: z.boolean().optional().meta({ description: 'open: a machine open (Apple MPP).' }),
        bot: z.boolean().optional().meta({ description: 'click: a bot click.' }),
        bounce: z
          .strictObject({
            class: BounceClassSchema.optional(),
            type: BounceTypeSchema.optional(),
            smtpCode: z.number().int().min(200).max(599).optional(),
            enhancedCode: z
              .string()
              .regex(/^[245]\.\d{1,3}\.\d{1,3}$/)
              .optional(),
            diagnostic: z.string().optional(),
          })
          .optional()
          .meta({
            description: 'bounce/deferred: the reply; classified by the bounce rules when class is omitted.',
          }),
        at: z
          .union([z.string().regex(/^\+P/, 'expected +<ISO 8601 duration>'), TimestampSchema])
          .optional()
          .meta({ description: 'When, on the virtual clock: +PT5M (relative) or a timestamp. Default now.' }),
      })
      .default({}),
  })
  .meta({ id: 'SimulateRequest', description: 'POST /sandbox/v1/messages/{id}/simulate.' });
export type SimulateRequest = z.input<typeof SimulateRequestSchema>;

export const SimulateResponseSchema = z
  .object({
    messageId: MessageIdSchema,
    recipient: z.string(),
    event: SimulateEventSchema,
    at: TimestampSchema.meta({ description: 'Virtual time at which the event fires.' }),
  })
  .meta({ id: 'SimulateResponse' });
export type SimulateResponse = z.infer<typeof SimulateResponseSchema>;

export const SmtpChaosPhaseSchema = z
  .enum(['connect', 'auth', 'mailFrom', 'rcptTo', 'data'])
  .meta({ id: 'SmtpChaosPhase' });
export type SmtpChaosPhase = z.infer<typeof SmtpChaosPhaseSchema>;

export const SmtpChaosRuleSchema = z
  .strictObject({
    probability: z.number().min(0).max(1),
    code: z.number().int().min(400).max(599),
    message: z
      .string()
      .optional()
      .meta({ description: 'Reply text; a realistic one for the code when omitted.' }),
  })
  .meta({ id: 'SmtpChaosRule' });

export const ChaosSchema = z
  .strictObject({
    smtp: z.partialRecord(SmtpChaosPhaseSchema, SmtpChaosRuleSchema).default({}),
    http: z
      .strictObject({
        probability: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .meta({ description: 'Chance that an API request fails.' }),
        status: z.array(z.number().int().min(400).max(599)).min(1).default([503]).meta({
          description: 'Statuses to fail with (picked at random).',
        }),
        latencyMs: z.number().int().min(0).max(60_000).default(0),
        rateLimitProbability: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .meta({ description: 'Chance of a forced 429.' }),
      })
      .default({ probability: 0, status: [503], latencyMs: 0, rateLimitProbability: 0 }),
    seed: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Seed of the random source, for repeatable runs.' }),
  })
  .meta({ id: 'Chaos', description: 'GET/PUT /sandbox/v1/chaos: probabilistic failures.' });
export type Chaos = z.input<typeof ChaosSchema>;
export type ChaosParsed = z.output<typeof ChaosSchema>;

export const ChaosNextSchema = z
  .strictObject({
    count: z.number().int().min(1).max(1000).default(1),
    phase: z.union([SmtpChaosPhaseSchema, z.literal('http')]),
    code: z
      .number()
      .int()
      .min(400)
      .max(599)
      .meta({ description: 'SMTP reply code, or the HTTP status for phase http.' }),
    message: z.string().optional(),
  })
  .meta({
    id: 'ChaosNext',
    description: 'POST /sandbox/v1/chaos/next: fail the next count operations deterministically.',
  });
export type ChaosNext = z.input<typeof ChaosNextSchema>;

export const ClockRequestSchema = z
  .strictObject({
    advance: DurationSchema.optional(),
    freeze: z.boolean().optional(),
    set: TimestampSchema.optional(),
  })
  .refine((value) => value.advance !== undefined || value.freeze !== undefined || value.set !== undefined, {
    message: 'Give advance, freeze or set',
  })
  .meta({
    id: 'ClockRequest',
    description: 'POST /sandbox/v1/clock. set, then advance, then freeze are applied.',
  });
export type ClockRequest = z.input<typeof ClockRequestSchema>;

export const ClockSchema = z
  .object({
    now: TimestampSchema,
    frozen: z.boolean(),
    offsetMs: z.number().int().meta({ description: 'Virtual minus real time.' }),
  })
  .meta({ id: 'Clock' });
export type Clock = z.infer<typeof ClockSchema>;

export const InboxQuerySchema = ListQueryBaseSchema.extend({
  recipient: z.string().optional(),
  subject: z.string().optional().meta({ description: 'Case-insensitive substring.' }),
  tag: z.string().optional(),
  messageId: MessageIdSchema.optional(),
  wait: z
    .string()
    .regex(/^\d+(ms|s)?$/, 'expected a wait time such as 10s or 500ms')
    .optional()
    .meta({ description: 'Block up to this long (10s, 500ms; max 60s) until a message matches.' }),
}).meta({ id: 'InboxQuery' });
export type InboxQuery = z.input<typeof InboxQuerySchema>;

export const ResetQuerySchema = z
  .object({
    all: queryBoolean().default(false).meta({ description: 'Clear every namespace, not just the caller’s.' }),
  })
  .meta({ id: 'ResetQuery' });
export type ResetQuery = z.input<typeof ResetQuerySchema>;

const InboxAddressSchema = z.object({ email: z.string(), name: z.string().optional() });

export const InboxMessageSummarySchema = z
  .object({
    id: MessageIdSchema,
    from: InboxAddressSchema,
    to: z.array(InboxAddressSchema),
    cc: z.array(InboxAddressSchema),
    bcc: z.array(InboxAddressSchema),
    subject: z.string(),
    tag: z.string().nullable(),
    stream: z.string(),
    namespace: z.string(),
    channel: z.enum(['api', 'smtp']),
    receivedAt: TimestampSchema,
    sizeBytes: z.number().int(),
    attachmentCount: z.number().int(),
  })
  .meta({ id: 'InboxMessageSummary' });
export type InboxMessageSummary = z.infer<typeof InboxMessageSummarySchema>;

export const InboxMessageSchema = InboxMessageSummarySchema.extend({
  headers: z
    .array(z.object({ name: z.string(), value: z.string() }))
    .meta({ description: 'In message order.' }),
  html: z.string().nullable(),
  text: z.string().nullable(),
  links: z.array(
    z.object({
      linkId: z.string().meta({ description: 'Id of the link, as message.clicked events carry it.' }),
      url: z.string().meta({ description: 'Original link.' }),
      trackingUrl: z
        .string()
        .nullable()
        .meta({ description: 'Rewritten tracking link (null when not tracked).' }),
      text: z.string().nullable(),
    }),
  ),
  attachments: z.array(
    z.object({
      filename: z.string().nullable().meta({ description: 'Null for a MIME part without a name.' }),
      contentType: z.string(),
      size: z.number().int(),
      contentId: z.string().nullable(),
      disposition: z.enum(['attachment', 'inline']),
    }),
  ),
}).meta({ id: 'InboxMessage', description: 'GET /sandbox/v1/inbox/{messageId}.' });
export type InboxMessage = z.infer<typeof InboxMessageSchema>;

export const SandboxWebhookDeliverySchema = WebhookDeliverySchema.extend({
  url: z.string(),
  requestHeaders: z.record(z.string(), z.string()),
  requestBody: z.string(),
  responseBody: z.string().nullable(),
}).meta({ id: 'SandboxWebhookDelivery', description: 'A delivery with the request and response bodies.' });
export type SandboxWebhookDelivery = z.infer<typeof SandboxWebhookDeliverySchema>;

export const HealthSchema = z
  .object({ status: z.literal('ok'), version: z.string(), now: TimestampSchema })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof HealthSchema>;
