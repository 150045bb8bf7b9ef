/** Thrown by `parseDuration` and `formatDuration` for input that is not a supported ISO-8601 duration. */
export class InvalidDurationError extends Error {
  readonly code = 'invalid_duration';
  readonly input: unknown;

  constructor(input: unknown, reason: string) {
    super(`Invalid ISO-8601 duration ${JSON.stringify(input)}: ${reason}`);
    this.name = 'InvalidDurationError';
    this.input = input;
  }
}

const UNIT_MS = { W: 604_800_000, D: 86_400_000, H: 3_600_000, M: 60_000, S: 1_000 } as const;

// P[nW][nD][T[nH][nM][nS]]; years and months are calendar units without a fixed length.
const DURATION =
  /^\+?P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/**
 * Parses an ISO-8601 duration (`PT6H`, `P3D`, `PT1.5S`, `P1DT2H30M`) into milliseconds. A leading `+`
 * is accepted (`+PT5M`, "from now"). Weeks and days are fixed lengths (7 × 24 h, 24 h): the sandbox
 * clock has no calendar. Years and months are rejected. Only the last component may carry a fraction.
 */
export function parseDuration(input: string): number {
  if (typeof input !== 'string') throw new InvalidDurationError(input, 'expected a string');
  const value = input.trim().toUpperCase();
  if (/^[+-]?P(?:\d+(?:[.,]\d+)?[YM])/.test(value)) {
    throw new InvalidDurationError(input, 'years and months have no fixed length; use days (P30D)');
  }
  if (value.startsWith('-')) throw new InvalidDurationError(input, 'negative durations are not supported');
  const match = DURATION.exec(value);
  if (!match || value.endsWith('T')) {
    throw new InvalidDurationError(input, 'expected a form like PT6H, P3D, PT1.5S or +PT5M');
  }
  const components = [
    [match[1], UNIT_MS.W],
    [match[2], UNIT_MS.D],
    [match[3], UNIT_MS.H],
    [match[4], UNIT_MS.M],
    [match[5], UNIT_MS.S],
  ] as const;
  const present = components.filter(([amount]) => amount !== undefined);
  if (present.length === 0) throw new InvalidDurationError(input, 'no components');
  let total = 0;
  present.forEach(([amount = '0', unit], index) => {
    const fractional = /[.,]/.test(amount);
    if (fractional && index !== present.length - 1) {
      throw new InvalidDurationError(input, 'only the smallest component may have a fraction');
    }
    total += Number(amount.replace(',', '.')) * unit;
  });
  return Math.round(total);
}

/** Formats milliseconds as an ISO-8601 duration: `PT0S`, `PT1.5S`, `PT6H`, `P3D`, `P1DT2H30M`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InvalidDurationError(ms, 'expected a finite number of milliseconds >= 0');
  }
  let rest = Math.round(ms);
  const days = Math.floor(rest / UNIT_MS.D);
  rest -= days * UNIT_MS.D;
  const hours = Math.floor(rest / UNIT_MS.H);
  rest -= hours * UNIT_MS.H;
  const minutes = Math.floor(rest / UNIT_MS.M);
  rest -= minutes * UNIT_MS.M;
  const seconds = rest / UNIT_MS.S;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
