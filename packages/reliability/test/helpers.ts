import { isMailPlatformError, MailPlatform, type SendMessageInput } from '@mailplatform/sdk';
import type { FaultApiServer } from '../src/fault-api-server.js';
import { createPrng, type Prng, resolveSeed } from '../src/prng.js';
import { runPool } from '../src/run-pool.js';
import { appendSummary, formatSummary, type ScenarioSummary } from '../src/summary.js';
import { type Outcome, sendOutcomes } from './send-outcomes.js';

export const API_KEY = 'mp_test_R3l1abilityKeyQ7wX9zP2vN4mK8s';
/** The fault-injection suite's backoff (reliability.md: 5 ms base, 50 ms cap). */
export const FAST_BACKOFF = { initialDelayMs: 5, maxDelayMs: 50 };
export const SOAK = process.env.SOAK === '1';

/** One seeded PRNG per test file; the seed is printed so `FAULT_SEED=<seed>` reproduces the run. */
export function seeded(file: string): Prng {
  const prng = createPrng(resolveSeed());
  console.log(`[reliability] ${file}: FAULT_SEED=${prng.seed}`);
  return prng;
}

export function report(summary: ScenarioSummary): void {
  console.log(formatSummary(summary));
  appendSummary(summary);
}

export function message(ref: string, extra: Partial<SendMessageInput> = {}): SendMessageInput {
  return {
    from: 'Shop <ordre@shop.example>',
    to: `${ref}@kunde.example`,
    subject: `Ordrebekræftelse ${ref}`,
    text: `Tak for din ordre ${ref}.`,
    clientReference: ref,
    ...extra,
  } as SendMessageInput;
}

export function client(
  server: FaultApiServer,
  options: ConstructorParameters<typeof MailPlatform>[0] = {},
): MailPlatform {
  return new MailPlatform({
    apiKey: API_KEY,
    baseUrl: server.url,
    backoff: FAST_BACKOFF,
    random: createPrng(7).next,
    ...options,
  });
}

export type { Outcome };

export function sendAll(
  mp: MailPlatform,
  refs: readonly string[],
  concurrency: number,
  options: Parameters<MailPlatform['messages']['send']>[1] = {},
): Promise<Outcome[]> {
  return sendOutcomes(refs, concurrency, (ref) => mp.messages.send(message(ref), options));
}

export interface Tally {
  delivered: number;
  duplicated: number;
  lost: number;
  /** Rejected with a typed error carrying the key (resubmittable, decisions.md "Outbox"). */
  typedFailed: number;
  succeeded: number;
  replayed: number;
  lostRefs: string[];
}

/**
 * The invariants of reliability.md over ground truth: delivered = the server holds the ref;
 * duplicated = a key stored twice or a ref with two ids; lost = a success the server does not hold,
 * or a failure that is not a typed error carrying its idempotency key.
 */
export function tally(server: FaultApiServer, outcomes: readonly Outcome[]): Tally {
  const ids = server.truth.idsPerRef();
  const lostRefs: string[] = [];
  let succeeded = 0;
  let typedFailed = 0;
  let replayed = 0;
  for (const outcome of outcomes) {
    if (outcome === undefined) continue;
    if (outcome.ok) {
      succeeded++;
      if (outcome.replayed) replayed++;
      if (!server.truth.hasMessage(outcome.id) || !ids.get(outcome.ref)?.has(outcome.id))
        lostRefs.push(outcome.ref);
    } else if (isMailPlatformError(outcome.error) && typeof outcome.key === 'string' && outcome.key !== '') {
      typedFailed++;
    } else {
      lostRefs.push(outcome.ref);
    }
  }
  const missing = outcomes.length - outcomes.filter((o) => o !== undefined).length;
  return {
    delivered: outcomes.filter((o) => o !== undefined && ids.has(o.ref)).length,
    duplicated: server.truth.duplicates().length,
    lost: lostRefs.length + missing,
    typedFailed,
    succeeded,
    replayed,
    lostRefs,
  };
}

/** The outbox's drain, done by hand: resubmit every typed failure with its own idempotency key. */
export async function drain(mp: MailPlatform, outcomes: Outcome[], concurrency: number): Promise<number> {
  const failed = outcomes.map((o, i) => [o, i] as const).filter(([o]) => !o.ok);
  await runPool(failed, concurrency, async ([outcome, index]) => {
    if (outcome.ok || outcome.key === undefined) return;
    const result = await mp.messages.send(message(outcome.ref), { idempotencyKey: outcome.key });
    outcomes[index] = {
      ref: outcome.ref,
      ok: true,
      id: result.id,
      key: result.idempotencyKey,
      replayed: result.replayed,
    };
  });
  return failed.length;
}

export function refs(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
}
