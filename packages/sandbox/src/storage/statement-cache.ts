import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './open-database.js';

/** Prepares each distinct SQL text once (list queries vary with their filters). */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: SqliteDatabase) {}

  get<Row>(sql: string): Database.Statement<Record<string, unknown>, Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<Record<string, unknown>, Row>;
  }
}
