export interface ClockState {
  /** Milliseconds added to real time while the clock runs. */
  offsetMs: number;
  /** The fixed time (ms) while frozen, else null. */
  frozenAt: number | null;
}

export interface ClockOptions {
  /** Start frozen at this instant (ms or ISO). */
  startAt?: number | string;
  frozen?: boolean;
  /** Restored state (from the database); wins over startAt/frozen. */
  state?: ClockState;
}

/**
 * The sandbox's clock. It follows real time by default; tests freeze, advance or set it so that
 * simulator delays, scheduled sends and webhook retries run without sleeping.
 */
export class VirtualClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    options: ClockOptions = {},
    private readonly realNow: () => number = Date.now,
  ) {
    if (options.state) {
      this.offsetMs = options.state.offsetMs;
      this.frozenAt = options.state.frozenAt;
      return;
    }
    if (options.startAt !== undefined) {
      const start = typeof options.startAt === 'number' ? options.startAt : Date.parse(options.startAt);
      if (Number.isNaN(start)) throw new RangeError(`Invalid clock start: ${String(options.startAt)}`);
      this.offsetMs = start - this.realNow();
      if (options.frozen) this.frozenAt = start;
    } else if (options.frozen) {
      this.frozenAt = this.realNow();
    }
  }

  now(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  get frozen(): boolean {
    return this.frozenAt !== null;
  }

  state(): ClockState {
    return { offsetMs: this.offsetMs, frozenAt: this.frozenAt };
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward');
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
    this.changed();
  }

  set(time: number): void {
    if (this.frozenAt !== null) this.frozenAt = time;
    else this.offsetMs = time - this.realNow();
    this.changed();
  }

  freeze(frozen: boolean): void {
    if (frozen && this.frozenAt === null) this.frozenAt = this.now();
    if (!frozen && this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - this.realNow();
      this.frozenAt = null;
    }
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
