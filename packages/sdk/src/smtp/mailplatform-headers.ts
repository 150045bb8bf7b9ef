import { InvalidHeaderError, ValidationError } from '../errors.js';
import type { TemplateRef, Tracking } from '../schemas/messages.js';
import { findHeaderInjection, formatCodePoint } from '../validation/index.js';

/** Largest `X-MP-Template-Data` value (base64url of the JSON); larger data must go through the API. */
export const MAX_TEMPLATE_DATA_LENGTH = 8 * 1024;

/** The typed extras a nodemailer message can carry to the relay as `X-MP-*` control headers. */
export interface MailplatformExtras {
  tag?: string;
  metadata?: Record<string, string>;
  tracking?: Tracking;
  template?: Pick<TemplateRef, 'alias' | 'id' | 'version' | 'data'>;
  stream?: string;
  idempotencyKey?: string;
  sendAt?: Date | string;
  simulate?: string;
}

/** A header value nodemailer must emit as is: used for values that are folded here already. */
export interface PreparedHeader {
  prepared: true;
  value: string;
}

export type MailplatformHeaders = Record<string, string | PreparedHeader>;

function checkValue(field: string, value: string): string {
  const injection = findHeaderInjection(value);
  if (injection !== null) {
    throw new InvalidHeaderError(
      `${field} contains ${formatCodePoint(injection.codePoint)} at index ${injection.index}; control characters and line breaks cannot go into a header`,
      { field, code: 'header_injection' },
    );
  }
  return value;
}

function invalid(field: string, message: string): never {
  throw new ValidationError(`${field}: ${message}`, { field });
}

/** JSON with every non-ASCII character escaped, so the header value is plain ASCII. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function templateHeader(template: NonNullable<MailplatformExtras['template']>): string {
  const name = template.id ?? template.alias;
  if (name === undefined || (template.id !== undefined && template.alias !== undefined)) {
    invalid('template', 'give exactly one of template.alias and template.id');
  }
  checkValue(template.id === undefined ? 'template.alias' : 'template.id', name);
  if (/[@\s]/.test(name)) invalid('template.alias', 'must not contain "@" or whitespace over SMTP');
  if (template.version === undefined) return name;
  if (!Number.isInteger(template.version) || template.version < 1) {
    invalid('template.version', 'must be a positive integer');
  }
  return `${name}@${template.version}`;
}

function templateDataHeader(data: Record<string, unknown>): PreparedHeader {
  const encoded = Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
  if (encoded.length > MAX_TEMPLATE_DATA_LENGTH) {
    invalid(
      'template.data',
      `is ${encoded.length} characters as X-MP-Template-Data; the SMTP limit is ${MAX_TEMPLATE_DATA_LENGTH}. Send this message through the API (via: 'api') instead`,
    );
  }
  // base64url has no spaces, so nodemailer would emit one line of up to 8 KB; fold it (RFC 5322 ≤ 998)
  return { prepared: true, value: (encoded.match(/.{1,76}/g) ?? ['']).join('\r\n ') };
}

/**
 * The `X-MP-*` control headers for a nodemailer message (contract §15): put the result in
 * `sendMail({ headers })`. Throws `InvalidHeaderError` for a line break or control character in
 * any value and `ValidationError` for a value the relay would refuse.
 *
 * @example
 * ```ts
 * import { mailplatformHeaders } from '@mailplatform/sdk/smtp';
 *
 * await transport.sendMail({
 *   from: 'Hyggeshop <ordre@hyggeshop.dk>',
 *   to: 'kunde@example.dk',
 *   subject: 'Din ordre #1042 er sendt',
 *   text: 'Pakken er på vej med GLS.',
 *   headers: mailplatformHeaders({
 *     tag: 'order-shipped',
 *     metadata: { orderId: '1042' },
 *     idempotencyKey: 'order-1042:shipped', // X-MP-Idempotency-Key: a resend is accepted once
 *   }),
 * });
 * ```
 */
export function mailplatformHeaders(extras: MailplatformExtras): MailplatformHeaders {
  const headers: MailplatformHeaders = {};
  if (extras.stream !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(checkValue('stream', extras.stream))) {
      invalid('stream', 'expected a stream id (letters, digits, . _ : -)');
    }
    headers['X-MP-Stream'] = extras.stream;
  }
  if (extras.tag !== undefined) {
    const tag = checkValue('tag', extras.tag);
    if (tag.length === 0 || tag.length > 100) invalid('tag', 'must be 1 to 100 characters');
    headers['X-MP-Tag'] = tag;
  }
  if (extras.metadata !== undefined) {
    for (const [key, value] of Object.entries(extras.metadata)) {
      checkValue(`metadata.${key}`, key);
      if (typeof value !== 'string') invalid(`metadata.${key}`, 'must be a string');
      checkValue(`metadata.${key}`, value);
    }
    if (Object.keys(extras.metadata).length > 0) headers['X-MP-Metadata'] = asciiJson(extras.metadata);
  }
  if (extras.tracking?.opens !== undefined) headers['X-MP-Track-Opens'] = String(extras.tracking.opens);
  if (extras.tracking?.clicks !== undefined) headers['X-MP-Track-Clicks'] = extras.tracking.clicks;
  if (extras.template !== undefined) {
    headers['X-MP-Template'] = templateHeader(extras.template);
    if (extras.template.data !== undefined)
      headers['X-MP-Template-Data'] = templateDataHeader(extras.template.data);
  }
  if (extras.sendAt !== undefined) {
    const at = extras.sendAt instanceof Date ? extras.sendAt : new Date(checkValue('sendAt', extras.sendAt));
    if (Number.isNaN(at.getTime())) invalid('sendAt', 'expected a Date or an RFC 3339 timestamp');
    headers['X-MP-Send-At'] = at.toISOString();
  }
  if (extras.idempotencyKey !== undefined) {
    if (
      !/^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/.test(
        checkValue('idempotencyKey', extras.idempotencyKey),
      )
    ) {
      invalid('idempotencyKey', 'must be 1 to 255 printable ASCII characters without surrounding spaces');
    }
    headers['X-MP-Idempotency-Key'] = extras.idempotencyKey;
  }
  if (extras.simulate !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(checkValue('simulate', extras.simulate))) {
      invalid('simulate', 'expected a simulator scenario name');
    }
    headers['X-MP-Simulate'] = extras.simulate;
  }
  return headers;
}
