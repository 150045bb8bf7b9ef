import { z } from 'zod';
import { BounceClassSchema, BounceTypeSchema } from './bounces.js';
import {
  DateOrTimestampSchema,
  ExportIdSchema,
  StreamIdSchema,
  TimestampSchema,
  TimezoneSchema,
} from './common.js';
import { EventTypeSchema } from './events.js';

export const ExportTypeSchema = z
  .enum(['events', 'bounces', 'invalid_addresses', 'suppressions', 'stats', 'messages'])
  .meta({ id: 'ExportType' });
export type ExportType = z.infer<typeof ExportTypeSchema>;

export const ExportFormatSchema = z
  .enum(['csv', 'ndjson'])
  .meta({ id: 'ExportFormat', description: 'csv is UTF-8 with a BOM (Excel opens it correctly).' });
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExportStatusSchema = z
  .enum(['pending', 'running', 'completed', 'failed', 'expired'])
  .meta({ id: 'ExportStatus' });
export type ExportStatus = z.infer<typeof ExportStatusSchema>;

export const ExportFilterSchema = z
  .strictObject({
    since: DateOrTimestampSchema.optional(),
    until: DateOrTimestampSchema.optional(),
    stream: StreamIdSchema.optional(),
    tag: z.string().optional(),
    recipient: z.string().optional(),
    classes: z
      .array(BounceClassSchema)
      .optional()
      .meta({ description: 'Bounce classes (bounces, invalid_addresses).' }),
    bounceTypes: z.array(BounceTypeSchema).optional(),
    eventTypes: z.array(EventTypeSchema).optional().meta({ description: 'Event types (events export).' }),
  })
  .meta({ id: 'ExportFilter' });
export type ExportFilter = z.infer<typeof ExportFilterSchema>;

export const CreateExportRequestSchema = z
  .strictObject({
    type: ExportTypeSchema,
    format: ExportFormatSchema.default('csv'),
    filter: ExportFilterSchema.default({}),
    timezone: TimezoneSchema.default('UTC'),
  })
  .meta({ id: 'CreateExportRequest' });
export type CreateExportRequest = z.input<typeof CreateExportRequestSchema>;

export const ExportSchema = z
  .object({
    id: ExportIdSchema,
    type: ExportTypeSchema,
    format: ExportFormatSchema,
    status: ExportStatusSchema,
    filter: ExportFilterSchema,
    timezone: z.string(),
    rowCount: z.number().int().nullable(),
    downloadUrl: z.string().nullable().meta({ description: 'Set when completed; short-lived.' }),
    expiresAt: TimestampSchema.nullable(),
    error: z.string().nullable(),
    createdAt: TimestampSchema,
    completedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'Export' });
export type Export = z.infer<typeof ExportSchema>;

/** Columns of the `invalid_addresses` export, in order (one row per address). */
export const INVALID_ADDRESS_COLUMNS = [
  'email',
  'reason',
  'bounceClass',
  'bounceType',
  'enhancedCode',
  'diagnostic',
  'firstSeenAt',
  'lastSeenAt',
  'lastMessageId',
  'stream',
  'tag',
] as const;
