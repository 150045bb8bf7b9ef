import type {
  MessageStatus,
  RecipientStatus,
  StoredMessage,
  StoredRecipient,
  TrackedLink,
} from './json-types.js';
import type { SqliteDatabase } from './open-database.js';
import { cursorClause, type Page, type PageRequest, timeRangeClause, toPage } from './pagination.js';
import { StatementCache } from './statement-cache.js';

interface MessageRow {
  id: string;
  namespace: string;
  status: MessageStatus;
  body: string;
}

interface RecipientRow {
  message_id: string;
  position: number;
  email: string;
  type: StoredRecipient['type'];
  status: RecipientStatus;
  html: string | null;
  text: string | null;
  links: string;
  first_events: string;
}

export interface MessageFilters {
  recipient?: string;
  from?: string;
  tag?: string;
  stream?: string;
  status?: string;
  subject?: string;
  metadata?: Record<string, string>;
  since?: string;
  until?: string;
}

/**
 * A message's status as the API shows it (`MessageStatusSchema`): the aggregate over its recipients.
 * One SQL definition serves both `GET /v1/messages/{id}` and the `status` filter of the list.
 */
const AGGREGATE_STATUS = `CASE
  WHEN messages.status IN ('scheduled', 'cancelled') THEN messages.status
  WHEN NOT EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = messages.id AND r.status != 'suppressed')
    THEN 'suppressed'
  WHEN EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = messages.id
    AND r.status IN ('queued', 'deferred', 'scheduled')) THEN 'queued'
  WHEN NOT EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = messages.id
    AND r.status NOT IN ('suppressed', 'delivered')) THEN 'delivered'
  WHEN NOT EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = messages.id
    AND r.status NOT IN ('suppressed', 'failed')) THEN 'failed'
  WHEN EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = messages.id AND r.status = 'delivered')
    THEN 'partially_delivered'
  ELSE 'bounced'
END`;

function toMessage(row: MessageRow): StoredMessage {
  return { ...(JSON.parse(row.body) as StoredMessage), status: row.status };
}

function toRecipient(row: RecipientRow): StoredRecipient {
  return {
    messageId: row.message_id,
    position: row.position,
    email: row.email,
    type: row.type,
    status: row.status,
    ...(row.html !== null ? { html: row.html } : {}),
    ...(row.text !== null ? { text: row.text } : {}),
    links: JSON.parse(row.links) as TrackedLink[],
    firstEvents: JSON.parse(row.first_events) as Record<string, string>,
  };
}

export class MessageStore {
  private readonly insertMessage;
  private readonly insertRecipient;
  private readonly insertRaw;
  private readonly selectMessage;
  private readonly selectRecipients;
  private readonly selectRecipient;
  private readonly selectRaw;
  private readonly updateStatus;
  private readonly selectAggregate;
  private readonly updateRecipientStatus;
  private readonly updateFirstEvents;
  private readonly cache: StatementCache;

  constructor(db: SqliteDatabase) {
    this.cache = new StatementCache(db);
    this.insertMessage = db.prepare(
      `INSERT INTO messages (id, namespace, created_at, status, stream, tag, from_email, subject, channel, scheduled_at, body)
       VALUES (@id, @namespace, @createdAt, @status, @stream, @tag, @from, @subject, @channel, @scheduledAt, @body)`,
    );
    this.insertRecipient = db.prepare(
      `INSERT INTO recipients (message_id, position, email, type, status, html, text, links)
       VALUES (@messageId, @position, @email, @type, @status, @html, @text, @links)`,
    );
    this.insertRaw = db.prepare('INSERT OR REPLACE INTO raw_mime (message_id, mime) VALUES (?, ?)');
    this.selectMessage = db.prepare<[string, string], MessageRow>(
      'SELECT id, namespace, status, body FROM messages WHERE namespace = ? AND id = ?',
    );
    this.selectRecipients = db.prepare<[string], RecipientRow>(
      'SELECT * FROM recipients WHERE message_id = ? ORDER BY position',
    );
    this.selectRecipient = db.prepare<[string, string], RecipientRow>(
      'SELECT * FROM recipients WHERE message_id = ? AND email = ?',
    );
    this.selectRaw = db.prepare<[string], { mime: Buffer }>('SELECT mime FROM raw_mime WHERE message_id = ?');
    this.updateStatus = db.prepare('UPDATE messages SET status = ? WHERE id = ?');
    this.selectAggregate = db.prepare(`SELECT ${AGGREGATE_STATUS} AS status FROM messages WHERE id = ?`);
    this.updateRecipientStatus = db.prepare(
      'UPDATE recipients SET status = ? WHERE message_id = ? AND email = ?',
    );
    this.updateFirstEvents = db.prepare(
      'UPDATE recipients SET first_events = ? WHERE message_id = ? AND email = ?',
    );
  }

  insert(message: StoredMessage, recipients: StoredRecipient[]): void {
    this.insertMessage.run({
      id: message.id,
      namespace: message.namespace,
      createdAt: message.createdAt,
      status: message.status,
      stream: message.stream,
      tag: message.tag ?? null,
      from: message.from.email.toLowerCase(),
      subject: message.subject,
      channel: message.channel,
      scheduledAt: message.scheduledAt ?? null,
      body: JSON.stringify(message),
    });
    for (const r of recipients) {
      this.insertRecipient.run({
        messageId: r.messageId,
        position: r.position,
        email: r.email,
        type: r.type,
        status: r.status,
        html: r.html ?? null,
        text: r.text ?? null,
        links: JSON.stringify(r.links),
      });
    }
  }

  saveRaw(messageId: string, mime: Buffer): void {
    this.insertRaw.run(messageId, mime);
  }

  raw(messageId: string): Buffer | undefined {
    return this.selectRaw.get(messageId)?.mime;
  }

  get(namespace: string, id: string): StoredMessage | undefined {
    const row = this.selectMessage.get(namespace, id);
    return row ? toMessage(row) : undefined;
  }

  recipients(messageId: string): StoredRecipient[] {
    return this.selectRecipients.all(messageId).map(toRecipient);
  }

  recipient(messageId: string, email: string): StoredRecipient | undefined {
    const row = this.selectRecipient.get(messageId, email);
    return row ? toRecipient(row) : undefined;
  }

  aggregateStatus(id: string): string {
    return (this.selectAggregate.get(id) as { status: string }).status;
  }

  setStatus(id: string, status: MessageStatus): void {
    this.updateStatus.run(status, id);
  }

  setRecipientStatus(messageId: string, email: string, status: RecipientStatus): void {
    this.updateRecipientStatus.run(status, messageId, email);
  }

  setFirstEvents(messageId: string, email: string, firstEvents: Record<string, string>): void {
    this.updateFirstEvents.run(JSON.stringify(firstEvents), messageId, email);
  }

  list(namespace: string, filters: MessageFilters, page: PageRequest): Page<StoredMessage> {
    const params: Record<string, unknown> = { namespace, limit: page.limit + 1 };
    let where = 'namespace = @namespace';
    if (filters.recipient) {
      where += ' AND id IN (SELECT message_id FROM recipients WHERE email = @recipient)';
      params.recipient = filters.recipient.toLowerCase();
    }
    if (filters.from) {
      where += ' AND from_email = @from';
      params.from = filters.from.toLowerCase();
    }
    if (filters.status) {
      where += ` AND (${AGGREGATE_STATUS}) = @status`;
      params.status = filters.status;
    }
    for (const column of ['tag', 'stream'] as const) {
      if (filters[column]) {
        where += ` AND ${column} = @${column}`;
        params[column] = filters[column];
      }
    }
    if (filters.subject) {
      where += ' AND instr(lower(subject), lower(@subject)) > 0';
      params.subject = filters.subject;
    }
    let i = 0;
    for (const [key, value] of Object.entries(filters.metadata ?? {})) {
      where += ` AND json_extract(body, @metaPath${i}) = @metaValue${i}`;
      params[`metaPath${i}`] = `$.metadata.${JSON.stringify(key)}`;
      params[`metaValue${i}`] = value;
      i++;
    }
    where += timeRangeClause('created_at', filters, params);
    where += cursorClause(page, 'created_at', 'id', params);
    const dir = page.order === 'asc' ? 'ASC' : 'DESC';
    const rows = this.cache
      .get<MessageRow>(
        `SELECT id, namespace, status, body FROM messages WHERE ${where} ORDER BY created_at ${dir}, id ${dir} LIMIT @limit`,
      )
      .all(params);
    return toPage(rows.map(toMessage), page, (m) => ({ t: m.createdAt, i: m.id }), filters);
  }
}
