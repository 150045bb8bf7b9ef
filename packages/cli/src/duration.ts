import { UsageError } from './errors.js';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `300` (seconds), `30s`, `5m`, `2h`, `7d`, `250ms` → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?$/.exec(text.trim());
  if (!match)
    throw new UsageError(
      `invalid duration for ${flag}: "${text}"`,
      'use a number with a unit: 30s, 5m, 2h, 7d',
    );
  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000);
}

/** `--since`/`--until`: an ISO timestamp or date, or a duration back from now (`7d`). */
export function parseInstant(text: string, flag: string, now: Date): string {
  if (/^\d+(\.\d+)?(ms|s|m|h|d|w)$/.test(text))
    return new Date(now.getTime() - parseDuration(text, flag)).toISOString();
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `invalid time for ${flag}: "${text}"`,
      'use an ISO timestamp (2025-03-01T00:00:00Z), a date, or 7d',
    );
  }
  return text;
}

export function parseInteger(text: string, flag: string, min = 0): number {
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  return Number(text);
}
