import { type AddressObject, simpleParser } from 'mailparser';
import { readField, splitMessage, withoutFields } from './header-block.js';
import { isControlHeader, readControlHeaders } from './read-control-headers.js';
import type { RelayAddress, RelayAttachment, RelayMessage } from './relay-message.js';

export interface SmtpEnvelope {
  mailFrom: string;
  rcptTo: readonly string[];
}

export interface BuiltRelayMessage {
  message: RelayMessage;
  idempotencyKey: string | undefined;
  /** The MIME as received, without the `X-MP-*` control headers (they are never delivered). */
  rawMime: Buffer;
}

/** Headers that the message model carries in its own fields, or that the platform sets itself. */
const NOT_PASSED_THROUGH = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'received',
  'return-path',
  'sender',
]);

function passesThrough(name: string): boolean {
  const lower = name.toLowerCase();
  return !NOT_PASSED_THROUGH.has(lower) && !lower.startsWith('content-') && !isControlHeader(lower);
}

function addresses(field: AddressObject | AddressObject[] | undefined): RelayAddress[] {
  const out: RelayAddress[] = [];
  for (const group of field === undefined ? [] : Array.isArray(field) ? field : [field]) {
    const queue = [...group.value];
    while (queue.length > 0) {
      const entry = queue.shift()!;
      if (entry.group) queue.push(...entry.group);
      if (entry.address)
        out.push(entry.name ? { email: entry.address, name: entry.name } : { email: entry.address });
    }
  }
  return out;
}

/**
 * Turn one SMTP transaction into the API's message model (contract §15): control headers become
 * fields and are stripped, envelope recipients missing from To and Cc become Bcc, header recipients
 * that are not in the envelope are dropped (the envelope decides who gets the message).
 */
export async function buildRelayMessage(raw: Buffer, envelope: SmtpEnvelope): Promise<BuiltRelayMessage> {
  const fields = splitMessage(raw)
    .rawFields.map(readField)
    .filter((field) => field !== undefined);
  const control = readControlHeaders(fields);
  const parsed = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    // Inline images stay `cid:` references to their parts, as the customer sent them.
    keepCidLinks: true,
  });

  const envelopeRecipients = new Map(envelope.rcptTo.map((address) => [address.toLowerCase(), address]));
  const claimed = new Set<string>();
  const inEnvelope = (list: RelayAddress[]): RelayAddress[] =>
    list.filter((address) => {
      const key = address.email.toLowerCase();
      if (!envelopeRecipients.has(key) || claimed.has(key)) return false;
      claimed.add(key);
      return true;
    });
  const to = inEnvelope(addresses(parsed.to));
  const cc = inEnvelope(addresses(parsed.cc));
  const bcc = [...envelopeRecipients].filter(([key]) => !claimed.has(key)).map(([, email]) => ({ email }));

  const from = addresses(parsed.from)[0] ?? { email: envelope.mailFrom };
  const message: RelayMessage = { from, to, ...control.fields };
  if (cc.length > 0) message.cc = cc;
  if (bcc.length > 0) message.bcc = bcc;
  const replyTo = addresses(parsed.replyTo);
  if (replyTo.length > 0) message.replyTo = replyTo;
  if (parsed.subject !== undefined) message.subject = parsed.subject;
  if (message.template === undefined) {
    if (typeof parsed.html === 'string') message.html = parsed.html;
    if (parsed.text !== undefined) message.text = parsed.text;
  }

  const headers: Record<string, string> = {};
  for (const field of fields) {
    if (passesThrough(field.name) && !(field.name in headers)) headers[field.name] = field.value;
  }
  if (Object.keys(headers).length > 0) message.headers = headers;

  const attachments: RelayAttachment[] = parsed.attachments.map((attachment, index) => {
    const inline = attachment.contentDisposition === 'inline' || attachment.related === true;
    const out: RelayAttachment = {
      contentType: attachment.contentType,
      content: attachment.content.toString('base64'),
      contentId: attachment.cid ?? null,
      disposition: inline && attachment.cid ? 'inline' : 'attachment',
    };
    // A MIME part may carry no name (inline images often don't); the message model requires one.
    out.filename =
      attachment.filename ??
      `${attachment.cid ?? `attachment-${index + 1}`}.${extensionOf(attachment.contentType)}`;
    return out;
  });
  if (attachments.length > 0) message.attachments = attachments;

  return { message, idempotencyKey: control.idempotencyKey, rawMime: withoutFields(raw, isControlHeader) };
}

function extensionOf(contentType: string): string {
  const subtype = contentType.split('/')[1]?.split(/[;+]/)[0]?.trim();
  return subtype && /^[a-z0-9.-]{1,16}$/i.test(subtype) ? subtype.replace('jpeg', 'jpg') : 'bin';
}
