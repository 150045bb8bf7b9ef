const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's UTC offset in minutes at an instant (Europe/Copenhagen: 60 in winter, 120 in summer). */
export function offsetMinutes(zone: string, at: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((wall - (at - (at % 1000))) / 60_000);
}

/** The instant at which the zone's wall clock shows `localMs` (wall time written as if it were UTC). */
export function fromLocal(zone: string, localMs: number): number {
  const guess = localMs - offsetMinutes(zone, localMs) * 60_000;
  return localMs - offsetMinutes(zone, guess) * 60_000;
}

/** RFC 3339 with the zone's offset: `2026-03-29T00:00:00+01:00` (`Z` for the UTC zone; milliseconds when not 0). */
export function formatInZone(zone: string, at: number): string {
  const offset = offsetMinutes(zone, at);
  const iso = new Date(at + offset * 60_000).toISOString();
  const local = at % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23);
  if (zone === 'UTC' || zone === 'Etc/UTC') return `${local}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A query bound: a date (`2026-03-29`, local midnight in the zone; `endOfDay` moves to the next one) or a timestamp. */
export function parseBound(zone: string, value: string, endOfDay: boolean): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const midnight = Date.parse(`${value}T00:00:00Z`) + (endOfDay ? DAY_MS : 0);
    return fromLocal(zone, midnight);
  }
  return Date.parse(value);
}

export interface OffsetSegment {
  /** First instant (ms) of the segment. */
  from: number;
  offsetMinutes: number;
}

/**
 * The zone's offsets over [since, until): one segment per DST period. Offsets are sampled every 6 hours
 * and each change is narrowed to the minute it happens.
 */
export function offsetSegments(zone: string, since: number, until: number): OffsetSegment[] {
  const step = 6 * 3_600_000;
  const segments: OffsetSegment[] = [{ from: since, offsetMinutes: offsetMinutes(zone, since) }];
  let previous = since;
  let current = segments[0]!.offsetMinutes;
  for (let t = since + step; ; t += step) {
    const at = Math.min(t, until);
    const offset = offsetMinutes(zone, at);
    if (offset !== current) {
      let lo = previous;
      let hi = at;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000;
        if (offsetMinutes(zone, mid) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ from: hi, offsetMinutes: offset });
      current = offset;
    }
    previous = at;
    if (at >= until) return segments;
  }
}
