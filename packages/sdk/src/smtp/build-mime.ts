import { createHash, randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { InvalidHeaderError, ValidationError } from '../errors.js';
import type { Address } from '../schemas/common.js';
import type { SendMessageRequest } from '../schemas/messages.js';
import {
  findHeaderInjection,
  formatCodePoint,
  parseAddress,
  validateSendMessage,
} from '../validation/index.js';
import { type MailplatformHeaders, mailplatformHeaders } from './mailplatform-headers.js';
import { serializeMime } from './serialize-mime.js';

export type RecipientType = 'to' | 'cc' | 'bcc';

export interface BuiltMime {
  raw: Buffer;
  envelope: { from: string; to: string[] };
  /** Lower-cased envelope address → how the message addressed it. */
  recipientTypes: Map<string, RecipientType>;
  messageId: string;
}

interface NormalAddress {
  email: string;
  name?: string;
}

function normalize(field: string, address: Address): NormalAddress {
  if (typeof address !== 'string') return address;
  const parsed = parseAddress(address);
  if (parsed === null)
    throw new ValidationError(`${field}: not an address: ${JSON.stringify(address)}`, { field });
  return parsed;
}

function list(field: string, value: Address | readonly Address[] | undefined): NormalAddress[] {
  if (value === undefined) return [];
  const items: readonly Address[] = Array.isArray(value) ? value : [value as Address];
  return items.map((item, index) => normalize(`${field}[${index}]`, item));
}

/** Defence in depth: every string that ends up in a header is checked here as well, right before MIME. */
function assertHeaderSafe(field: string, value: string | undefined): void {
  if (value === undefined) return;
  const injection = findHeaderInjection(value);
  if (injection !== null) {
    throw new InvalidHeaderError(
      `${field} contains ${formatCodePoint(injection.codePoint)} at index ${injection.index}; control characters and line breaks cannot go into a header`,
      { field, code: 'header_injection' },
    );
  }
}

/** `Message-ID` derived from the idempotency key, so every attempt of one logical send carries the same one. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  const domain = from.slice(from.lastIndexOf('@') + 1) || 'mailplatform.invalid';
  return `<mp.${digest}@${domain}>`;
}

/**
 * The MIME for one message: the contract's message model with its `X-MP-*` control headers
 * (contract §15). Validates first, so a CR or LF anywhere is an `InvalidHeaderError` before
 * nodemailer, which would silently turn it into a space, sees the message.
 */
export async function buildMime(message: SendMessageRequest, idempotencyKey: string): Promise<BuiltMime> {
  validateSendMessage(message);
  if (message.template?.locale !== undefined || message.template?.timezone !== undefined) {
    throw new ValidationError(
      'template.locale and template.timezone cannot be sent over SMTP; send through the API',
      {
        field: message.template.locale === undefined ? 'template.timezone' : 'template.locale',
      },
    );
  }
  const from = normalize('from', message.from);
  const to = list('to', message.to);
  const cc = list('cc', message.cc);
  const bcc = list('bcc', message.bcc);
  const replyTo = list('replyTo', message.replyTo);
  for (const [field, addresses] of Object.entries({ from: [from], to, cc, bcc, replyTo })) {
    addresses.forEach((address, index) => {
      assertHeaderSafe(`${field}[${index}].email`, address.email);
      assertHeaderSafe(`${field}[${index}].name`, address.name);
    });
  }
  assertHeaderSafe('subject', message.subject);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    assertHeaderSafe(`headers.${name}`, name);
    assertHeaderSafe(`headers.${name}`, value);
  }

  const control: MailplatformHeaders = mailplatformHeaders({
    ...(message.stream === undefined ? {} : { stream: message.stream }),
    ...(message.tag === undefined ? {} : { tag: message.tag }),
    ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
    ...(message.tracking === undefined ? {} : { tracking: message.tracking }),
    ...(message.template === undefined ? {} : { template: message.template }),
    ...(message.scheduledAt === undefined ? {} : { sendAt: message.scheduledAt }),
    ...(message.sandbox === undefined ? {} : { simulate: message.sandbox.simulate }),
    idempotencyKey,
  });

  const messageId = messageIdFor(idempotencyKey, from.email);
  const attachments = (message.attachments ?? []).map((attachment, index) => {
    assertHeaderSafe(`attachments[${index}].filename`, attachment.filename);
    assertHeaderSafe(`attachments[${index}].contentId`, attachment.contentId ?? undefined);
    return {
      filename: attachment.filename,
      content: attachment.content,
      encoding: 'base64',
      ...(attachment.contentType === undefined ? {} : { contentType: attachment.contentType }),
      ...(attachment.contentId ? { cid: attachment.contentId } : {}),
      contentDisposition: attachment.disposition ?? (attachment.contentId ? 'inline' : 'attachment'),
    } as const;
  });
  const mailbox = (address: NormalAddress) => ({ address: address.email, name: address.name ?? '' });
  const composer = new MailComposer({
    from: mailbox(from),
    to: to.map(mailbox),
    cc: cc.map(mailbox),
    bcc: bcc.map(mailbox),
    replyTo: replyTo.map(mailbox),
    ...(message.subject === undefined ? {} : { subject: message.subject }),
    ...(message.html === undefined ? {} : { html: message.html }),
    ...(message.text === undefined ? {} : { text: message.text }),
    headers: { ...message.headers, ...control },
    attachments,
    messageId,
    // one random part per message instead of nodemailer's randomBytes(8) per MIME node
    baseBoundary: randomUUID(),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const node = composer.compile();
  const envelope = node.getEnvelope();
  const recipientTypes = new Map<string, RecipientType>();
  for (const [type, addresses] of [
    ['bcc', bcc],
    ['cc', cc],
    ['to', to],
  ] as const) {
    for (const address of addresses) recipientTypes.set(address.email.toLowerCase(), type);
  }
  return {
    raw: serializeMime(node) ?? (await node.build()),
    envelope: { from: envelope.from || from.email, to: envelope.to },
    recipientTypes,
    messageId,
  };
}
