import type { HeadersLike } from './types.js';

/**
 * The server's wait hint in ms: `retry-after-ms` (milliseconds), else `Retry-After` as seconds or as
 * an HTTP date (relative to `now`). `undefined` when absent or unparsable; never negative.
 */
export function parseRetryAfterMs(headers: HeadersLike, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const header = headers.get('retry-after');
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
