/**
 * Header rules of the send contract (§5, §15). Reserved headers are set by the platform from JSON fields;
 * `X-MP-*` control headers belong to the SMTP relay and are refused on the API path.
 */

// Lower-case reserved header name → the JSON field that sets it (`null`: the platform sets it).
const RESERVED_HEADERS: Readonly<Record<string, string | null>> = {
  from: 'from',
  to: 'to',
  cc: 'cc',
  bcc: 'bcc',
  subject: 'subject',
  date: null,
  'message-id': null,
  'mime-version': null,
  'return-path': null,
};

// Lower-case control header → the JSON equivalent from the contract's §15 table.
const CONTROL_HEADER_FIELDS: Readonly<Record<string, string>> = {
  'x-mp-stream': 'stream',
  'x-mp-tag': 'tag',
  'x-mp-metadata': 'metadata',
  'x-mp-track-opens': 'tracking.opens',
  'x-mp-track-clicks': 'tracking.clicks',
  'x-mp-template': 'template',
  'x-mp-template-data': 'template.data',
  'x-mp-send-at': 'scheduledAt',
  'x-mp-idempotency-key': 'the Idempotency-Key request header',
  'x-mp-simulate': 'sandbox.simulate',
};

/**
 * `From`, `To`, `Cc`, `Bcc`, `Subject`, `Date`, `Message-ID`, `MIME-Version`, `Return-Path` and every
 * `Content-*` header (case-insensitive). `Reply-To` is not reserved: the contract lets it pass through,
 * although the `replyTo` field is the preferred way to set it.
 */
export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return Object.hasOwn(RESERVED_HEADERS, lower) || lower.startsWith('content-');
}

/** The JSON field that replaces a reserved header, or `null` when the platform sets the header itself. */
export function reservedHeaderField(name: string): string | null {
  const lower = name.toLowerCase();
  return Object.hasOwn(RESERVED_HEADERS, lower) ? RESERVED_HEADERS[lower]! : null;
}

/** `X-MP-*` (case-insensitive): SMTP control headers, removed by the relay before delivery. */
export function isControlHeader(name: string): boolean {
  return name.toLowerCase().startsWith('x-mp-');
}

/** The JSON field to use instead of a control header on the API path, or `null` for unknown `X-MP-*` names. */
export function controlHeaderField(name: string): string | null {
  const lower = name.toLowerCase();
  if (lower.startsWith('x-mp-metadata-')) return `metadata.${name.slice('x-mp-metadata-'.length)}`;
  return Object.hasOwn(CONTROL_HEADER_FIELDS, lower) ? CONTROL_HEADER_FIELDS[lower]! : null;
}

/** RFC 5322 field name: 1–76 printable US-ASCII characters (33–126) except `:`. */
export function validateHeaderName(name: string): boolean {
  if (name.length === 0 || name.length > 76) return false;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code < 33 || code > 126 || code === 58) return false;
  }
  return true;
}
