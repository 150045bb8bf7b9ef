import {
  type SendMessageRequestParsed,
  SendMessageRequestSchema,
  toFieldErrors,
} from '@mailplatform/sdk/schemas';
import { ProblemError, type ProblemFieldError, validationFailed } from '../http/problem.js';
import type { Address, ClickTracking, StoredAttachment } from '../storage/json-types.js';
import { parseAddress } from './parse-address.js';

export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
export const MAX_SCHEDULE_AHEAD_MS = 72 * 60 * 60 * 1000;

export interface TemplateReference {
  alias?: string;
  id?: string;
  version?: number;
  data: Record<string, unknown>;
}

/** A send request after validation: addresses parsed, defaults not yet applied. */
export interface ValidatedMessage {
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  subject?: string;
  html?: string;
  text?: string;
  template?: TemplateReference;
  stream: string;
  tag?: string;
  metadata: Record<string, string>;
  headers: Record<string, string>;
  attachments: StoredAttachment[];
  tracking: { opens?: boolean; clicks?: ClickTracking };
  scheduledAt?: number;
  simulate?: string;
  locale?: string;
  timezone?: string;
  clientReference?: string;
}

type ParsedAddress = SendMessageRequestParsed['from'];

/**
 * Validates a send request (contract §5) with the SDK's own `SendMessageRequestSchema`, so the sandbox
 * and the client report the same pointers and codes. Errors carry JSON pointers under `pointerPrefix`
 * (`/messages/3` inside a batch). Throws 422 `validation_failed`, or `control_header_in_api` when an
 * `X-MP-*` header is among the problems.
 */
export function validateMessage(input: unknown, now: number, pointerPrefix = ''): ValidatedMessage {
  const parsed = SendMessageRequestSchema.safeParse(input);
  if (!parsed.success) {
    const errors: ProblemFieldError[] = toFieldErrors(parsed.error).map((error) => ({
      ...error,
      pointer: `${pointerPrefix}${error.pointer}` || '/',
    }));
    const control = errors.filter((error) => error.code === 'control_header_in_api');
    if (control.length > 0) {
      throw new ProblemError(422, 'control_header_in_api', {
        detail: control.map((error) => error.message).join('; '),
        errors,
      });
    }
    throw validationFailed(errors);
  }
  const message = parsed.data;
  const errors: ProblemFieldError[] = [];
  const fail = (pointer: string, code: string, text: string) =>
    errors.push({ pointer: `${pointerPrefix}${pointer}`, code, message: text });

  const address = (value: ParsedAddress, pointer: string): Address | null => {
    const result = parseAddress(value);
    if (!result)
      fail(
        pointer,
        'invalid_email',
        `'${typeof value === 'string' ? value : value.email}' is not a valid address`,
      );
    return result;
  };
  const list = (values: ParsedAddress[] | undefined, field: string): Address[] =>
    (values ?? []).flatMap((value, i) => address(value, `/${field}/${i}`) ?? []);
  const from = address(message.from, '/from');
  const to = list(message.to, 'to');
  const cc = list(message.cc, 'cc');
  const bcc = list(message.bcc, 'bcc');
  const replyTo = list(message.replyTo, 'replyTo');

  const attachments: StoredAttachment[] = (message.attachments ?? []).map((a) => ({
    filename: a.filename,
    contentType: a.contentType ?? 'application/octet-stream',
    content: a.content,
    contentId: a.contentId ?? null,
    disposition: a.disposition,
  }));
  const bytes =
    Buffer.byteLength(message.html ?? '') +
    Buffer.byteLength(message.text ?? '') +
    attachments.reduce((sum, a) => sum + Buffer.from(a.content, 'base64').length, 0);
  if (bytes > MAX_MESSAGE_BYTES)
    fail('', 'message_too_large', 'The message exceeds 10 MB after base64 decoding');

  let scheduledAt: number | undefined;
  if (message.scheduledAt !== undefined) {
    const ms = Date.parse(message.scheduledAt);
    if (ms - now > MAX_SCHEDULE_AHEAD_MS)
      fail('/scheduledAt', 'too_far_ahead', 'scheduledAt may be at most 72 h ahead');
    else if (ms > now) scheduledAt = ms;
  }

  if (errors.length > 0 || !from) throw validationFailed(errors);
  const { template } = message;
  return {
    from,
    to,
    cc,
    bcc,
    replyTo,
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(template
      ? {
          template: {
            ...(template.alias !== undefined ? { alias: template.alias } : {}),
            ...(template.id !== undefined ? { id: template.id } : {}),
            ...(template.version !== undefined ? { version: template.version } : {}),
            data: template.data ?? {},
          },
        }
      : {}),
    stream: message.stream,
    ...(message.tag !== undefined ? { tag: message.tag } : {}),
    metadata: message.metadata ?? {},
    headers: message.headers ?? {},
    attachments,
    tracking: {
      ...(message.tracking?.opens !== undefined ? { opens: message.tracking.opens } : {}),
      ...(message.tracking?.clicks !== undefined ? { clicks: message.tracking.clicks } : {}),
    },
    ...(scheduledAt !== undefined ? { scheduledAt } : {}),
    ...(message.sandbox ? { simulate: message.sandbox.simulate } : {}),
    ...(template?.locale !== undefined ? { locale: template.locale } : {}),
    ...(template?.timezone !== undefined ? { timezone: template.timezone } : {}),
    ...(message.clientReference !== undefined ? { clientReference: message.clientReference } : {}),
  };
}
