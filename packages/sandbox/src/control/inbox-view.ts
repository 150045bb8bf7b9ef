import type { InboxMessage, InboxMessageSummary } from '@mailplatform/sdk/schemas';
import type { SandboxCore } from '../core/sandbox-core.js';
import { decodeEncodedWords } from '../smtp/decode-encoded-words.js';
import type { StoredMessage } from '../storage/json-types.js';

/** The header fields of a MIME message in message order, unfolded, with encoded words decoded. */
export function mimeHeaders(raw: Buffer | undefined): InboxMessage['headers'] {
  if (!raw) return [];
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  return block
    .replace(/\r?\n(?=[ \t])/g, '')
    .split(/\r?\n/)
    .flatMap((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0) return [];
      return [{ name: line.slice(0, colon), value: decodeEncodedWords(line.slice(colon + 1).trim()) }];
    });
}

/** A captured message in `GET /sandbox/v1/inbox`. */
export function inboxSummary(core: SandboxCore, message: StoredMessage): InboxMessageSummary {
  return {
    id: message.id,
    from: message.from,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    subject: message.subject,
    tag: message.tag ?? null,
    stream: message.stream,
    namespace: message.namespace,
    channel: message.channel,
    receivedAt: message.createdAt,
    sizeBytes: core.messages.raw(message.id)?.length ?? 0,
    attachmentCount: message.attachments.length,
  };
}

/** `GET /sandbox/v1/inbox/{id}`: the message as `recipient` (default: the first recipient) received it. */
export function inboxMessage(core: SandboxCore, message: StoredMessage, recipient?: string): InboxMessage {
  const recipients = core.messages.recipients(message.id);
  const chosen = recipients.find((r) => r.email === recipient?.toLowerCase()) ?? recipients[0];
  return {
    ...inboxSummary(core, message),
    headers: mimeHeaders(core.messages.raw(message.id)),
    html: chosen?.html ?? message.html ?? null,
    text: chosen?.text ?? message.text ?? null,
    links: (chosen?.links ?? []).map((link) => ({
      linkId: link.linkId,
      url: link.url,
      trackingUrl: link.trackingUrl,
      text: null,
    })),
    attachments: message.attachments.map((attachment) => ({
      filename: attachment.filename ?? null,
      contentType: attachment.contentType,
      size: Buffer.from(attachment.content, 'base64').length,
      contentId: attachment.contentId,
      disposition: attachment.disposition,
    })),
  };
}
