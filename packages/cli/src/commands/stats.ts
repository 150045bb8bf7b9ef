import type { StatsQuery, StatsResponse } from '@mailplatform/sdk';
import { parseInstant } from '../duration.js';
import { UsageError } from '../errors.js';
import type { Session } from '../session.js';

export interface StatsOptions {
  period?: '24h' | '7d' | '30d';
  since?: string;
  until?: string;
  interval?: 'hour' | 'day' | 'week' | 'month';
  groupBy?: 'tag' | 'stream' | 'domain' | 'bounce-type';
  tag?: string;
  stream?: string;
  timezone?: string;
  metrics?: string;
  chart?: boolean;
}

const GROUP_BY = {
  tag: 'tag',
  stream: 'stream',
  domain: 'recipientDomain',
  'bounce-type': 'bounceType',
} as const;
const DEFAULT_METRICS = [
  'sent',
  'delivered',
  'bouncedHard',
  'bouncedSoft',
  'complained',
  'opensUnique',
  'clicksUniqueHuman',
];
const RATE_NAMES = ['deliveryRate', 'bounceRate', 'complaintRate', 'openRate', 'clickRate'];

type Values = { counts: Record<string, number>; rates: Record<string, number | null> };

function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`;
}

/** Unicode bars, `#` when TERM=dumb. */
export function bars(
  rows: readonly { label: string; value: number }[],
  width: number,
  ascii: boolean,
): string {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const room = Math.max(10, width - labelWidth - 12);
  return rows
    .map((r) => {
      const length = Math.round((r.value / max) * room);
      return `${r.label.padEnd(labelWidth)}  ${(ascii ? '#' : '█').repeat(length)} ${r.value}\n`;
    })
    .join('');
}

/** An IANA zone the runtime knows (`Europe/Copenhagen`), checked before any request. */
export function checkTimezone(zone: string): void {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
  } catch {
    throw new UsageError(`unknown --timezone "${zone}"`, 'use an IANA zone such as Europe/Copenhagen or UTC');
  }
}

/** CSV and JSONL rows are the series (or groups) only; the totals are in `--json` and the table. */
export async function stats(s: Session, o: StatsOptions): Promise<void> {
  if (o.period && (o.since || o.until))
    throw new UsageError('--period cannot be combined with --since/--until');
  const now = s.ctx.now();
  const since = o.period
    ? parseInstant(o.period, '--period', now)
    : o.since
      ? parseInstant(o.since, '--since', now)
      : undefined;
  const until = o.until ? parseInstant(o.until, '--until', now) : o.period ? now.toISOString() : undefined;
  if (o.timezone !== undefined) checkTimezone(o.timezone);
  const metrics = o.metrics ? o.metrics.split(',').map((m) => m.trim()) : DEFAULT_METRICS;
  const query: StatsQuery = {
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(o.interval ? { interval: o.interval } : o.groupBy ? { interval: 'none' } : {}),
    ...(o.groupBy ? { groupBy: GROUP_BY[o.groupBy] } : {}),
    ...(o.tag ? { tag: o.tag } : {}),
    ...(o.stream ? { stream: o.stream } : {}),
    ...(o.timezone ? { timezone: o.timezone } : {}),
  };
  const client = await s.client();
  const result: StatsResponse = await client.stats.get(query, { signal: s.ctx.signal });
  const totals = result.totals as Values;
  const unknown = metrics.filter((m) => !(m in totals.counts));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown metric "${unknown[0]}"`,
      `metrics: ${Object.keys(totals.counts).join(', ')}`,
    );
  }
  const mode = s.out.settings.mode;
  if (mode === 'json') {
    s.out.object(result);
    return;
  }
  const rowsOf = (label: string, entries: readonly (Values & Record<string, unknown>)[], key: string) =>
    entries.map((e) => ({
      [label]: e[key],
      ...Object.fromEntries(metrics.map((m) => [m, e.counts[m] ?? 0])),
    }));
  const grouped = result.groups.length > 0;
  const entries = grouped ? rowsOf('key', result.groups, 'key') : rowsOf('start', result.series, 'start');
  const label = grouped ? 'key' : 'start';
  if (o.chart && mode === 'table') {
    const metric = metrics[0] ?? 'sent';
    s.ctx.stdout.write(`${metric}\n`);
    s.ctx.stdout.write(
      bars(
        entries.map((e) => ({ label: String(e[label]), value: Number(e[metric] ?? 0) })),
        s.out.settings.columns,
        s.ctx.env.TERM === 'dumb',
      ),
    );
    return;
  }
  const columns = [{ key: label }, ...metrics.map((m) => ({ key: m }))];
  s.out.list(entries, columns);
  if (mode === 'table') {
    s.ctx.stdout.write(
      `\ntotal ${metrics.map((m) => `${m}=${totals.counts[m] ?? 0}`).join('  ')}\n` +
        `rates ${RATE_NAMES.map((r) => `${r}=${percent(totals.rates[r])}`).join('  ')}\n`,
    );
  }
}
