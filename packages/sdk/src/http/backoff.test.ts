import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from 0.5 s up to the 8 s cap with full random (1 → no jitter reduction)', () => {
    const max = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, max))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('applies equal jitter: d × (0.5 + 0.5 × random), never below 0.5 s', () => {
    expect(backoffDelay(3, () => 0)).toBe(1000);
    expect(backoffDelay(3, () => 0.5)).toBe(1500);
    expect(backoffDelay(5, () => 0.25)).toBe(5000);
    expect(backoffDelay(1, () => 0)).toBe(500);
    expect(backoffDelay(2, () => 0)).toBe(500);
  });

  it('lets a server hint between 0 and 60 s replace the computed delay', () => {
    expect(backoffDelay(3, () => 0, 0)).toBe(0);
    expect(backoffDelay(3, () => 0, 1234)).toBe(1234);
    expect(backoffDelay(1, () => 1, 60_000)).toBe(60_000);
  });

  it('ignores a hint above 60 s or below 0', () => {
    expect(backoffDelay(2, () => 1, 60_001)).toBe(1000);
    expect(backoffDelay(2, () => 1, -1)).toBe(1000);
  });

  it('scales with the settings (the fault suite uses 5 ms / 50 ms)', () => {
    const settings = { ...DEFAULT_BACKOFF, initialDelayMs: 5, maxDelayMs: 50 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, () => 1, undefined, settings))).toEqual([
      5, 10, 20, 40, 50,
    ]);
  });
});
