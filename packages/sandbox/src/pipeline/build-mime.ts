import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { StoredMessage } from '../storage/json-types.js';
import { formatAddress } from './parse-address.js';

/**
 * Builds the MIME the platform would send for one recipient's (tracked) content. The inbox copy carries
 * `X-MP-Message-Id`; the copy handed to a real relay (`controlHeaders: false`) does not.
 */
export function buildMime(
  message: StoredMessage,
  content: { html?: string; text?: string },
  options: { controlHeaders?: boolean } = {},
): Promise<Buffer> {
  const composer = new MailComposer({
    from: formatAddress(message.from),
    to: message.to.map(formatAddress),
    cc: message.cc.map(formatAddress),
    replyTo: message.replyTo.map(formatAddress),
    subject: message.subject,
    ...(content.html !== undefined ? { html: content.html } : {}),
    ...(content.text !== undefined ? { text: content.text } : {}),
    messageId: message.messageIdHeader,
    date: new Date(message.createdAt),
    headers:
      options.controlHeaders === false
        ? message.headers
        : { ...message.headers, 'X-MP-Message-Id': message.id },
    attachments: message.attachments.map((a) => ({
      ...(a.filename !== undefined ? { filename: a.filename } : {}),
      contentType: a.contentType,
      content: a.content,
      encoding: 'base64',
      contentDisposition: a.disposition,
      ...(a.contentId ? { cid: a.contentId } : {}),
    })),
  });
  return composer.compile().build();
}
