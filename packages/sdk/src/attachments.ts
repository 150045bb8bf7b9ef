import { InvalidHeaderError, ValidationError } from './errors.js';
import { canonicalBase64, decodedLength, encodeBase64 } from './webhooks/base64.js';

export type AttachmentDisposition = 'attachment' | 'inline';

export interface AttachmentInput {
  filename: string;
  /** The bytes, or the bytes already base64-encoded. */
  content: Uint8Array | ArrayBuffer | string;
  /** Guessed from the filename's extension when absent. */
  contentType?: string;
  /** Set it to reference the attachment from the HTML as `cid:<contentId>`; the disposition becomes `inline`. */
  contentId?: string;
  disposition?: AttachmentDisposition;
}

/** The wire shape of platform-contract §5. */
export interface Attachment {
  filename: string;
  contentType: string;
  content: string;
  contentId?: string;
  disposition: AttachmentDisposition;
}

/** The platform's limit is 10 MB per message after base64 decoding. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  htm: 'text/html',
  ics: 'text/calendar',
  zip: 'application/zip',
  json: 'application/json',
  xml: 'application/xml',
};

const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTENT_TYPE_PATTERN = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(?:\s*;.*)?$/i;

export function guessContentType(filename: string): string {
  const dot = filename.lastIndexOf('.');
  const extension = dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

function headerText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${field} must be a non-empty string.`, { field });
  }
  if (CONTROL.test(value)) {
    throw new InvalidHeaderError(`${field} contains a control character (CR, LF, NUL, ...).`, { field });
  }
  return value;
}

function tooLarge(field: string, bytes: number): ValidationError {
  return new ValidationError(
    `${field} is ${bytes} bytes; the limit is ${MAX_ATTACHMENT_BYTES} bytes per message.`,
    {
      field,
    },
  );
}

/** The content as canonical base64, after the type, base64 and size checks. */
function encodeContent(content: unknown, field: string): string {
  if (typeof content === 'string') {
    const base64 = canonicalBase64(content);
    if (base64 === undefined) {
      throw new ValidationError(
        `${field} is not valid base64. A string is read as base64; pass text as bytes (new TextEncoder().encode(text), or Buffer.from(text) on Node).`,
        { field },
      );
    }
    const bytes = decodedLength(base64);
    if (bytes > MAX_ATTACHMENT_BYTES) throw tooLarge(field, bytes);
    return base64;
  }
  const bytes =
    content instanceof Uint8Array
      ? content
      : content instanceof ArrayBuffer
        ? new Uint8Array(content)
        : undefined;
  if (bytes === undefined) {
    throw new ValidationError(`${field} must be a Uint8Array, an ArrayBuffer or a base64 string.`, { field });
  }
  if (bytes.length > MAX_ATTACHMENT_BYTES) throw tooLarge(field, bytes.length);
  return encodeBase64(bytes);
}

/** Validates one attachment and turns it into the wire shape; `index` names it in errors. */
export function normalizeAttachment(input: AttachmentInput, index: number): Attachment {
  const at = `attachments[${index}]`;
  const filename = headerText(input.filename, `${at}.filename`);
  const content = encodeContent(input.content, `${at}.content`);

  let contentType = guessContentType(filename);
  if (input.contentType !== undefined) {
    contentType = headerText(input.contentType, `${at}.contentType`);
    if (!CONTENT_TYPE_PATTERN.test(contentType)) {
      throw new ValidationError(`${at}.contentType must look like "type/subtype".`, {
        field: `${at}.contentType`,
      });
    }
  }
  const contentId =
    input.contentId === undefined ? undefined : headerText(input.contentId, `${at}.contentId`);
  const disposition = input.disposition ?? (contentId === undefined ? 'attachment' : 'inline');
  if (disposition !== 'attachment' && disposition !== 'inline') {
    throw new ValidationError(`${at}.disposition must be "attachment" or "inline".`, {
      field: `${at}.disposition`,
    });
  }
  return {
    filename,
    contentType,
    content,
    ...(contentId === undefined ? {} : { contentId }),
    disposition,
  };
}

/** Normalises every attachment and checks that together they stay within the per-message limit. */
export function normalizeAttachments(inputs: readonly AttachmentInput[]): Attachment[] {
  const attachments = inputs.map(normalizeAttachment);
  const total = attachments.reduce((sum, attachment) => sum + decodedLength(attachment.content), 0);
  if (total > MAX_ATTACHMENT_BYTES) throw tooLarge('attachments', total);
  return attachments;
}
