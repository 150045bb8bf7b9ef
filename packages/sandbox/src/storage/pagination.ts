import { fingerprint } from '../http/canonical-json.js';
import { ProblemError } from '../http/problem.js';

export interface PageRequest {
  limit: number;
  order: 'asc' | 'desc';
  after?: { t: string; i: string };
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

interface CursorPayload {
  t: string;
  i: string;
  h: string;
}

/** Opaque base64url cursor: the last (createdAt, id) plus a hash of the filters it belongs to. */
export function encodeCursor(t: string, i: string, filters: unknown): string {
  const payload: CursorPayload = { t, i, h: fingerprint(filters).slice(0, 16) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeCursor(cursor: string, filters: unknown): { t: string; i: string } {
  let payload: Partial<CursorPayload>;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ProblemError(400, 'invalid_query', { detail: 'The cursor is not valid' });
  }
  if (typeof payload?.t !== 'string' || typeof payload.i !== 'string' || typeof payload.h !== 'string') {
    throw new ProblemError(400, 'invalid_query', { detail: 'The cursor is not valid' });
  }
  if (payload.h !== fingerprint(filters).slice(0, 16)) {
    throw new ProblemError(400, 'cursor_mismatch', {
      detail: 'This cursor was issued for different filters; start again without a cursor',
    });
  }
  return { t: payload.t, i: payload.i };
}

/** Reads `limit`, `order` and `cursor` from the query (limit 1–500, default 50; order desc by default). */
export function pageRequest(query: URLSearchParams, filters: unknown): PageRequest {
  const rawLimit = query.get('limit');
  let limit = 50;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new ProblemError(400, 'invalid_query', { detail: 'limit must be an integer from 1 to 500' });
    }
  }
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw new ProblemError(400, 'invalid_query', { detail: 'order must be asc or desc' });
  }
  const cursor = query.get('cursor');
  return { limit, order, ...(cursor ? { after: decodeCursor(cursor, filters) } : {}) };
}

/** The SQL fragment that continues after the cursor position, for a table with the given columns. */
export function cursorClause(
  page: PageRequest,
  timeColumn: string,
  idColumn: string,
  params: Record<string, unknown>,
): string {
  if (!page.after) return '';
  params.cursorT = page.after.t;
  params.cursorI = page.after.i;
  const op = page.order === 'asc' ? '>' : '<';
  return ` AND (${timeColumn}, ${idColumn}) ${op} (@cursorT, @cursorI)`;
}

export function toPage<T>(
  rows: T[],
  page: PageRequest,
  key: (row: T) => { t: string; i: string },
  filters: unknown,
): Page<T> {
  const hasMore = rows.length > page.limit;
  const data = hasMore ? rows.slice(0, page.limit) : rows;
  const last = data[data.length - 1];
  const position = last ? key(last) : undefined;
  return {
    data,
    hasMore,
    nextCursor: hasMore && position ? encodeCursor(position.t, position.i, filters) : null,
  };
}

/** Parses an RFC 3339 timestamp or a date (YYYY-MM-DD) from the query into an ISO string. */
export function queryTime(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new ProblemError(400, 'invalid_query', {
      detail: `${name} must be an RFC 3339 timestamp or a date`,
    });
  }
  return new Date(ms).toISOString();
}

/** The plain string filters a list route accepts, plus `since`/`until` checked as timestamps. */
export function queryFilters<K extends string>(
  query: URLSearchParams,
  names: readonly K[],
): Partial<Record<K | 'since' | 'until', string>> {
  const filters: Partial<Record<K | 'since' | 'until', string>> = {};
  for (const name of names) {
    const value = query.get(name);
    if (value) filters[name] = value;
  }
  const since = queryTime(query, 'since');
  const until = queryTime(query, 'until');
  if (since) filters.since = since;
  if (until) filters.until = until;
  return filters;
}

/** `AND column >= @since AND column < @until` for the bounds that are set (half-open, as every list). */
export function timeRangeClause(
  column: string,
  range: { since?: string | undefined; until?: string | undefined },
  params: Record<string, unknown>,
): string {
  let clause = '';
  if (range.since) {
    clause += ` AND ${column} >= @since`;
    params.since = range.since;
  }
  if (range.until) {
    clause += ` AND ${column} < @until`;
    params.until = range.until;
  }
  return clause;
}
