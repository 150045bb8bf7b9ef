import { z } from 'zod';
import { JsonObjectSchema, TemplateIdSchema, TimestampSchema, TimezoneSchema } from './common.js';
import { ListQueryBaseSchema } from './pagination.js';

const AliasSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'expected an alias of lower-case letters, digits, ., _ and - (≤ 100)')
  .meta({ description: 'Unique, URL-safe alias.', examples: ['order-confirmation'] });

export const TemplateEditorSchema = z
  .object({
    format: z.string().meta({ examples: ['mp-blocks@1'] }),
    document: JsonObjectSchema.meta({ description: 'Opaque state of the graphical editor.' }),
  })
  .meta({ id: 'TemplateEditor' });

export const TemplateSchema = z
  .object({
    id: TemplateIdSchema,
    alias: z.string(),
    name: z.string(),
    version: z.number().int().min(1),
    subject: z.string(),
    html: z.string().nullable(),
    text: z.string().nullable(),
    layoutId: TemplateIdSchema.nullable(),
    editor: TemplateEditorSchema.nullable(),
    variables: z.array(z.string()).meta({
      description: 'Variables the template uses (orderNo, lines[].name).',
      examples: [['orderNo', 'lines[].name']],
    }),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Template', description: 'A stored Handlebars template; every PATCH creates a new version.' });
export type Template = z.infer<typeof TemplateSchema>;

export const CreateTemplateRequestSchema = z
  .strictObject({
    alias: AliasSchema,
    name: z.string().min(1).max(200),
    subject: z.string().min(1),
    html: z.string().optional(),
    text: z.string().optional(),
    layoutId: TemplateIdSchema.nullable().optional(),
    editor: TemplateEditorSchema.nullable().optional(),
    locale: z.string().min(2).optional(),
    timezone: TimezoneSchema.optional(),
  })
  .refine((value) => value.html !== undefined || value.text !== undefined, {
    message: 'Give html, text or both',
    path: ['html'],
    params: { code: 'missing_content' },
  })
  .meta({ id: 'CreateTemplateRequest' });
export type CreateTemplateRequest = z.input<typeof CreateTemplateRequestSchema>;

export const UpdateTemplateRequestSchema = z
  .strictObject({
    alias: AliasSchema.optional(),
    name: z.string().min(1).max(200).optional(),
    subject: z.string().min(1).optional(),
    html: z.string().nullable().optional(),
    text: z.string().nullable().optional(),
    layoutId: TemplateIdSchema.nullable().optional(),
    editor: TemplateEditorSchema.nullable().optional(),
    locale: z.string().min(2).nullable().optional(),
    timezone: TimezoneSchema.nullable().optional(),
  })
  .meta({ id: 'UpdateTemplateRequest', description: 'Changed fields only; creates a new version.' });
export type UpdateTemplateRequest = z.input<typeof UpdateTemplateRequestSchema>;

export const RenderTemplateRequestSchema = z
  .strictObject({
    data: JsonObjectSchema.default({}),
    version: z.number().int().min(1).optional(),
    locale: z.string().min(2).optional(),
    timezone: TimezoneSchema.optional(),
  })
  .meta({ id: 'RenderTemplateRequest' });
export type RenderTemplateRequest = z.input<typeof RenderTemplateRequestSchema>;

export const RenderTemplateResponseSchema = z
  .object({
    subject: z.string(),
    html: z.string().nullable(),
    text: z.string().nullable(),
    missingVariables: z.array(z.string()),
    warnings: z.array(z.string()),
  })
  .meta({
    id: 'RenderTemplateResponse',
    description: 'Rendered parts (CSS inlined, text generated when absent).',
  });
export type RenderTemplateResponse = z.infer<typeof RenderTemplateResponseSchema>;

export const ListTemplatesQuerySchema = ListQueryBaseSchema.extend({
  search: z.string().optional().meta({ description: 'Substring of alias or name.' }),
}).meta({ id: 'ListTemplatesQuery' });
export type ListTemplatesQuery = z.input<typeof ListTemplatesQuerySchema>;
