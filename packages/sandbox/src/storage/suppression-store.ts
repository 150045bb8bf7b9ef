import type { Suppression } from './json-types.js';
import type { SqliteDatabase } from './open-database.js';
import { cursorClause, type Page, type PageRequest, timeRangeClause, toPage } from './pagination.js';
import { StatementCache } from './statement-cache.js';

export interface SuppressionFilters {
  email?: string;
  stream?: string;
  reason?: string;
  since?: string;
  until?: string;
}

export class SuppressionStore {
  private readonly insertRow;
  private readonly selectOne;
  private readonly deleteOne;
  private readonly cache: StatementCache;

  constructor(db: SqliteDatabase) {
    this.cache = new StatementCache(db);
    this.insertRow = db.prepare(
      `INSERT INTO suppressions (id, namespace, email, stream, reason, origin, created_at, body)
       VALUES (@id, @namespace, @email, @stream, @reason, @origin, @createdAt, @body)
       ON CONFLICT (namespace, email, stream) DO NOTHING`,
    );
    this.selectOne = db.prepare<[string, string, string], { body: string }>(
      'SELECT body FROM suppressions WHERE namespace = ? AND email = ? AND stream = ?',
    );
    this.deleteOne = db.prepare('DELETE FROM suppressions WHERE namespace = ? AND email = ? AND stream = ?');
  }

  /** Adds the row unless the address is already suppressed on that stream; returns whether it was added. */
  add(namespace: string, suppression: Suppression): boolean {
    const result = this.insertRow.run({
      id: suppression.id,
      namespace,
      email: suppression.email,
      stream: suppression.stream,
      reason: suppression.reason,
      origin: suppression.origin,
      createdAt: suppression.createdAt,
      body: JSON.stringify(suppression),
    });
    return result.changes > 0;
  }

  get(namespace: string, email: string, stream: string): Suppression | undefined {
    const row = this.selectOne.get(namespace, email.toLowerCase(), stream);
    return row ? (JSON.parse(row.body) as Suppression) : undefined;
  }

  remove(namespace: string, email: string, stream: string): boolean {
    return this.deleteOne.run(namespace, email.toLowerCase(), stream).changes > 0;
  }

  list(namespace: string, filters: SuppressionFilters, page: PageRequest): Page<Suppression> {
    const params: Record<string, unknown> = { namespace, limit: page.limit + 1 };
    let where = 'namespace = @namespace';
    for (const column of ['email', 'stream', 'reason'] as const) {
      const value = filters[column];
      if (value) {
        where += ` AND ${column} = @${column}`;
        params[column] = column === 'email' ? value.toLowerCase() : value;
      }
    }
    where += timeRangeClause('created_at', filters, params);
    where += cursorClause(page, 'created_at', 'id', params);
    const dir = page.order === 'asc' ? 'ASC' : 'DESC';
    const rows = this.cache
      .get<{ body: string }>(
        `SELECT body FROM suppressions WHERE ${where} ORDER BY created_at ${dir}, id ${dir} LIMIT @limit`,
      )
      .all(params)
      .map((row) => JSON.parse(row.body) as Suppression);
    return toPage(rows, page, (s) => ({ t: s.createdAt, i: s.id }), filters);
  }
}
