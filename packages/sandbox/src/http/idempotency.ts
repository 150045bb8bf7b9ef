import type { VirtualClock } from '../clock/virtual-clock.js';
import type { SqliteDatabase } from '../storage/open-database.js';
import { ProblemError } from './problem.js';

export const IDEMPOTENCY_TTL_MS = 72 * 60 * 60 * 1000;

export interface IdempotencyScope {
  namespace: string;
  method: string;
  path: string;
  key: string;
}

export type IdempotencyBegin = { kind: 'new' } | { kind: 'replay'; status: number; body: unknown };

interface KeyRow {
  fingerprint: string;
  state: string;
  status: number | null;
  body: string | null;
  expires_at: number | null;
}

/** Validates an Idempotency-Key header value (1–255 printable ASCII, no surrounding quotes). */
export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const key = Array.isArray(value) ? value[0] : value;
  if (
    key === undefined ||
    key.length < 1 ||
    key.length > 255 ||
    !/^[\x20-\x7e]+$/.test(key) ||
    /^".*"$/.test(key)
  ) {
    throw new ProblemError(400, 'idempotency_key_invalid', {
      detail: 'The Idempotency-Key must be 1-255 printable ASCII characters without surrounding quotes',
    });
  }
  return key;
}

/** Contract §10: keys kept 72 h (virtual clock) after completion; only accepted (2xx) results are stored. */
export class IdempotencyStore {
  private readonly select;
  private readonly insert;
  private readonly complete;
  private readonly remove;
  private readonly purge;

  constructor(
    db: SqliteDatabase,
    private readonly clock: VirtualClock,
  ) {
    this.select = db.prepare<[string, string, string, string], KeyRow>(
      'SELECT fingerprint, state, status, body, expires_at FROM idempotency_keys WHERE namespace = ? AND method = ? AND path = ? AND key = ?',
    );
    this.insert = db.prepare(
      `INSERT INTO idempotency_keys (namespace, method, path, key, fingerprint, state)
       VALUES (@namespace, @method, @path, @key, @fingerprint, 'running')
       ON CONFLICT (namespace, method, path, key) DO UPDATE SET fingerprint = excluded.fingerprint,
         state = 'running', status = NULL, body = NULL, expires_at = NULL`,
    );
    this.complete = db.prepare(
      `UPDATE idempotency_keys SET state = 'done', status = @status, body = @body, expires_at = @expiresAt
       WHERE namespace = @namespace AND method = @method AND path = @path AND key = @key`,
    );
    this.remove = db.prepare(
      'DELETE FROM idempotency_keys WHERE namespace = @namespace AND method = @method AND path = @path AND key = @key',
    );
    this.purge = db.prepare("DELETE FROM idempotency_keys WHERE state = 'done' AND expires_at <= ?");
  }

  begin(scope: IdempotencyScope, print: string): IdempotencyBegin {
    const row = this.select.get(scope.namespace, scope.method, scope.path, scope.key);
    const live = row && (row.state === 'running' || (row.expires_at ?? 0) > this.clock.now());
    if (row && live) {
      if (row.state === 'running') {
        throw new ProblemError(409, 'idempotency_request_in_progress', {
          detail: 'The first request with this Idempotency-Key has not finished',
          headers: { 'Retry-After': '1' },
        });
      }
      if (row.fingerprint !== print) {
        throw new ProblemError(422, 'idempotency_key_reused', {
          detail: 'This Idempotency-Key was used with a different request body',
        });
      }
      return { kind: 'replay', status: row.status ?? 200, body: JSON.parse(row.body ?? 'null') };
    }
    this.insert.run({ ...scope, fingerprint: print });
    return { kind: 'new' };
  }

  finish(scope: IdempotencyScope, status: number, body: unknown): void {
    if (status >= 200 && status < 300) {
      this.complete.run({
        ...scope,
        status,
        body: JSON.stringify(body),
        expiresAt: this.clock.now() + IDEMPOTENCY_TTL_MS,
      });
    } else {
      this.remove.run(scope);
    }
  }

  abandon(scope: IdempotencyScope): void {
    this.remove.run(scope);
  }

  purgeExpired(): void {
    this.purge.run(this.clock.now());
  }
}
