export interface BackoffSettings {
  /** Delay before the first retry, and the floor of every jittered delay (default 500 ms). */
  initialDelayMs: number;
  /** Cap of the exponential delay (default 8 s). */
  maxDelayMs: number;
  /** A server hint (`Retry-After`, `retry-after-ms`) replaces the computed delay when 0 ≤ hint ≤ this. */
  maxHintMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { initialDelayMs: 500, maxDelayMs: 8_000, maxHintMs: 60_000 };

/**
 * Delay before retry number `retry` (1 for the first retry), reliability.md "Backoff":
 * `d = min(max, initial × 2^(retry−1))`, then `d × (0.5 + 0.5 × random())` (equal jitter), never below
 * `initial`. A server hint in [0, maxHint] replaces the computed delay.
 */
export function backoffDelay(
  retry: number,
  random: () => number,
  hintMs?: number,
  settings: BackoffSettings = DEFAULT_BACKOFF,
): number {
  if (hintMs !== undefined && hintMs >= 0 && hintMs <= settings.maxHintMs) return hintMs;
  const exponential = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** (retry - 1));
  return Math.max(settings.initialDelayMs, exponential * (0.5 + 0.5 * random()));
}
