import { ServerError } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer, type FaultApiServer } from '../src/fault-api-server.js';
import { runPool } from '../src/run-pool.js';
import { API_KEY, client, drain, message, type Outcome, report, seeded, tally } from './helpers.js';

const prng = seeded('S5');
const SENDERS = 50;
/**
 * The outage lasts for this many sends, then the test switches it off (reliability.md says 10 s; the
 * budget, not the clock, bounds the retries). 34 failing sends with 3 retries each would already
 * exhaust the 500 tokens; the rest show that the client then fails fast, whatever the machine's speed.
 */
const OUTAGE_SENDS = 500;
let server: FaultApiServer;

beforeAll(async () => {
  server = await createFaultApiServer({ apiKey: API_KEY, recordAttempts: true });
});
afterAll(() => server.close());

describe('S5 outage vs the retry budget: 50 senders, 100% 503, then healthy', () => {
  it('retries during the outage stay within the 500-token budget (≤ 100), then the drain loses nothing', {
    timeout: 120_000,
  }, async () => {
    const mp = client(server, { maxRetries: 3 });
    const outcomes: Outcome[] = [];
    server.outage = true;
    let next = 0;
    await runPool(Array.from({ length: SENDERS }), SENDERS, async () => {
      while (next < OUTAGE_SENDS) {
        const ref = `s5-${next++}`;
        try {
          const result = await mp.messages.send(message(ref));
          outcomes.push({
            ref,
            ok: true,
            id: result.id,
            key: result.idempotencyKey,
            replayed: result.replayed,
          });
        } catch (error) {
          expect(error).toBeInstanceOf(ServerError);
          expect(error).toMatchObject({ status: 503, retryable: true });
          outcomes.push({ ref, ok: false, error, key: (error as ServerError).idempotencyKey });
        }
      }
    });
    server.outage = false;
    const during = server.truth.attempts.filter((a) => a.duringOutage);
    const initial = during.filter((a) => a.retryCount === 0).length;
    const retries = during.length - initial;
    expect(outcomes.length).toBe(OUTAGE_SENDS);
    expect(initial).toBe(OUTAGE_SENDS);
    expect(retries).toBeLessThanOrEqual(100);
    // no call succeeded, so nothing was refunded: the budget was spent to the last token
    expect(retries).toBe(100);
    expect(outcomes.every((o) => !o.ok)).toBe(true);

    const drained = await drain(mp, outcomes, SENDERS);
    await mp.close();
    const final = tally(server, outcomes);
    expect(final).toMatchObject({
      delivered: outcomes.length,
      duplicated: 0,
      lost: 0,
      succeeded: outcomes.length,
    });
    report({
      scenario: 'S5',
      n: outcomes.length,
      seed: prng.seed,
      delivered: final.delivered,
      duplicated: final.duplicated,
      lost: final.lost,
      attemptsPerSend: server.truth.requests / outcomes.length,
      extra: { outageInitialAttempts: initial, outageRetries: retries, drained },
    });
  });
});
