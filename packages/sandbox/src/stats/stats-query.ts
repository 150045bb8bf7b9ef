import type { StatsQueryParsed, StatsResponse } from '@mailplatform/sdk/schemas';
import { ProblemError } from '../http/problem.js';
import type { SqliteDatabase } from '../storage/open-database.js';
import { StatementCache } from '../storage/statement-cache.js';
import {
  addCounts,
  computeRates,
  emptyCounts,
  publicCounts,
  STORED_COUNTERS,
  type StoredCounts,
} from './counters.js';
import {
  BASIS_ACTIVITY,
  BASIS_COHORT,
  HOUR_MS,
  SCOPE_ALL,
  SCOPE_BOUNCE_TYPE,
  SCOPE_DOMAIN,
} from './stats-recorder.js';
import { formatInZone, fromLocal, offsetMinutes, offsetSegments, parseBound } from './zone-time.js';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_MS = 30 * DAY_MS;
const MAX_BUCKETS = 10_000;

const GROUP_COLUMN = {
  tag: 'tag',
  stream: 'stream',
  recipientDomain: 'domain',
  bounceType: 'btype',
} as const;

type Interval = StatsQueryParsed['interval'];
type Row = StoredCounts & { u: number; g: string };

const caches = new WeakMap<SqliteDatabase, StatementCache>();

function cacheFor(db: SqliteDatabase): StatementCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new StatementCache(db);
    caches.set(db, cache);
  }
  return cache;
}

interface Bucket {
  key: number;
  start: number;
}

/** Answers `GET /v1/stats` from `stats_rollup`: one indexed GROUP BY, then folding in memory. */
export function queryStats(
  db: SqliteDatabase,
  namespace: string,
  q: StatsQueryParsed,
  now: number,
): StatsResponse {
  const zone = q.timezone;
  const until = q.until === undefined ? now : parseBound(zone, q.until, true);
  const since = q.since === undefined ? until - DEFAULT_RANGE_MS : parseBound(zone, q.since, false);
  if (!(since < until)) {
    throw new ProblemError(400, 'invalid_query', { detail: 'since must be before until' });
  }
  const basis = q.basis ?? (q.interval === 'none' ? 'cohort' : 'activity');
  const buckets = bucketsFor(q.interval, zone, since, until);

  const byBounceType = q.groupBy === 'bounceType';
  const column = q.groupBy === undefined || byBounceType ? undefined : GROUP_COLUMN[q.groupBy];
  const scan = {
    db,
    namespace,
    basis: basis === 'cohort' ? BASIS_COHORT : BASIS_ACTIVITY,
    stream: q.stream,
    tag: q.tag,
    zone,
    since,
    until,
  };
  const rows = scanRollup({
    ...scan,
    scope: q.groupBy === 'recipientDomain' ? SCOPE_DOMAIN : SCOPE_ALL,
    interval: q.interval,
    group: column ?? "''",
  });

  const keyOf = bucketKey(q.interval);
  const series = new Map<number, StoredCounts>(buckets.map((b) => [b.key, emptyCounts()]));
  const groups = new Map<string, StoredCounts>();
  const totals = emptyCounts();
  const addToGroup = (row: Row) => {
    let counts = groups.get(row.g);
    if (!counts) {
      counts = emptyCounts();
      groups.set(row.g, counts);
    }
    addCounts(counts, row);
  };
  for (const row of rows) {
    addCounts(totals, row);
    const bucket = series.get(keyOf(row.u));
    if (bucket) addCounts(bucket, row);
    if (column) addToGroup(row);
  }
  // bounce types live in their own rows, which hold only the bounce counters
  if (byBounceType) {
    for (const row of scanRollup({ ...scan, scope: SCOPE_BOUNCE_TYPE, interval: 'none', group: 'btype' })) {
      addToGroup(row);
    }
  }
  const values = (stored: StoredCounts) => {
    const counts = publicCounts(stored);
    return { counts, rates: computeRates(counts, q.includeBotClicks) };
  };
  return {
    since: formatInZone(zone, since),
    until: formatInZone(zone, until),
    timezone: zone,
    interval: q.interval,
    basis,
    groupBy: q.groupBy ?? null,
    totals: values(totals),
    series: buckets.map((b) => ({ start: formatInZone(zone, b.start), ...values(series.get(b.key)!) })),
    groups: [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, counts]) => ({ key, ...values(counts) })),
  };
}

interface Scan {
  db: SqliteDatabase;
  namespace: string;
  basis: number;
  scope: number;
  stream: string | undefined;
  tag: string | undefined;
  zone: string;
  since: number;
  until: number;
  interval: Interval;
  group: string;
}

/**
 * Sums `stats_rollup` by (unit, group) over a primary-key range scan, one scan per stretch of constant
 * UTC offset (a DST change splits the range). The unit is the UTC hour for `hour` and the local day the
 * hour starts in for `day`, `week` and `month` (weeks and months are folded from days).
 */
function scanRollup(scan: Scan): Row[] {
  const params: Record<string, unknown> = { namespace: scan.namespace, basis: scan.basis, scope: scan.scope };
  let where = 'namespace = @namespace AND basis = @basis AND scope = @scope AND q >= @from AND q < @to';
  if (scan.stream !== undefined) {
    where += ' AND stream = @stream';
    params.stream = scan.stream;
  }
  if (scan.tag !== undefined) {
    where += ' AND tag = @tag';
    params.tag = scan.tag;
  }
  const unit =
    scan.interval === 'none'
      ? '0'
      : scan.interval === 'hour'
        ? 'q'
        : '(q * 60 + CAST(@offset AS INTEGER)) / 1440';
  const sums = STORED_COUNTERS.map((name) => `SUM(${name}) AS ${name}`).join(', ');
  const statement = cacheFor(scan.db).get<Row>(
    `SELECT ${unit} AS u, ${scan.group} AS g, ${sums} FROM stats_rollup WHERE ${where} GROUP BY u, g`,
  );
  const toHour = Math.ceil(scan.until / HOUR_MS);
  const segments =
    scan.interval === 'none' || scan.interval === 'hour'
      ? [{ from: scan.since, offsetMinutes: 0 }]
      : offsetSegments(scan.zone, scan.since, scan.until);
  const rows: Row[] = [];
  segments.forEach((segment, i) => {
    const from = Math.floor(segment.from / HOUR_MS);
    const next = segments[i + 1];
    const to = next ? Math.floor(next.from / HOUR_MS) : toHour;
    if (from < to) rows.push(...statement.all({ ...params, from, to, offset: segment.offsetMinutes }));
  });
  return rows;
}

function mondayOf(day: number): number {
  // day 0 (1970-01-01) was a Thursday
  return day - ((((day + 3) % 7) + 7) % 7);
}

function monthOf(day: number): number {
  const date = new Date(day * DAY_MS);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

function bucketKey(interval: Interval): (unit: number) => number {
  if (interval === 'week') return mondayOf;
  if (interval === 'month') return monthOf;
  if (interval === 'none') return () => 0;
  return (unit) => unit;
}

function bucketsFor(interval: Interval, zone: string, since: number, until: number): Bucket[] {
  if (interval === 'none') return [];
  const out: Bucket[] = [];
  const push = (bucket: Bucket): boolean => {
    if (bucket.start >= until) return false;
    if (out.length >= MAX_BUCKETS) {
      throw new ProblemError(400, 'invalid_query', {
        detail: `The range holds more than ${MAX_BUCKETS} ${interval} buckets; use a larger interval`,
      });
    }
    out.push(bucket);
    return true;
  };
  if (interval === 'hour') {
    for (let h = Math.floor(since / HOUR_MS); ; h++) {
      if (!push({ key: h, start: h * HOUR_MS })) return out;
    }
  }
  const firstDay = Math.floor((since + offsetMinutes(zone, since) * 60_000) / DAY_MS);
  if (interval === 'day') {
    for (let d = firstDay; ; d++) {
      if (!push({ key: d, start: fromLocal(zone, d * DAY_MS) })) return out;
    }
  }
  if (interval === 'week') {
    for (let d = mondayOf(firstDay); ; d += 7) {
      if (!push({ key: d, start: fromLocal(zone, d * DAY_MS) })) return out;
    }
  }
  for (let m = monthOf(firstDay); ; m++) {
    const local = Date.UTC(Math.floor(m / 12), m % 12, 1);
    if (!push({ key: m, start: fromLocal(zone, local) })) return out;
  }
}
