import type { MailEventEnvelope } from './json-types.js';
import type { SqliteDatabase } from './open-database.js';
import { cursorClause, type Page, type PageRequest, timeRangeClause, toPage } from './pagination.js';
import { StatementCache } from './statement-cache.js';

export interface EventFilters {
  types?: string[];
  recipient?: string;
  messageId?: string;
  stream?: string;
  tag?: string;
  since?: string;
  until?: string;
}

export class EventStore {
  private readonly insertEvent;
  private readonly byMessage;
  private readonly cache: StatementCache;

  constructor(db: SqliteDatabase) {
    this.cache = new StatementCache(db);
    this.insertEvent = db.prepare(
      `INSERT INTO events (id, namespace, type, timestamp, message_id, recipient, stream, tag, body)
       VALUES (@id, @namespace, @type, @timestamp, @messageId, @recipient, @stream, @tag, @body)`,
    );
    this.byMessage = db.prepare<[string, string], { body: string }>(
      'SELECT body FROM events WHERE namespace = ? AND message_id = ? ORDER BY timestamp, id',
    );
  }

  insert(namespace: string, event: MailEventEnvelope): void {
    const data = event.data;
    this.insertEvent.run({
      id: event.id,
      namespace,
      type: event.type,
      timestamp: event.timestamp,
      messageId: typeof data.messageId === 'string' ? data.messageId : null,
      recipient: typeof data.recipient === 'string' ? data.recipient : null,
      stream: typeof data.stream === 'string' ? data.stream : null,
      tag: typeof data.tag === 'string' ? data.tag : null,
      body: JSON.stringify(event),
    });
  }

  forMessage(namespace: string, messageId: string): MailEventEnvelope[] {
    return this.byMessage.all(namespace, messageId).map((row) => JSON.parse(row.body) as MailEventEnvelope);
  }

  list(namespace: string, filters: EventFilters, page: PageRequest): Page<MailEventEnvelope> {
    const params: Record<string, unknown> = { namespace, limit: page.limit + 1 };
    let where = 'namespace = @namespace';
    if (filters.types && filters.types.length > 0) {
      where += ` AND type IN (${filters.types.map((_, i) => `@type${i}`).join(', ')})`;
      filters.types.forEach((type, i) => {
        params[`type${i}`] = type;
      });
    }
    const columns = {
      recipient: 'recipient',
      messageId: 'message_id',
      stream: 'stream',
      tag: 'tag',
    } as const;
    for (const [name, column] of Object.entries(columns) as [keyof typeof columns, string][]) {
      const value = filters[name];
      if (value) {
        where += ` AND ${column} = @${name}`;
        params[name] = name === 'recipient' ? value.toLowerCase() : value;
      }
    }
    where += timeRangeClause('timestamp', filters, params);
    where += cursorClause(page, 'timestamp', 'id', params);
    const dir = page.order === 'asc' ? 'ASC' : 'DESC';
    const rows = this.cache
      .get<{ body: string }>(
        `SELECT body FROM events WHERE ${where} ORDER BY timestamp ${dir}, id ${dir} LIMIT @limit`,
      )
      .all(params)
      .map((row) => JSON.parse(row.body) as MailEventEnvelope);
    return toPage(rows, page, (e) => ({ t: e.timestamp, i: e.id }), filters);
  }
}
