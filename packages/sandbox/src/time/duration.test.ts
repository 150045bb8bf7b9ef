import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, InvalidDurationError, parseDuration } from './index.js';

describe('parseDuration', () => {
  it.each([
    ['PT6H', 6 * 3_600_000],
    ['P3D', 3 * 86_400_000],
    ['PT1.5S', 1_500],
    ['PT1,5S', 1_500],
    ['+PT5M', 300_000],
    ['P1DT2H30M', 86_400_000 + 2 * 3_600_000 + 30 * 60_000],
    ['P1W', 7 * 86_400_000],
    ['PT72H', 3 * 86_400_000],
    ['PT0S', 0],
    ['pt10m', 600_000],
    ['PT0.0004S', 0],
    ['PT0.5H', 1_800_000],
  ])('%s → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    ['', 'expected a form like PT6H, P3D, PT1.5S or +PT5M'],
    ['P', 'no components'],
    ['PT', 'expected a form like PT6H, P3D, PT1.5S or +PT5M'],
    ['P1DT', 'expected a form like PT6H, P3D, PT1.5S or +PT5M'],
    ['6h', 'expected a form like PT6H, P3D, PT1.5S or +PT5M'],
    ['PT5M10', 'expected a form like PT6H, P3D, PT1.5S or +PT5M'],
    ['P1Y', 'years and months have no fixed length; use days (P30D)'],
    ['P2M', 'years and months have no fixed length; use days (P30D)'],
    ['-PT5M', 'negative durations are not supported'],
    ['PT1.5H30M', 'only the smallest component may have a fraction'],
    ['PT5S5M', 'expected a form like PT6H, P3D, PT1.5S or +PT5M'],
  ])('rejects %j', (input, reason) => {
    expect(() => parseDuration(input)).toThrow(new InvalidDurationError(input, reason));
    try {
      parseDuration(input);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidDurationError);
      expect((error as InvalidDurationError).code).toBe('invalid_duration');
      expect((error as Error).message).toBe(`Invalid ISO-8601 duration ${JSON.stringify(input)}: ${reason}`);
    }
  });

  it('rejects a non-string', () => {
    expect(() => parseDuration(5 as unknown as string)).toThrow(
      'Invalid ISO-8601 duration 5: expected a string',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, 'PT0S'],
    [1_500, 'PT1.5S'],
    [300_000, 'PT5M'],
    [6 * 3_600_000, 'PT6H'],
    [3 * 86_400_000, 'P3D'],
    [86_400_000 + 2 * 3_600_000 + 30 * 60_000, 'P1DT2H30M'],
    [3_661_001, 'PT1H1M1.001S'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects %d', (ms) => {
    expect(() => formatDuration(ms)).toThrow(
      `Invalid ISO-8601 duration ${JSON.stringify(ms)}: expected a finite number of milliseconds >= 0`,
    );
  });

  it('round-trips through parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
