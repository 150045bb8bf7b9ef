import type { Message, MessageRecipient, MessageStatus } from '@mailplatform/sdk/schemas';
import type { SandboxCore } from '../core/sandbox-core.js';
import type { MailEventEnvelope, StoredMessage, StoredRecipient } from '../storage/json-types.js';

function lastData(
  events: MailEventEnvelope[],
  type: string,
  recipient: string,
): Record<string, unknown> | null {
  const found = events.findLast((e) => e.type === type && e.data.recipient === recipient);
  return found ? found.data : null;
}

function recipientView(recipient: StoredRecipient, events: MailEventEnvelope[]): MessageRecipient {
  const first = (key: string) => recipient.firstEvents[key] ?? null;
  const bounced = lastData(events, 'message.bounced', recipient.email);
  const suppressed = lastData(events, 'message.suppressed', recipient.email);
  return {
    email: recipient.email,
    type: recipient.type,
    status: recipient.status,
    deliveredAt: first('delivered'),
    openedAt: first('opened'),
    clickedAt: first('clicked'),
    bouncedAt: first('bounced'),
    complainedAt: first('complained'),
    unsubscribedAt: first('unsubscribed'),
    bounce: (bounced?.bounce ?? null) as MessageRecipient['bounce'],
    suppression:
      recipient.status === 'suppressed'
        ? ((suppressed?.suppression ?? null) as MessageRecipient['suppression'])
        : null,
  };
}

/** `GET /v1/messages/{id}`: the message with per-recipient status and first-event timestamps. */
export function messageView(core: SandboxCore, message: StoredMessage): Message {
  const recipients = core.messages.recipients(message.id);
  const events = core.events.forMessage(message.namespace, message.id);
  return {
    id: message.id,
    status: core.messages.aggregateStatus(message.id) as MessageStatus,
    from: message.from,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    replyTo: message.replyTo,
    subject: message.subject,
    tag: message.tag ?? null,
    metadata: message.metadata,
    stream: message.stream,
    channel: message.channel,
    template: message.template
      ? { id: message.template.id, alias: message.template.alias ?? null, version: message.template.version }
      : null,
    submittedAt: message.createdAt,
    scheduledAt: message.scheduledAt ?? null,
    clientReference: message.clientReference ?? null,
    sizeBytes: core.messages.raw(message.id)?.length ?? null,
    recipients: recipients.map((r) => recipientView(r, events)),
  };
}
