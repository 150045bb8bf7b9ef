import { z } from 'zod';
import { LIMITS } from '../validation/limits.js';
import { checkAttachment, checkSendMessage, checkSubject } from '../validation/rules.js';
import { BounceDetailsSchema } from './bounces.js';
import {
  AddressObjectSchema,
  AddressSchema,
  DateOrTimestampSchema,
  HeadersSchema,
  JsonObjectSchema,
  MessageIdSchema,
  MetadataSchema,
  StreamIdSchema,
  TagSchema,
  TemplateIdSchema,
  TimestampSchema,
  TimezoneSchema,
} from './common.js';
import { ChannelSchema, RecipientTypeSchema } from './events.js';
import { ListQueryBaseSchema } from './pagination.js';
import { ProblemSchema } from './problem.js';
import { fromRule } from './refine.js';
import { SimulatorScenarioSchema } from './sandbox.js';
import { SuppressionReasonSchema } from './suppressions.js';

export const AttachmentSchema = z
  .strictObject({
    filename: z.string().meta({ description: `File name, 1–${LIMITS.maxFilenameLength} characters.` }),
    contentType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'expected a media type (application/pdf)')
      .optional()
      .meta({ description: 'Media type; derived from the filename when omitted.' }),
    content: z.string().meta({
      description: 'Base64 (standard alphabet). 10 MB per message after decoding.',
      contentEncoding: 'base64',
    }),
    contentId: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'Content-ID for inline images (cid:...).' }),
    disposition: z.enum(['attachment', 'inline']).default('attachment'),
  })
  .superRefine(fromRule(checkAttachmentFields))
  .meta({ id: 'Attachment' });
export type Attachment = z.input<typeof AttachmentSchema>;

function checkAttachmentFields(value: unknown) {
  return checkAttachment(value).issues;
}

export const TrackingSchema = z
  .strictObject({
    opens: z.boolean().optional(),
    clicks: z.enum(['none', 'html', 'text', 'all']).optional(),
  })
  .meta({ id: 'Tracking', description: 'Open and click tracking; omitted fields take the stream default.' });
export type Tracking = z.infer<typeof TrackingSchema>;

export const TemplateRefSchema = z
  .strictObject({
    alias: z.string().min(1).optional(),
    id: TemplateIdSchema.optional(),
    version: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Pin a version; the latest when omitted.' }),
    data: JsonObjectSchema.optional().meta({ description: 'Variables for the template.' }),
    locale: z
      .string()
      .min(2)
      .optional()
      .meta({ description: 'Locale of the formatting helpers (default da-DK).' }),
    timezone: TimezoneSchema.optional().meta({
      description: 'Time zone of the date helper (default Europe/Copenhagen).',
    }),
  })
  .refine((value) => (value.alias === undefined) !== (value.id === undefined), {
    message: 'Give exactly one of template.alias and template.id',
    params: { code: 'template_ref' },
  })
  .meta({ id: 'TemplateRef', description: 'A stored template by alias or id, with its data.' });
export type TemplateRef = z.infer<typeof TemplateRefSchema>;

/** A single address or a list (`to: "a@b"` is shorthand for `to: ["a@b"]`). */
const AddressListSchema = z.union([z.array(AddressSchema), AddressSchema.transform((value) => [value])]);

export const SendMessageRequestSchema = z
  .strictObject({
    from: AddressSchema,
    to: AddressListSchema.optional(),
    cc: AddressListSchema.optional(),
    bcc: AddressListSchema.optional(),
    replyTo: AddressListSchema.optional(),
    subject: z.string().superRefine(fromRule(checkSubject)).optional().meta({
      description: 'Required unless a template supplies it; overrides the template subject.',
    }),
    html: z.string().optional(),
    text: z.string().optional(),
    template: TemplateRefSchema.optional(),
    stream: StreamIdSchema.default('transactional'),
    tag: TagSchema.optional(),
    metadata: MetadataSchema.optional(),
    headers: HeadersSchema.optional(),
    attachments: z.array(AttachmentSchema).optional(),
    tracking: TrackingSchema.optional(),
    scheduledAt: TimestampSchema.optional().meta({ description: 'Send later: up to 72 h ahead.' }),
    clientReference: z
      .string()
      .max(LIMITS.maxClientReferenceLength)
      .optional()
      .meta({ description: 'Caller reference echoed in the response and in batch results.' }),
    sandbox: z.strictObject({ simulate: SimulatorScenarioSchema }).optional().meta({
      description: 'Test keys only: apply a simulator scenario to every recipient (like X-MP-Simulate).',
    }),
  })
  .superRefine(fromRule(checkMessageLevel))
  .meta({
    id: 'SendMessageRequest',
    description: `One message: raw content or a template. to + cc + bcc ≤ ${LIMITS.maxRecipients}, ≥ 1.`,
  });
/** What callers send (shorthand allowed). */
export type SendMessageRequest = z.input<typeof SendMessageRequestSchema>;
/** After parsing: address lists are arrays, defaults applied. */
export type SendMessageRequestParsed = z.output<typeof SendMessageRequestSchema>;

// Field-level rules already ran through the field schemas; these are the rules across fields.
const MESSAGE_LEVEL_CODES = new Set([
  'no_recipients',
  'too_many_recipients',
  'missing_content',
  'missing_subject',
  'message_too_large',
]);
function checkMessageLevel(value: unknown) {
  return checkSendMessage(value).filter((issue) => MESSAGE_LEVEL_CODES.has(issue.code));
}

export const SendStatusSchema = z.enum(['queued', 'scheduled', 'suppressed']).meta({
  id: 'SendStatus',
  description: 'suppressed: every recipient was on the suppression list (still 202).',
});
export type SendStatus = z.infer<typeof SendStatusSchema>;

export const RecipientResultSchema = z
  .object({
    email: z.string(),
    type: RecipientTypeSchema,
    status: SendStatusSchema,
    suppression: z.object({ reason: SuppressionReasonSchema, since: TimestampSchema }).optional(),
  })
  .meta({ id: 'RecipientResult' });
export type RecipientResult = z.infer<typeof RecipientResultSchema>;

export const SendMessageResponseSchema = z
  .object({
    id: MessageIdSchema,
    status: SendStatusSchema,
    stream: StreamIdSchema,
    submittedAt: TimestampSchema,
    scheduledAt: TimestampSchema.optional(),
    clientReference: z.string().optional(),
    recipients: z.array(RecipientResultSchema),
  })
  .meta({ id: 'SendMessageResponse', description: '202 Accepted.' });
export type SendMessageResponse = z.infer<typeof SendMessageResponseSchema>;

export const BatchSendRequestSchema = z
  .strictObject({
    messages: z.array(SendMessageRequestSchema).min(1).max(LIMITS.maxBatchMessages),
    validation: z.enum(['strict', 'partial']).default('strict').meta({
      description:
        'strict: one invalid item fails the batch (422, pointers /messages/3/...); partial: 200 with per-item results.',
    }),
  })
  .meta({ id: 'BatchSendRequest', description: `Up to ${LIMITS.maxBatchMessages} messages and 50 MB.` });
export type BatchSendRequest = z.input<typeof BatchSendRequestSchema>;

export const BatchResultSchema = z
  .object({
    index: z.number().int().min(0),
    id: MessageIdSchema.optional(),
    status: SendStatusSchema.optional(),
    clientReference: z.string().optional(),
    recipients: z.array(RecipientResultSchema).optional(),
    error: ProblemSchema.optional(),
  })
  .meta({ id: 'BatchResult', description: 'Either id and status, or error.' });
export type BatchResult = z.infer<typeof BatchResultSchema>;

export const BatchSendResponseSchema = z
  .object({ results: z.array(BatchResultSchema) })
  .meta({ id: 'BatchSendResponse', description: 'One result per message, in request order.' });
export type BatchSendResponse = z.infer<typeof BatchSendResponseSchema>;

export const MessageStatusSchema = z
  .enum([
    'scheduled',
    'cancelled',
    'queued',
    'delivered',
    'partially_delivered',
    'bounced',
    'suppressed',
    'failed',
  ])
  .meta({
    id: 'MessageStatus',
    description:
      'Aggregate over recipients: queued while any is pending (queued/deferred); delivered when all non-suppressed were delivered; bounced when none was; partially_delivered otherwise; suppressed when every recipient was suppressed.',
  });
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

export const RecipientStatusSchema = z
  .enum(['scheduled', 'cancelled', 'queued', 'deferred', 'delivered', 'bounced', 'suppressed', 'failed'])
  .meta({
    id: 'RecipientStatus',
    description: 'Delivery state of one recipient; engagement is in the *At fields.',
  });
export type RecipientStatus = z.infer<typeof RecipientStatusSchema>;

export const MessageRecipientSchema = z
  .object({
    email: z.string(),
    name: z.string().optional(),
    type: RecipientTypeSchema,
    status: RecipientStatusSchema,
    deliveredAt: TimestampSchema.nullable(),
    openedAt: TimestampSchema.nullable(),
    clickedAt: TimestampSchema.nullable(),
    bouncedAt: TimestampSchema.nullable(),
    complainedAt: TimestampSchema.nullable(),
    unsubscribedAt: TimestampSchema.nullable(),
    bounce: BounceDetailsSchema.nullable(),
    suppression: z.object({ reason: SuppressionReasonSchema, since: TimestampSchema }).nullable(),
  })
  .meta({ id: 'MessageRecipient', description: 'Per-recipient status with first-event timestamps.' });
export type MessageRecipient = z.infer<typeof MessageRecipientSchema>;

export const MessageSchema = z
  .object({
    id: MessageIdSchema,
    status: MessageStatusSchema,
    from: AddressObjectSchema,
    to: z.array(AddressObjectSchema),
    cc: z.array(AddressObjectSchema),
    bcc: z.array(AddressObjectSchema),
    replyTo: z.array(AddressObjectSchema),
    subject: z.string().nullable(),
    tag: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    stream: StreamIdSchema,
    channel: ChannelSchema,
    template: z
      .object({ id: TemplateIdSchema, alias: z.string().nullable(), version: z.number().int() })
      .nullable(),
    submittedAt: TimestampSchema,
    scheduledAt: TimestampSchema.nullable(),
    clientReference: z.string().nullable(),
    sizeBytes: z.number().int().nullable().meta({ description: 'Size of the MIME message.' }),
    recipients: z.array(MessageRecipientSchema),
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof MessageSchema>;

export const ListMessagesQuerySchema = ListQueryBaseSchema.extend({
  recipient: z.string().optional(),
  from: z.string().optional(),
  tag: z.string().optional(),
  stream: StreamIdSchema.optional(),
  status: MessageStatusSchema.optional(),
  subject: z.string().optional().meta({ description: 'Case-insensitive substring.' }),
  metadata: z
    .record(z.string(), z.string())
    .optional()
    .meta({ description: 'Exact match per key; sent as metadata[key]=value.' }),
  since: DateOrTimestampSchema.optional(),
  until: DateOrTimestampSchema.optional(),
}).meta({ id: 'ListMessagesQuery' });
export type ListMessagesQuery = z.input<typeof ListMessagesQuerySchema>;
