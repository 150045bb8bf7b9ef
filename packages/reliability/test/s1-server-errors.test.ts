import { ServerError } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer, type FaultApiServer, randomFaults } from '../src/fault-api-server.js';
import { API_KEY, client, drain, refs, report, SOAK, seeded, sendAll, tally } from './helpers.js';

const prng = seeded('S1');
const N = SOAK ? 50_000 : 2_000;
let server: FaultApiServer;

beforeAll(async () => {
  server = await createFaultApiServer({
    apiKey: API_KEY,
    faults: randomFaults(
      (ref, attempt) => prng.at('s1', ref, attempt),
      [500, 502, 503, 504].map((status) => [0.05, { kind: 'status', status }] as const),
    ),
  });
});
afterAll(() => server.close());

describe('S1 5xx storm: 20% of attempts get 500/502/503/504, maxRetries 3', () => {
  it(`delivers all ${N} exactly once and retries within 1.30 attempts per send`, {
    timeout: 120_000,
  }, async () => {
    const mp = client(server, { maxRetries: 3 });
    const outcomes = await sendAll(mp, refs('s1', N), 50);
    const first = tally(server, outcomes);
    const attempts = server.truth.requests;
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        expect(outcome.error).toBeInstanceOf(ServerError);
        expect(outcome.error).toMatchObject({ retryable: true, attempts: 4, idempotencyKey: outcome.key });
      }
    }
    expect(first.lost).toBe(0);
    expect(first.duplicated).toBe(0);
    expect(first.succeeded + first.typedFailed).toBe(N);
    expect(attempts / N).toBeLessThanOrEqual(1.3);

    server.setFaults(undefined);
    const drained = await drain(mp, outcomes, 10);
    const final = tally(server, outcomes);
    await mp.close();
    expect(drained).toBe(first.typedFailed);
    expect(final).toMatchObject({ delivered: N, duplicated: 0, lost: 0, succeeded: N });
    report({
      scenario: 'S1',
      n: N,
      seed: prng.seed,
      delivered: final.delivered,
      duplicated: final.duplicated,
      lost: final.lost,
      attemptsPerSend: attempts / N,
      extra: { exhausted: first.typedFailed, drained },
    });
  });
});
