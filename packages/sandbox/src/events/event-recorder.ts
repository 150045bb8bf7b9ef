import type { EventStore } from '../storage/event-store.js';
import type { IdGenerator } from '../storage/ids.js';
import type {
  MailEventEnvelope,
  RecipientStatus,
  StoredMessage,
  Suppression,
} from '../storage/json-types.js';
import type { MessageStore } from '../storage/message-store.js';
import type { SuppressionStore } from '../storage/suppression-store.js';

export type EventListener = (namespace: string, event: MailEventEnvelope) => void;

/** Event types that move a recipient's delivery status (others, like opens, only record first timestamps). */
const STATUS_BY_TYPE: Partial<Record<string, RecipientStatus>> = {
  'message.queued': 'queued',
  'message.scheduled': 'scheduled',
  'message.suppressed': 'suppressed',
  'message.deferred': 'deferred',
  'message.delivered': 'delivered',
  'message.bounced': 'bounced',
  'message.failed': 'failed',
};

const FINAL: ReadonlySet<RecipientStatus> = new Set([
  'delivered',
  'bounced',
  'failed',
  'suppressed',
  'cancelled',
]);

/**
 * Appends events to the log and applies what follows from them: recipient status, first-event
 * timestamps, suppressions for hard bounces, complaints and unsubscribes, and listeners (inbox, SSE).
 */
export class EventRecorder {
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly messages: MessageStore,
    private readonly suppressions: SuppressionStore,
  ) {}

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records a per-recipient message event. `data` adds type-specific fields to the common ones. */
  recordMessageEvent(
    message: StoredMessage,
    recipient: string,
    type: string,
    at: number,
    data: Record<string, unknown> = {},
  ): MailEventEnvelope {
    const timestamp = new Date(at).toISOString();
    const id = this.ids.next('evt');
    const payload: Record<string, unknown> = {
      messageId: message.id,
      recipient,
      stream: message.stream,
      ...(message.tag !== undefined ? { tag: message.tag } : {}),
      metadata: message.metadata,
      from: message.from.email,
      subject: message.subject,
      ...data,
    };
    const suppression = this.suppressionFor(message, recipient, type, payload, id, timestamp);
    if (suppression) payload.suppression = suppression;
    const event: MailEventEnvelope = { id, type, timestamp, apiVersion: 'v1', data: payload };
    this.events.insert(message.namespace, event);
    this.applyToRecipient(message, recipient, type, timestamp);
    this.emit(message.namespace, event);
    return event;
  }

  /** Records an event that is not about one message (suppression.created, export.completed, ...). */
  recordEvent(namespace: string, type: string, at: number, data: Record<string, unknown>): MailEventEnvelope {
    const event: MailEventEnvelope = {
      id: this.ids.next('evt'),
      type,
      timestamp: new Date(at).toISOString(),
      apiVersion: 'v1',
      data,
    };
    this.events.insert(namespace, event);
    this.emit(namespace, event);
    return event;
  }

  private suppressionFor(
    message: StoredMessage,
    recipient: string,
    type: string,
    payload: Record<string, unknown>,
    eventId: string,
    timestamp: string,
  ): Record<string, unknown> | undefined {
    let reason: Suppression['reason'] | undefined;
    let origin: Suppression['origin'] = 'bounce';
    const bounce = payload.bounce as Record<string, unknown> | undefined;
    if (type === 'message.bounced') {
      if (bounce?.class !== 'hard') return { created: false };
      reason = 'hard_bounce';
    } else if (type === 'message.complained') {
      reason = 'spam_complaint';
      origin = 'complaint';
    } else if (type === 'message.unsubscribed') {
      reason = 'unsubscribe';
      origin = 'unsubscribe';
    } else {
      return undefined;
    }
    const suppression: Suppression = {
      id: this.ids.next('sup'),
      email: recipient.toLowerCase(),
      stream: message.stream,
      reason,
      origin,
      createdAt: timestamp,
      lastEventId: eventId,
      bounceType: typeof bounce?.type === 'string' ? bounce.type : null,
      enhancedCode: typeof bounce?.enhancedCode === 'string' ? bounce.enhancedCode : null,
      diagnostic: typeof bounce?.diagnostic === 'string' ? bounce.diagnostic : null,
    };
    const created = this.suppressions.add(message.namespace, suppression);
    if (created) {
      this.recordEvent(message.namespace, 'suppression.created', Date.parse(timestamp), {
        email: suppression.email,
        stream: suppression.stream,
        reason,
        origin,
      });
    }
    return { created, reason };
  }

  private applyToRecipient(message: StoredMessage, recipient: string, type: string, timestamp: string): void {
    const current = this.messages.recipient(message.id, recipient);
    if (!current) return;
    const status = STATUS_BY_TYPE[type];
    // a late DSN bounce overrides delivered; nothing else leaves a final state
    if (status && (!FINAL.has(current.status) || (status === 'bounced' && current.status === 'delivered'))) {
      this.messages.setRecipientStatus(message.id, recipient, status);
    }
    const key = type.replace(/^message\./, '');
    if (current.firstEvents[key] === undefined) {
      this.messages.setFirstEvents(message.id, recipient, { ...current.firstEvents, [key]: timestamp });
    }
    if (status && FINAL.has(status) && message.status === 'queued') {
      const all = this.messages.recipients(message.id);
      if (all.every((r) => FINAL.has(r.status))) this.messages.setStatus(message.id, 'processed');
    }
  }

  private emit(namespace: string, event: MailEventEnvelope): void {
    for (const listener of this.listeners) listener(namespace, event);
  }
}
