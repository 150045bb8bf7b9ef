import { z } from 'zod';
import { LIMITS } from '../validation/limits.js';
import {
  checkAddress,
  checkDisplayName,
  checkEmail,
  checkHeaders,
  checkMetadata,
  checkTag,
} from '../validation/rules.js';
import { fromRule } from './refine.js';

/** RFC 3339 timestamp. The platform writes UTC with milliseconds (`2025-03-14T09:26:53.589Z`). */
export const TimestampSchema = z.iso.datetime({ offset: true }).meta({
  id: 'Timestamp',
  description:
    'RFC 3339 timestamp; the platform answers in UTC with milliseconds (2025-03-14T09:26:53.589Z).',
  examples: ['2025-03-14T09:26:53.589Z'],
});

/** A query bound: a calendar date (`2025-03-01`, read in the request's time zone) or a timestamp. */
export const DateOrTimestampSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).meta({
  description: 'A date (2025-03-01, interpreted in the request time zone) or an RFC 3339 timestamp.',
});

/** IANA time zone name (`Europe/Copenhagen`, `UTC`). */
export const TimezoneSchema = z
  .string()
  .min(1)
  .refine(isTimeZone, { message: 'Unknown IANA time zone', params: { code: 'invalid_timezone' } })
  .meta({ description: 'IANA time zone name.', examples: ['Europe/Copenhagen', 'UTC'] });

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A prefixed, time-sortable id (`msg_01JPA6Q3W8C2M9Y4V7T1H5K0ZD`). */
export function prefixedId(prefix: string) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9A-Za-z]{1,64}$`), `expected an id starting with ${prefix}_`)
    .meta({
      description: `Identifier prefixed with ${prefix}_ (time-sortable).`,
      examples: [`${prefix}_01JPA6Q3W8C2M9Y4V7T1H5K0ZD`],
    });
}

export const MessageIdSchema = prefixedId('msg');
export const EventIdSchema = prefixedId('evt');
export const TemplateIdSchema = prefixedId('tmpl');
export const SuppressionIdSchema = prefixedId('sup');
export const WebhookIdSchema = prefixedId('wh');
export const WebhookDeliveryIdSchema = prefixedId('whd');
export const ExportIdSchema = prefixedId('exp');
export const DomainIdSchema = prefixedId('dom');

export const EmailSchema = z
  .string()
  .superRefine(fromRule(checkEmail))
  .meta({
    id: 'Email',
    description:
      'E-mail address (RFC 5321; UTF-8 local parts and IDN domains allowed, max 254 characters, domain with a TLD).',
    format: 'idn-email',
    examples: ['kunde@example.dk', 'kunde@blåbær.dk'],
  });

export const DisplayNameSchema = z
  .string()
  .superRefine(fromRule(checkDisplayName))
  .meta({ description: `Display name, ≤ ${LIMITS.maxDisplayNameLength} characters, no control characters.` });

export const AddressObjectSchema = z
  .object({ email: EmailSchema, name: DisplayNameSchema.optional() })
  .meta({ id: 'AddressObject', description: 'An address with an optional display name.' });
export type AddressObject = z.infer<typeof AddressObjectSchema>;

const AddressStringSchema = z
  .string()
  .superRefine(fromRule(checkAddress))
  .meta({ description: "'Name <a@b>' or 'a@b'.", examples: ['Shop <ordre@shop.dk>', 'kunde@example.dk'] });

export const AddressSchema = z.union([AddressStringSchema, AddressObjectSchema]).meta({
  id: 'Address',
  description: "An address: a string ('Shop <ordre@shop.dk>' or 'ordre@shop.dk') or { email, name }.",
});
export type Address = z.infer<typeof AddressSchema>;

export const StreamIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a stream id (lower-case letters, digits, _ and -)')
  .meta({ id: 'StreamId', description: 'Message stream id.', examples: ['transactional'] });

export const TagSchema = z
  .string()
  .min(1)
  .superRefine(fromRule(checkTag))
  .meta({
    id: 'Tag',
    description: `One tag per message, used to group statistics; 1–${LIMITS.maxTagLength} characters.`,
    examples: ['order-confirmation'],
  });

export const MetadataSchema = z
  .record(z.string(), z.string())
  .superRefine(fromRule(checkMetadata))
  .meta({
    id: 'Metadata',
    description: `String → string map echoed in every event: ≤ ${LIMITS.maxMetadataKeys} keys, keys 1–${LIMITS.maxMetadataKeyLength} characters, values ≤ ${LIMITS.maxMetadataValueLength} characters, no control characters.`,
    examples: [{ orderId: '1042', crmId: 'A-77' }],
  });
export type Metadata = z.infer<typeof MetadataSchema>;

export const HeadersSchema = z
  .record(z.string(), z.string())
  .superRefine(fromRule((value: Record<string, string>) => checkHeaders(value, 'api')))
  .meta({
    id: 'Headers',
    description:
      'Extra headers. Reserved headers (From, To, Cc, Bcc, Subject, Date, Message-ID, MIME-Version, Return-Path, Content-*) and X-MP-* control headers are refused (422 control_header_in_api names the JSON field to use).',
    examples: [{ 'List-Unsubscribe': '<https://shop.dk/u/abc>', 'X-Entity-Ref-ID': '1042' }],
  });

/** Arbitrary JSON object (template data, editor state). */
export const JsonObjectSchema = z.record(z.string(), z.unknown());

export const ApiVersionSchema = z.literal('v1');

/** A boolean query parameter: `true`/`false` as JSON or as the strings of a query string. */
export function queryBoolean() {
  return z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
}

/** A repeatable query parameter (`type=a&type=b`): one value or a list, parsed to a list. */
export function queryList<T extends z.ZodType>(item: T) {
  return z.union([z.array(item), item.transform((value): z.output<T>[] => [value])]);
}
