import type { ChaosParsed, SmtpChaosPhase } from '@mailplatform/sdk/schemas';

export type ChaosPhase = SmtpChaosPhase | 'http';

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

export function defaultChaos(): ChaosParsed {
  return { smtp: {}, http: { probability: 0, status: [503], latencyMs: 0, rateLimitProbability: 0 } };
}

/** mulberry32: a small seeded random source in [0, 1), so a `seed` makes chaos repeatable. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Failure injection shared by the HTTP API and the SMTP relay. `take(phase)` answers whether this
 * request or SMTP command should fail, and with which code: deterministic `next` entries first,
 * then the probabilistic settings.
 */
export class ChaosState {
  private settings: ChaosParsed = defaultChaos();
  private queue: ChaosNext[] = [];
  private random: () => number;

  constructor(private readonly defaultRandom: () => number = Math.random) {
    this.random = defaultRandom;
  }

  get(): ChaosParsed {
    return structuredClone(this.settings);
  }

  set(settings: ChaosParsed): void {
    this.settings = structuredClone(settings);
    this.random = settings.seed === undefined ? this.defaultRandom : seededRandom(settings.seed);
  }

  addNext(next: ChaosNext): void {
    this.queue.push({ ...next });
  }

  reset(): void {
    this.settings = defaultChaos();
    this.random = this.defaultRandom;
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
      if (http.rateLimitProbability > 0 && this.random() < http.rateLimitProbability) return { code: 429 };
      if (http.probability > 0 && this.random() < http.probability) {
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
