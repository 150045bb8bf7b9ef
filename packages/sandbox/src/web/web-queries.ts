import { namespaceForKey } from '../http/auth.js';
import type { StoredMessage } from '../storage/json-types.js';
import type { SqliteDatabase } from '../storage/open-database.js';
import { StatementCache } from '../storage/statement-cache.js';
import type { StoredWebhookDelivery } from '../webhooks/webhook-store.js';

export interface MessageListFilter {
  namespace?: string;
  /** A case-insensitive substring of the subject or of a recipient address. */
  search?: string;
  limit: number;
}

/** `ns_...` as given; anything else is taken for an API key and hashed to its namespace. */
export function namespaceFilter(value: string | null): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return trimmed.startsWith('ns_') ? trimmed : namespaceForKey(trimmed);
}

/**
 * The web inbox's reads across namespaces (the stores answer for one namespace at a time). Read only:
 * every change goes through the same code as the API.
 */
export class WebQueries {
  private readonly cache: StatementCache;

  constructor(db: SqliteDatabase) {
    this.cache = new StatementCache(db);
  }

  messages(filter: MessageListFilter): StoredMessage[] {
    const params: Record<string, unknown> = { limit: filter.limit };
    const where: string[] = [];
    if (filter.namespace !== undefined) {
      where.push('namespace = @namespace');
      params.namespace = filter.namespace;
    }
    if (filter.search) {
      where.push(
        `(instr(lower(subject), lower(@search)) > 0 OR id IN
          (SELECT message_id FROM recipients WHERE instr(email, lower(@search)) > 0))`,
      );
      params.search = filter.search;
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.cache
      .get<{ status: StoredMessage['status']; body: string }>(
        `SELECT status, body FROM messages ${clause} ORDER BY created_at DESC, id DESC LIMIT @limit`,
      )
      .all(params)
      .map((row) => ({ ...(JSON.parse(row.body) as StoredMessage), status: row.status }));
  }

  /** The namespace a message id lives in, whichever it is. */
  namespaceOf(messageId: string): string | undefined {
    return this.cache
      .get<{ namespace: string }>('SELECT namespace FROM messages WHERE id = @id')
      .get({ id: messageId })?.namespace;
  }

  /** Namespaces that hold messages, webhook deliveries or statistics, with their message counts. */
  namespaces(): { namespace: string; messages: number }[] {
    return this.cache
      .get<{ namespace: string; messages: number }>(
        `SELECT n.namespace, (SELECT COUNT(*) FROM messages m WHERE m.namespace = n.namespace) AS messages
         FROM (SELECT namespace FROM messages UNION SELECT namespace FROM webhook_deliveries
               UNION SELECT namespace FROM stats_rollup) n ORDER BY n.namespace`,
      )
      .all({});
  }

  /** The token of a recipient's open pixel, or of one of its tracked links. */
  trackingToken(messageId: string, recipient: string, linkId?: string): string | undefined {
    const byLink = linkId !== undefined ? ' AND link_id = @linkId' : '';
    return this.cache
      .get<{ token: string }>(
        `SELECT token FROM tracking_tokens WHERE message_id = @messageId AND recipient = @recipient
         AND kind = @kind${byLink} LIMIT 1`,
      )
      .get({
        messageId,
        recipient,
        kind: linkId !== undefined ? 'click' : 'open',
        ...(linkId !== undefined ? { linkId } : {}),
      })?.token;
  }

  deliveries(
    namespace: string | undefined,
    limit: number,
  ): (StoredWebhookDelivery & { namespace: string })[] {
    const clause = namespace !== undefined ? 'WHERE namespace = @namespace' : '';
    return this.cache
      .get<{ namespace: string; body: string }>(
        `SELECT namespace, body FROM webhook_deliveries ${clause} ORDER BY created_at DESC, id DESC LIMIT @limit`,
      )
      .all({ limit, ...(namespace !== undefined ? { namespace } : {}) })
      .map((row) => ({ ...(JSON.parse(row.body) as StoredWebhookDelivery), namespace: row.namespace }));
  }
}
