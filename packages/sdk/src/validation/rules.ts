import { parseAddress } from './address.js';
import { base64DecodedLength, isBase64 } from './base64.js';
import { isValidEmail } from './email.js';
import { findHeaderInjection, formatCodePoint } from './header-injection.js';
import {
  controlHeaderField,
  isControlHeader,
  isReservedHeader,
  reservedHeaderField,
  validateHeaderName,
} from './headers.js';
import { LIMITS } from './limits.js';

/**
 * One rule violation. The same checks run in the client (`validateSendMessage`) and in the zod schemas
 * (`.superRefine`), so both name the same field with the same `code`.
 */
export interface Issue {
  /** Path relative to the checked value: `['to', 0]`, `['headers', 'X-Foo']`. */
  path: (string | number)[];
  /** Stable machine code, also used as the problem `errors[].code` by the platform. */
  code: IssueCode;
  message: string;
}

export type IssueCode =
  | 'header_injection'
  | 'invalid_email'
  | 'invalid_address'
  | 'invalid_type'
  | 'required'
  | 'too_long'
  | 'too_many_recipients'
  | 'no_recipients'
  | 'missing_content'
  | 'missing_subject'
  | 'reserved_header'
  | 'control_header_in_api'
  | 'invalid_header_name'
  | 'too_many_metadata_keys'
  | 'invalid_base64'
  | 'attachment_too_large'
  | 'message_too_large';

export type Channel = 'api' | 'smtp';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/** Control characters that would break a header line (CR, LF, NUL, …); see `findHeaderInjection`. */
export function checkHeaderText(value: string, what: string): Issue | null {
  const hit = findHeaderInjection(value);
  if (hit === null) return null;
  return {
    path: [],
    code: 'header_injection',
    message: `${what} contains the control character ${formatCodePoint(hit.codePoint)} at index ${hit.index}`,
  };
}

function checkLength(value: string, max: number, what: string): Issue | null {
  return value.length > max
    ? { path: [], code: 'too_long', message: `${what} is ${value.length} characters; the limit is ${max}` }
    : null;
}

function prefixed(prefix: (string | number)[], issues: (Issue | null)[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) if (issue !== null) out.push({ ...issue, path: [...prefix, ...issue.path] });
  return out;
}

export function checkEmail(value: unknown): Issue[] {
  if (typeof value !== 'string')
    return [{ path: [], code: 'invalid_type', message: 'expected an e-mail address string' }];
  const injection = checkHeaderText(value, 'The address');
  if (injection) return [injection];
  return isValidEmail(value)
    ? []
    : [{ path: [], code: 'invalid_email', message: `'${value}' is not a valid address` }];
}

export function checkDisplayName(value: unknown): Issue[] {
  if (typeof value !== 'string') return [{ path: [], code: 'invalid_type', message: 'expected a string' }];
  return prefixed(
    [],
    [
      checkHeaderText(value, 'The display name'),
      checkLength(value, LIMITS.maxDisplayNameLength, 'The display name'),
    ],
  );
}

/** `"Name <a@b>"`, `"a@b"` or `{ email, name? }`. */
export function checkAddress(value: unknown): Issue[] {
  if (typeof value === 'string') {
    const injection = checkHeaderText(value, 'The address');
    if (injection) return [injection];
    const parsed = parseAddress(value);
    if (parsed === null)
      return [{ path: [], code: 'invalid_address', message: `'${value}' is not a valid address` }];
    const issues = checkEmail(parsed.email);
    if (parsed.name !== undefined) issues.push(...checkDisplayName(parsed.name));
    return issues.map((issue) => ({
      ...issue,
      message: issue.message.replace(`'${parsed.email}'`, `'${value}'`),
    }));
  }
  if (isRecord(value)) {
    const issues = prefixed(['email'], checkEmail(value.email));
    if (value.name !== undefined && value.name !== null)
      issues.push(...prefixed(['name'], checkDisplayName(value.name)));
    return issues;
  }
  return [{ path: [], code: 'invalid_type', message: "expected 'Name <a@b>', 'a@b' or { email, name }" }];
}

/** A single address or a list of them; returns the number of addresses alongside the issues. */
export function checkAddressList(value: unknown): { count: number; issues: Issue[] } {
  if (value === undefined || value === null) return { count: 0, issues: [] };
  if (!Array.isArray(value)) return { count: 1, issues: checkAddress(value) };
  return {
    count: value.length,
    issues: value.flatMap((item, index) => prefixed([index], checkAddress(item))),
  };
}

export function checkTag(value: unknown): Issue[] {
  if (typeof value !== 'string') return [{ path: [], code: 'invalid_type', message: 'expected a string' }];
  return prefixed(
    [],
    [checkHeaderText(value, 'The tag'), checkLength(value, LIMITS.maxTagLength, 'The tag')],
  );
}

export function checkSubject(value: unknown): Issue[] {
  if (typeof value !== 'string') return [{ path: [], code: 'invalid_type', message: 'expected a string' }];
  return prefixed(
    [],
    [checkHeaderText(value, 'The subject'), checkLength(value, LIMITS.maxSubjectLength, 'The subject')],
  );
}

/** String → string, ≤ 20 keys, keys 1–40 characters, values ≤ 500 characters, no control characters. */
export function checkMetadata(value: unknown): Issue[] {
  if (!isRecord(value)) return [{ path: [], code: 'invalid_type', message: 'expected an object of strings' }];
  const issues: Issue[] = [];
  const keys = Object.keys(value);
  for (const key of keys) {
    const keyIssue =
      checkHeaderText(key, `The metadata key '${key}'`) ??
      (key.length === 0
        ? { path: [], code: 'required' as const, message: 'A metadata key is empty' }
        : null) ??
      checkLength(key, LIMITS.maxMetadataKeyLength, `The metadata key '${key}'`);
    if (keyIssue) issues.push({ ...keyIssue, path: [key] });
    const item = value[key];
    if (typeof item !== 'string') {
      issues.push({ path: [key], code: 'invalid_type', message: `metadata.${key} must be a string` });
      continue;
    }
    const valueIssue =
      checkHeaderText(item, `metadata.${key}`) ??
      checkLength(item, LIMITS.maxMetadataValueLength, `metadata.${key}`);
    if (valueIssue) issues.push({ ...valueIssue, path: [key] });
  }
  if (keys.length > LIMITS.maxMetadataKeys) {
    issues.push({
      path: [],
      code: 'too_many_metadata_keys',
      message: `metadata has ${keys.length} keys; the limit is ${LIMITS.maxMetadataKeys}`,
    });
  }
  return issues;
}

/**
 * Custom headers: valid RFC 5322 names, values without control characters, no reserved headers, and
 * (on the API path) no `X-MP-*` control headers.
 */
export function checkHeaders(value: unknown, channel: Channel = 'api'): Issue[] {
  if (!isRecord(value)) return [{ path: [], code: 'invalid_type', message: 'expected an object of strings' }];
  const issues: Issue[] = [];
  for (const [name, item] of Object.entries(value)) {
    const path = [name];
    const nameInjection = checkHeaderText(name, 'The header name');
    if (nameInjection) {
      issues.push({ ...nameInjection, path });
      continue;
    }
    if (typeof item !== 'string') {
      issues.push({ path, code: 'invalid_type', message: `The header ${name} must be a string` });
      continue;
    }
    const valueInjection = checkHeaderText(item, `The header ${name}`);
    if (valueInjection) {
      issues.push({ ...valueInjection, path });
      continue;
    }
    if (!validateHeaderName(name)) {
      issues.push({ path, code: 'invalid_header_name', message: `'${name}' is not a valid header name` });
    } else if (isReservedHeader(name)) {
      const field = reservedHeaderField(name);
      issues.push({
        path,
        code: 'reserved_header',
        message:
          field === null
            ? `The header ${name} is set by the platform and cannot be given`
            : `The header ${name} is reserved; use the '${field}' field instead`,
      });
    } else if (channel === 'api' && isControlHeader(name)) {
      const field = controlHeaderField(name);
      issues.push({
        path,
        code: 'control_header_in_api',
        message:
          field === null
            ? `${name} is an SMTP control header and is not accepted by the API`
            : `${name} is an SMTP control header; use ${field.includes(' ') ? field : `the '${field}' field`} instead`,
      });
    } else if (item.length > LIMITS.maxHeaderValueLength) {
      issues.push({
        path,
        code: 'too_long',
        message: `The header ${name} is ${item.length} characters; the limit is ${LIMITS.maxHeaderValueLength}`,
      });
    }
  }
  return issues;
}

/** Decoded size of attachment content: a base64 string, a Uint8Array/Buffer or an ArrayBuffer. */
export function attachmentContentSize(content: unknown): number | null {
  if (typeof content === 'string') return base64DecodedLength(content);
  if (content instanceof Uint8Array) return content.byteLength;
  if (content instanceof ArrayBuffer) return content.byteLength;
  return null;
}

/** One attachment; `size` is its decoded size (0 when unknown, for example a Node file path). */
export function checkAttachment(value: unknown): { size: number; issues: Issue[] } {
  if (!isRecord(value))
    return { size: 0, issues: [{ path: [], code: 'invalid_type', message: 'expected an object' }] };
  const issues: Issue[] = [];
  if (typeof value.filename !== 'string' || value.filename.length === 0) {
    issues.push({ path: ['filename'], code: 'required', message: 'An attachment needs a filename' });
  } else {
    const issue =
      checkHeaderText(value.filename, 'The filename') ??
      checkLength(value.filename, LIMITS.maxFilenameLength, 'The filename');
    if (issue) issues.push({ ...issue, path: ['filename'] });
  }
  for (const key of ['contentType', 'contentId'] as const) {
    const item = value[key];
    if (typeof item === 'string') {
      const issue = checkHeaderText(item, key);
      if (issue) issues.push({ ...issue, path: [key] });
    }
  }
  const { content } = value;
  let size = 0;
  if (content === undefined || content === null) {
    if (typeof value.path !== 'string') {
      issues.push({ path: ['content'], code: 'required', message: 'An attachment needs content' });
    }
  } else if (typeof content === 'string' && !isBase64(content)) {
    issues.push({ path: ['content'], code: 'invalid_base64', message: 'The content is not valid base64' });
  } else {
    const decoded = attachmentContentSize(content);
    if (decoded === null) {
      issues.push({
        path: ['content'],
        code: 'invalid_type',
        message: 'The content must be a base64 string or a Uint8Array',
      });
    } else if (decoded > LIMITS.maxMessageBytes) {
      issues.push({
        path: ['content'],
        code: 'attachment_too_large',
        message: `The attachment is ${decoded} bytes; the limit is ${LIMITS.maxMessageBytes} bytes (10 MB)`,
      });
    } else {
      size = decoded;
    }
  }
  return { size, issues };
}

const hasText = (value: unknown): boolean => typeof value === 'string' && value.length > 0;

/**
 * Every client-checkable rule of a send request (§5). Server-only rules (scheduledAt ≤ 72 h ahead,
 * verified sender, stream existence) are not checked here.
 */
export function checkSendMessage(input: unknown, channel: Channel = 'api'): Issue[] {
  if (!isRecord(input)) return [{ path: [], code: 'invalid_type', message: 'The message must be an object' }];
  const issues: Issue[] = [];
  if (input.from === undefined || input.from === null) {
    issues.push({ path: ['from'], code: 'required', message: 'from is required' });
  } else {
    issues.push(...prefixed(['from'], checkAddress(input.from)));
  }
  let recipients = 0;
  for (const field of ['to', 'cc', 'bcc'] as const) {
    const list = checkAddressList(input[field]);
    recipients += list.count;
    issues.push(...prefixed([field], list.issues));
  }
  issues.push(...prefixed(['replyTo'], checkAddressList(input.replyTo).issues));
  if (recipients === 0) {
    issues.push({
      path: ['to'],
      code: 'no_recipients',
      message: 'At least one recipient (to, cc or bcc) is required',
    });
  } else if (recipients > LIMITS.maxRecipients) {
    issues.push({
      path: ['to'],
      code: 'too_many_recipients',
      message: `${recipients} recipients across to, cc and bcc; the limit is ${LIMITS.maxRecipients}`,
    });
  }
  const hasTemplate = isRecord(input.template);
  if (input.subject !== undefined) issues.push(...prefixed(['subject'], checkSubject(input.subject)));
  else if (!hasTemplate)
    issues.push({
      path: ['subject'],
      code: 'missing_subject',
      message: 'subject is required unless a template supplies it',
    });
  if (!hasTemplate && !hasText(input.html) && !hasText(input.text)) {
    issues.push({ path: ['html'], code: 'missing_content', message: 'Give html, text or a template' });
  }
  if (input.tag !== undefined && input.tag !== null) issues.push(...prefixed(['tag'], checkTag(input.tag)));
  if (input.metadata !== undefined && input.metadata !== null) {
    issues.push(...prefixed(['metadata'], checkMetadata(input.metadata)));
  }
  if (input.headers !== undefined && input.headers !== null) {
    issues.push(...prefixed(['headers'], checkHeaders(input.headers, channel)));
  }
  if (Array.isArray(input.attachments)) {
    let total = 0;
    input.attachments.forEach((attachment, index) => {
      const result = checkAttachment(attachment);
      total += result.size;
      issues.push(...prefixed(['attachments', index], result.issues));
    });
    if (total > LIMITS.maxMessageBytes) {
      issues.push({
        path: ['attachments'],
        code: 'message_too_large',
        message: `The attachments total ${total} bytes; the limit is ${LIMITS.maxMessageBytes} bytes (10 MB) per message`,
      });
    }
  } else if (input.attachments !== undefined && input.attachments !== null) {
    issues.push({ path: ['attachments'], code: 'invalid_type', message: 'attachments must be an array' });
  }
  return issues;
}
