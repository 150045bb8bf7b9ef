import {
  type ExportFilter,
  type ExportType,
  INVALID_ADDRESS_COLUMNS,
  STATS_COUNTERS,
  STATS_RATES,
} from '@mailplatform/sdk/schemas';
import { queryStats } from '../stats/stats-query.js';
import { formatInZone, parseBound } from '../stats/zone-time.js';
import type { MailEventEnvelope, StoredRecipient, Suppression } from '../storage/json-types.js';
import type { SqliteDatabase } from '../storage/open-database.js';
import { timeRangeClause } from '../storage/pagination.js';
import { StatementCache } from '../storage/statement-cache.js';
import type { CellValue } from './csv.js';

const BATCH = 1000;
const SOFT_RULE_COUNT = 3;
const SOFT_RULE_WINDOW_MS = 15 * 86_400_000;

export interface ExportContext {
  db: SqliteDatabase;
  namespace: string;
  filter: ExportFilter;
  timezone: string;
  now: number;
  recipients: (messageId: string) => StoredRecipient[];
}

export type ExportRow = Record<string, CellValue>;

/** What an export type writes: its CSV columns, rows in batches, and each row's NDJSON form. */
export interface ExportSource {
  columns: readonly string[];
  batches(): AsyncGenerator<ExportRow[]>;
  json?: (row: ExportRow) => unknown;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function bounds(ctx: ExportContext): { since?: string; until?: string } {
  const out: { since?: string; until?: string } = {};
  if (ctx.filter.since) out.since = new Date(parseBound(ctx.timezone, ctx.filter.since, false)).toISOString();
  if (ctx.filter.until) out.until = new Date(parseBound(ctx.timezone, ctx.filter.until, true)).toISOString();
  return out;
}

function time(ctx: ExportContext, iso: string | null | undefined): string | null {
  return iso ? formatInZone(ctx.timezone, Date.parse(iso)) : null;
}

/** Events in (timestamp, id) order, read in batches by keyset so the database is never held open. */
async function* eventBatches(ctx: ExportContext, types: readonly string[] | undefined) {
  const cache = new StatementCache(ctx.db);
  const params: Record<string, unknown> = { namespace: ctx.namespace, limit: BATCH, t: '', i: '' };
  let where = 'namespace = @namespace';
  if (types && types.length > 0) {
    where += ` AND type IN (${types.map((_, n) => `@type${n}`).join(', ')})`;
    types.forEach((type, n) => {
      params[`type${n}`] = type;
    });
  }
  const { filter } = ctx;
  if (filter.stream) {
    where += ' AND stream = @stream';
    params.stream = filter.stream;
  }
  if (filter.tag) {
    where += ' AND tag = @tag';
    params.tag = filter.tag;
  }
  if (filter.recipient) {
    where += ' AND recipient = @recipient';
    params.recipient = filter.recipient.toLowerCase();
  }
  where += timeRangeClause('timestamp', bounds(ctx), params);
  const statement = cache.get<{ id: string; timestamp: string; body: string }>(
    `SELECT id, timestamp, body FROM events WHERE ${where} AND (timestamp > @t OR (timestamp = @t AND id > @i))
     ORDER BY timestamp, id LIMIT @limit`,
  );
  for (;;) {
    const rows = statement.all(params);
    if (rows.length === 0) return;
    yield rows.map((row) => JSON.parse(row.body) as MailEventEnvelope);
    const last = rows.at(-1)!;
    params.t = last.timestamp;
    params.i = last.id;
    if (rows.length < BATCH) return;
    await yieldToLoop();
  }
}

function eventsSource(ctx: ExportContext): ExportSource {
  return {
    columns: ['id', 'type', 'timestamp', 'messageId', 'recipient', 'stream', 'tag', 'data'],
    async *batches() {
      for await (const events of eventBatches(ctx, ctx.filter.eventTypes)) {
        yield events.map((e) => ({
          id: e.id,
          type: e.type,
          timestamp: time(ctx, e.timestamp),
          messageId: (e.data.messageId as string | undefined) ?? null,
          recipient: (e.data.recipient as string | undefined) ?? null,
          stream: (e.data.stream as string | undefined) ?? null,
          tag: (e.data.tag as string | undefined) ?? null,
          data: e.data,
          envelope: e as unknown as Record<string, unknown>,
        }));
      }
    },
    // NDJSON rows are the event envelope, unchanged (contract §13)
    json: (row) => row.envelope,
  };
}

interface BounceInfo {
  class: string;
  type: string;
  enhancedCode: string | null;
  diagnostic: string | null;
  smtpCode: number | null;
  remoteMta: string | null;
  phase: string | null;
  attempts: number | null;
}

function bounceOf(event: MailEventEnvelope): BounceInfo {
  const b = (event.data.bounce ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    class: str(b.class) ?? 'undetermined',
    type: str(b.type) ?? 'undetermined',
    enhancedCode: str(b.enhancedCode),
    diagnostic: str(b.diagnostic),
    smtpCode: num(b.smtpCode),
    remoteMta: str(b.remoteMta),
    phase: str(b.phase),
    attempts: num(b.attempts),
  };
}

function bounceMatches(ctx: ExportContext, bounce: { class: string; type: string }): boolean {
  const { classes, bounceTypes } = ctx.filter;
  return (
    (!classes || classes.includes(bounce.class as never)) &&
    (!bounceTypes || bounceTypes.includes(bounce.type as never))
  );
}

function bouncesSource(ctx: ExportContext): ExportSource {
  return {
    columns: [
      'id',
      'timestamp',
      'messageId',
      'recipient',
      'stream',
      'tag',
      'class',
      'type',
      'smtpCode',
      'enhancedCode',
      'diagnostic',
      'remoteMta',
      'phase',
      'attempts',
      'suppressed',
    ],
    async *batches() {
      for await (const events of eventBatches(ctx, ['message.bounced'])) {
        const rows: ExportRow[] = [];
        for (const e of events) {
          const bounce = bounceOf(e);
          if (!bounceMatches(ctx, bounce)) continue;
          const suppression = e.data.suppression as { created?: boolean } | undefined;
          rows.push({
            id: e.id,
            timestamp: time(ctx, e.timestamp),
            messageId: e.data.messageId as string,
            recipient: e.data.recipient as string,
            stream: e.data.stream as string,
            tag: (e.data.tag as string | undefined) ?? null,
            ...bounce,
            suppressed: suppression?.created === true,
          });
        }
        if (rows.length > 0) yield rows;
      }
    },
  };
}

interface AddressFacts {
  email: string;
  complained: boolean;
  hard: BounceInfo | null;
  soft: BounceInfo | null;
  last: BounceInfo | null;
  softTimes: number[];
  firstSeenAt: string;
  lastSeenAt: string;
  lastMessageId: string | null;
  stream: string | null;
  tag: string | null;
}

function softRuleMet(times: number[]): boolean {
  for (let i = 0; i + SOFT_RULE_COUNT - 1 < times.length; i++) {
    if (times[i + SOFT_RULE_COUNT - 1]! - times[i]! <= SOFT_RULE_WINDOW_MS) return true;
  }
  return false;
}

const SUPPRESSION_CLASS: Partial<Record<Suppression['reason'], string>> = {
  hard_bounce: 'hard',
  soft_bounce_repeated: 'soft',
  spam_complaint: '',
};

/**
 * One row per address that should leave a mailing list: hard bounces, complaints, soft bounces that met
 * the soft-bounce rule (3 within 15 days), and suppressions with those reasons (docs/exports.md).
 */
function invalidAddressesSource(ctx: ExportContext): ExportSource {
  return {
    columns: INVALID_ADDRESS_COLUMNS,
    async *batches() {
      const byEmail = new Map<string, AddressFacts>();
      for await (const events of eventBatches(ctx, ['message.bounced', 'message.complained'])) {
        for (const e of events) {
          const email = String(e.data.recipient).toLowerCase();
          let facts = byEmail.get(email);
          if (!facts) {
            facts = {
              email,
              complained: false,
              hard: null,
              soft: null,
              last: null,
              softTimes: [],
              firstSeenAt: e.timestamp,
              lastSeenAt: e.timestamp,
              lastMessageId: null,
              stream: null,
              tag: null,
            };
            byEmail.set(email, facts);
          }
          facts.lastSeenAt = e.timestamp;
          facts.lastMessageId = (e.data.messageId as string | undefined) ?? null;
          facts.stream = (e.data.stream as string | undefined) ?? null;
          facts.tag = (e.data.tag as string | undefined) ?? null;
          if (e.type === 'message.complained') {
            facts.complained = true;
            continue;
          }
          const bounce = bounceOf(e);
          facts.last = bounce;
          if (bounce.class === 'hard') facts.hard = bounce;
          if (bounce.class === 'soft') {
            facts.soft = bounce;
            facts.softTimes.push(Date.parse(e.timestamp));
          }
        }
      }
      const rows: ExportRow[] = [];
      for (const f of byEmail.values()) {
        const reason = f.complained
          ? 'spam_complaint'
          : f.hard
            ? 'hard_bounce'
            : softRuleMet(f.softTimes)
              ? 'soft_bounce_repeated'
              : null;
        if (!reason) continue;
        const bounce =
          reason === 'hard_bounce' ? f.hard : reason === 'soft_bounce_repeated' ? f.soft : f.last;
        rows.push({
          email: f.email,
          reason,
          bounceClass: bounce?.class ?? null,
          bounceType: bounce?.type ?? null,
          enhancedCode: bounce?.enhancedCode ?? null,
          diagnostic: bounce?.diagnostic ?? null,
          firstSeenAt: time(ctx, f.firstSeenAt),
          lastSeenAt: time(ctx, f.lastSeenAt),
          lastMessageId: f.lastMessageId,
          stream: f.stream,
          tag: f.tag,
        });
      }
      const seen = new Set(rows.map((row) => row.email));
      for await (const suppressions of suppressionBatches(ctx)) {
        for (const s of suppressions) {
          const bounceClass = SUPPRESSION_CLASS[s.reason];
          if (bounceClass === undefined || seen.has(s.email)) continue;
          seen.add(s.email);
          rows.push({
            email: s.email,
            reason: s.reason,
            bounceClass: bounceClass || null,
            bounceType: s.bounceType,
            enhancedCode: s.enhancedCode,
            diagnostic: s.diagnostic,
            firstSeenAt: time(ctx, s.createdAt),
            lastSeenAt: time(ctx, s.createdAt),
            lastMessageId: null,
            stream: s.stream,
            tag: null,
          });
        }
      }
      const kept = rows.filter(
        (row) =>
          (!ctx.filter.classes || ctx.filter.classes.includes(row.bounceClass as never)) &&
          (!ctx.filter.bounceTypes || ctx.filter.bounceTypes.includes(row.bounceType as never)),
      );
      kept.sort((a, b) => (String(a.email) < String(b.email) ? -1 : 1));
      for (let i = 0; i < kept.length; i += BATCH) yield kept.slice(i, i + BATCH);
    },
  };
}

async function* suppressionBatches(ctx: ExportContext): AsyncGenerator<Suppression[]> {
  const cache = new StatementCache(ctx.db);
  const params: Record<string, unknown> = { namespace: ctx.namespace, limit: BATCH, t: '', i: '' };
  let where = 'namespace = @namespace';
  if (ctx.filter.stream) {
    where += ' AND stream = @stream';
    params.stream = ctx.filter.stream;
  }
  if (ctx.filter.recipient) {
    where += ' AND email = @email';
    params.email = ctx.filter.recipient.toLowerCase();
  }
  where += timeRangeClause('created_at', bounds(ctx), params);
  const statement = cache.get<{ id: string; created_at: string; body: string }>(
    `SELECT id, created_at, body FROM suppressions WHERE ${where}
     AND (created_at > @t OR (created_at = @t AND id > @i)) ORDER BY created_at, id LIMIT @limit`,
  );
  for (;;) {
    const rows = statement.all(params);
    if (rows.length === 0) return;
    yield rows.map((row) => JSON.parse(row.body) as Suppression);
    params.t = rows.at(-1)!.created_at;
    params.i = rows.at(-1)!.id;
    if (rows.length < BATCH) return;
    await yieldToLoop();
  }
}

const SUPPRESSION_COLUMNS = [
  'id',
  'email',
  'stream',
  'reason',
  'origin',
  'createdAt',
  'lastEventId',
  'bounceType',
  'enhancedCode',
  'diagnostic',
] as const;

function suppressionsSource(ctx: ExportContext): ExportSource {
  return {
    columns: SUPPRESSION_COLUMNS,
    async *batches() {
      for await (const suppressions of suppressionBatches(ctx)) {
        yield suppressions.map((s) => ({ ...s, createdAt: time(ctx, s.createdAt) }));
      }
    },
  };
}

function statsSource(ctx: ExportContext): ExportSource {
  return {
    columns: ['start', ...STATS_COUNTERS, ...STATS_RATES],
    async *batches() {
      const response = queryStats(
        ctx.db,
        ctx.namespace,
        {
          ...(ctx.filter.since ? { since: ctx.filter.since } : {}),
          ...(ctx.filter.until ? { until: ctx.filter.until } : {}),
          ...(ctx.filter.stream ? { stream: ctx.filter.stream } : {}),
          ...(ctx.filter.tag ? { tag: ctx.filter.tag } : {}),
          timezone: ctx.timezone,
          interval: 'day',
          basis: 'cohort',
          includeBotClicks: false,
        },
        ctx.now,
      );
      yield response.series.map((bucket) => ({ start: bucket.start, ...bucket.counts, ...bucket.rates }));
    },
  };
}

function messagesSource(ctx: ExportContext): ExportSource {
  return {
    columns: [
      'messageId',
      'createdAt',
      'stream',
      'tag',
      'from',
      'subject',
      'channel',
      'recipient',
      'recipientType',
      'status',
      'metadata',
    ],
    async *batches() {
      const cache = new StatementCache(ctx.db);
      const params: Record<string, unknown> = { namespace: ctx.namespace, limit: BATCH, t: '', i: '' };
      let where = 'namespace = @namespace';
      if (ctx.filter.stream) {
        where += ' AND stream = @stream';
        params.stream = ctx.filter.stream;
      }
      if (ctx.filter.tag) {
        where += ' AND tag = @tag';
        params.tag = ctx.filter.tag;
      }
      where += timeRangeClause('created_at', bounds(ctx), params);
      const statement = cache.get<{
        id: string;
        created_at: string;
        stream: string;
        tag: string | null;
        from_email: string;
        subject: string;
        channel: string;
        body: string;
      }>(
        `SELECT id, created_at, stream, tag, from_email, subject, channel, body FROM messages WHERE ${where}
         AND (created_at > @t OR (created_at = @t AND id > @i)) ORDER BY created_at, id LIMIT @limit`,
      );
      const recipient = ctx.filter.recipient?.toLowerCase();
      for (;;) {
        const messages = statement.all(params);
        if (messages.length === 0) return;
        const rows: ExportRow[] = [];
        for (const m of messages) {
          const metadata = (JSON.parse(m.body) as { metadata?: Record<string, string> }).metadata ?? {};
          for (const r of ctx.recipients(m.id)) {
            if (recipient && r.email !== recipient) continue;
            rows.push({
              messageId: m.id,
              createdAt: time(ctx, m.created_at),
              stream: m.stream,
              tag: m.tag,
              from: m.from_email,
              subject: m.subject,
              channel: m.channel,
              recipient: r.email,
              recipientType: r.type,
              status: r.status,
              metadata,
            });
          }
        }
        if (rows.length > 0) yield rows;
        params.t = messages.at(-1)!.created_at;
        params.i = messages.at(-1)!.id;
        if (messages.length < BATCH) return;
        await yieldToLoop();
      }
    },
  };
}

export const EXPORT_SOURCES: Record<ExportType, (ctx: ExportContext) => ExportSource> = {
  events: eventsSource,
  bounces: bouncesSource,
  invalid_addresses: invalidAddressesSource,
  suppressions: suppressionsSource,
  stats: statsSource,
  messages: messagesSource,
};
