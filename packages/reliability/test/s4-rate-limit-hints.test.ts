import { RateLimitError } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer, type FaultApiServer, randomFaults } from '../src/fault-api-server.js';
import { createScaledClock } from '../src/scaled-clock.js';
import { API_KEY, client, drain, refs, report, SOAK, seeded, sendAll, tally } from './helpers.js';

const prng = seeded('S4');
const N = SOAK ? 10_000 : 1_000;
/** Virtual time runs 10× faster: `Retry-After: 1` is waited as 100 ms of real time. */
const clock = createScaledClock(10);
let server: FaultApiServer;

beforeAll(async () => {
  server = await createFaultApiServer({
    apiKey: API_KEY,
    now: clock.now,
    recordAttempts: true,
    faults: randomFaults(
      (ref, attempt) => prng.at('s4', ref, attempt),
      [
        [0.1425, { kind: 'status', status: 429, code: 'rate_limited', headers: { 'retry-after-ms': '50' } }],
        [0.1425, { kind: 'status', status: 429, code: 'rate_limited', headers: { 'retry-after': '1' } }],
        // 5% of the 429s ask for more than maxRetryAfter (60 s)
        [0.015, { kind: 'status', status: 429, code: 'rate_limited', headers: { 'retry-after': '120' } }],
      ],
    ),
  });
});
afterAll(() => server.close());

describe('S4 429 with hints: 30% of attempts, retry-after-ms: 50 or Retry-After: 1, 5% of them > 60 s', () => {
  it(`${N} sends wait at least the hint, fail fast above 60 s, and lose nothing`, {
    timeout: 120_000,
  }, async () => {
    // The deadline runs on the 10× clock: 60 s would be 6 s of real time, which a loaded machine could
    // reach. An hour of virtual time keeps the outcome independent of machine speed.
    const mp = client(server, { clock, deadline: 3_600_000 });
    const outcomes = await sendAll(mp, refs('s4', N), 50);
    const first = tally(server, outcomes);
    expect(first).toMatchObject({ duplicated: 0, lost: 0 });

    // every wait ≥ hint − 5 ms, measured between the 429 and the next attempt on the server's clock
    // (the test clock: a sleep ends only once that clock has advanced by the hint, so load can only
    // lengthen a wait, never shorten it)
    const byRef = new Map<string, typeof server.truth.attempts>();
    for (const attempt of server.truth.attempts)
      byRef.set(attempt.ref, [...(byRef.get(attempt.ref) ?? []), attempt]);
    let waits = 0;
    let shortWaits = 0;
    let longHints = 0;
    for (const attempts of byRef.values()) {
      attempts.forEach((attempt, i) => {
        const next = attempts[i + 1];
        if (attempt.outcome !== 429 || attempt.hintMs === undefined) return;
        if (attempt.hintMs > 60_000) {
          longHints++;
          expect(next).toBeUndefined();
          return;
        }
        if (next === undefined) return;
        waits++;
        if (next.at - attempt.at < attempt.hintMs - 5) shortWaits++;
      });
    }
    expect(waits).toBeGreaterThan(N * 0.2);
    expect(shortWaits).toBe(0);

    const fastFailed = outcomes.filter(
      (o) => !o.ok && o.error instanceof RateLimitError && o.error.retryAfterMs === 120_000,
    );
    expect(longHints).toBeGreaterThan(0);
    expect(fastFailed.length).toBe(longHints);
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        expect(outcome.error).toBeInstanceOf(RateLimitError);
        expect((outcome.error as RateLimitError).retryable).toBe(true);
      }
    }

    server.setFaults(undefined);
    const drained = await drain(mp, outcomes, 10);
    await mp.close();
    const final = tally(server, outcomes);
    expect(final).toMatchObject({ delivered: N, duplicated: 0, lost: 0, succeeded: N });
    report({
      scenario: 'S4',
      n: N,
      seed: prng.seed,
      delivered: final.delivered,
      duplicated: final.duplicated,
      lost: final.lost,
      attemptsPerSend: (server.truth.requests - drained) / N,
      extra: { waitsChecked: waits, failedFastOver60s: fastFailed.length, drained },
    });
  });
});
