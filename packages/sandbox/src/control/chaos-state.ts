export type SmtpChaosPhase = 'connect' | 'auth' | 'mailFrom' | 'rcptTo' | 'data';
export type ChaosPhase = SmtpChaosPhase | 'http';

export interface SmtpPhaseChaos {
  /** 0..1 */
  probability: number;
  code: number;
  message?: string;
}

export interface ChaosSettings {
  smtp: Partial<Record<SmtpChaosPhase, SmtpPhaseChaos>>;
  http: {
    /** Statuses drawn from at random when a request fails. */
    status: number[];
    probability: number;
    latencyMs: number;
    /** Answer every API request with 429 rate_limited. */
    rateLimited: boolean;
  };
}

export interface ChaosNext {
  count: number;
  phase: ChaosPhase;
  code: number;
  message?: string;
}

export interface ChaosFailure {
  code: number;
  message?: string;
}

export function defaultChaos(): ChaosSettings {
  return { smtp: {}, http: { status: [], probability: 0, latencyMs: 0, rateLimited: false } };
}

/**
 * Failure injection shared by the HTTP API and the SMTP relay. `take(phase)` answers whether this
 * request or SMTP command should fail, and with which code: deterministic `next` entries first,
 * then the probabilistic settings.
 */
export class ChaosState {
  private settings: ChaosSettings = defaultChaos();
  private queue: ChaosNext[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  get(): ChaosSettings & { next: ChaosNext[] } {
    return { ...structuredClone(this.settings), next: this.queue.map((entry) => ({ ...entry })) };
  }

  set(settings: ChaosSettings): void {
    this.settings = structuredClone(settings);
  }

  addNext(next: ChaosNext): void {
    this.queue.push({ ...next });
  }

  reset(): void {
    this.settings = defaultChaos();
    this.queue = [];
  }

  latencyMs(): number {
    return this.settings.http.latencyMs;
  }

  take(phase: ChaosPhase): ChaosFailure | null {
    const index = this.queue.findIndex((entry) => entry.phase === phase && entry.count > 0);
    if (index >= 0) {
      const entry = this.queue[index]!;
      entry.count -= 1;
      if (entry.count <= 0) this.queue.splice(index, 1);
      return { code: entry.code, ...(entry.message ? { message: entry.message } : {}) };
    }
    if (phase === 'http') {
      const http = this.settings.http;
      if (http.rateLimited) return { code: 429 };
      if (http.status.length > 0 && this.random() < http.probability) {
        return { code: http.status[Math.floor(this.random() * http.status.length)]! };
      }
      return null;
    }
    const smtp = this.settings.smtp[phase];
    if (smtp && this.random() < smtp.probability) {
      return { code: smtp.code, ...(smtp.message ? { message: smtp.message } : {}) };
    }
    return null;
  }
}
