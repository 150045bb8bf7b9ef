import type { MailEventEnvelope } from '../storage/json-types.js';
import type { SqliteDatabase } from '../storage/open-database.js';
import { cursorClause, type Page, type PageRequest, toPage } from '../storage/pagination.js';
import { StatementCache } from '../storage/statement-cache.js';

export interface WebhookSecretEntry {
  secret: string;
  /** Epoch ms (virtual clock) after which a rotated-out secret no longer signs; null for the current one. */
  expiresAt: number | null;
}

export interface StoredWebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  streams: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** The current secret first, then rotated-out ones still inside their 24 h overlap. */
  secrets: WebhookSecretEntry[];
}

export type WebhookDeliveryStatus = 'succeeded' | 'failed' | 'pending';

export interface StoredWebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: WebhookDeliveryStatus;
  responseStatus: number | null;
  durationMs: number | null;
  nextAttemptAt: string | null;
  error: string | null;
  createdAt: string;
  /** `automatic` attempts follow the retry schedule; `manual` ones (retry, replay, test) do not. */
  trigger: 'automatic' | 'manual' | 'test';
  url: string;
  /** The exact body sent (event envelopes are small; the views truncate it). */
  payload: string;
  requestHeaders: Record<string, string>;
  responseBody: string | null;
}

export interface DeliveryFilters {
  webhookId?: string;
  status?: WebhookDeliveryStatus;
  eventId?: string;
}

/** Webhook endpoints and delivery attempts in the `webhook_endpoints` / `webhook_deliveries` tables. */
export class WebhookStore {
  private readonly insertEndpoint;
  private readonly updateEndpoint;
  private readonly deleteEndpoint;
  private readonly endpointById;
  private readonly endpointsOf;
  private readonly insertDelivery;
  private readonly updateDelivery;
  private readonly deliveryById;
  private readonly lastAttempt;
  private readonly eventById;
  private readonly cache: StatementCache;

  constructor(db: SqliteDatabase) {
    this.cache = new StatementCache(db);
    this.insertEndpoint = db.prepare(
      'INSERT INTO webhook_endpoints (id, namespace, created_at, body) VALUES (@id, @namespace, @createdAt, @body)',
    );
    this.updateEndpoint = db.prepare('UPDATE webhook_endpoints SET body = @body WHERE id = @id');
    this.deleteEndpoint = db.prepare('DELETE FROM webhook_endpoints WHERE namespace = ? AND id = ?');
    this.endpointById = db.prepare<[string, string], { body: string }>(
      'SELECT body FROM webhook_endpoints WHERE namespace = ? AND id = ?',
    );
    this.endpointsOf = db.prepare<[string], { body: string }>(
      'SELECT body FROM webhook_endpoints WHERE namespace = ? ORDER BY created_at, id',
    );
    this.insertDelivery = db.prepare(
      `INSERT INTO webhook_deliveries (id, namespace, webhook_id, event_id, created_at, body)
       VALUES (@id, @namespace, @webhookId, @eventId, @createdAt, @body)`,
    );
    this.updateDelivery = db.prepare('UPDATE webhook_deliveries SET body = @body WHERE id = @id');
    this.deliveryById = db.prepare<[string, string], { body: string }>(
      'SELECT body FROM webhook_deliveries WHERE namespace = ? AND id = ?',
    );
    this.lastAttempt = db.prepare<[string, string, string], { attempt: number | null }>(
      `SELECT MAX(json_extract(body, '$.attempt')) AS attempt FROM webhook_deliveries
       WHERE namespace = ? AND webhook_id = ? AND event_id = ?`,
    );
    this.eventById = db.prepare<[string, string], { body: string }>(
      'SELECT body FROM events WHERE namespace = ? AND id = ?',
    );
  }

  addEndpoint(namespace: string, endpoint: StoredWebhookEndpoint): void {
    this.insertEndpoint.run({
      id: endpoint.id,
      namespace,
      createdAt: endpoint.createdAt,
      body: JSON.stringify(endpoint),
    });
  }

  saveEndpoint(endpoint: StoredWebhookEndpoint): void {
    this.updateEndpoint.run({ id: endpoint.id, body: JSON.stringify(endpoint) });
  }

  removeEndpoint(namespace: string, id: string): boolean {
    return this.deleteEndpoint.run(namespace, id).changes > 0;
  }

  endpoint(namespace: string, id: string): StoredWebhookEndpoint | undefined {
    const row = this.endpointById.get(namespace, id);
    return row ? (JSON.parse(row.body) as StoredWebhookEndpoint) : undefined;
  }

  endpoints(namespace: string): StoredWebhookEndpoint[] {
    return this.endpointsOf.all(namespace).map((row) => JSON.parse(row.body) as StoredWebhookEndpoint);
  }

  addDelivery(namespace: string, delivery: StoredWebhookDelivery): void {
    this.insertDelivery.run({
      id: delivery.id,
      namespace,
      webhookId: delivery.webhookId,
      eventId: delivery.eventId,
      createdAt: delivery.createdAt,
      body: JSON.stringify(delivery),
    });
  }

  saveDelivery(delivery: StoredWebhookDelivery): void {
    this.updateDelivery.run({ id: delivery.id, body: JSON.stringify(delivery) });
  }

  delivery(namespace: string, id: string): StoredWebhookDelivery | undefined {
    const row = this.deliveryById.get(namespace, id);
    return row ? (JSON.parse(row.body) as StoredWebhookDelivery) : undefined;
  }

  /** The highest attempt number so far for this event at this endpoint (0 when none). */
  attempts(namespace: string, webhookId: string, eventId: string): number {
    return this.lastAttempt.get(namespace, webhookId, eventId)?.attempt ?? 0;
  }

  event(namespace: string, id: string): MailEventEnvelope | undefined {
    const row = this.eventById.get(namespace, id);
    return row ? (JSON.parse(row.body) as MailEventEnvelope) : undefined;
  }

  deliveries(namespace: string, filters: DeliveryFilters, page: PageRequest): Page<StoredWebhookDelivery> {
    const params: Record<string, unknown> = { namespace, limit: page.limit + 1 };
    let where = 'namespace = @namespace';
    if (filters.webhookId) {
      where += ' AND webhook_id = @webhookId';
      params.webhookId = filters.webhookId;
    }
    if (filters.eventId) {
      where += ' AND event_id = @eventId';
      params.eventId = filters.eventId;
    }
    if (filters.status) {
      where += " AND json_extract(body, '$.status') = @status";
      params.status = filters.status;
    }
    where += cursorClause(page, 'created_at', 'id', params);
    const dir = page.order === 'asc' ? 'ASC' : 'DESC';
    const rows = this.cache
      .get<{ body: string }>(
        `SELECT body FROM webhook_deliveries WHERE ${where} ORDER BY created_at ${dir}, id ${dir} LIMIT @limit`,
      )
      .all(params)
      .map((row) => JSON.parse(row.body) as StoredWebhookDelivery);
    return toPage(rows, page, (d) => ({ t: d.createdAt, i: d.id }), filters);
  }
}
