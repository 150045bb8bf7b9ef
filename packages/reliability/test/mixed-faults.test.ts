import { isMailPlatformError } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFault,
  createFaultApiServer,
  type FaultApiServer,
  randomFaults,
} from '../src/fault-api-server.js';
import { createScaledClock } from '../src/scaled-clock.js';
import { API_KEY, client, drain, refs, report, SOAK, seeded, sendAll, tally } from './helpers.js';

const prng = seeded('mixed');
/** `npm run soak`: the nightly size of reliability.md (N = 50,000, mixed faults at 15%). */
const N = SOAK ? 50_000 : 2_000;
const clock = createScaledClock(10);
const share = 0.15 / 10;
const faults: ApiFault[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 503, headers: { 'retry-after': '1' } },
  { kind: 'status', status: 504 },
  { kind: 'status', status: 429, headers: { 'retry-after-ms': '20' } },
  { kind: 'status', status: 408 },
  { kind: 'status', status: 400, headers: { 'x-should-retry': 'true' } },
  { kind: 'commit-then-reset' },
  { kind: 'commit-then-hang', ms: 1_000 },
  { kind: 'slow-commit', ms: 400 },
];
const mix = faults.map((fault) => [share, fault] as const);
let server: FaultApiServer;

beforeAll(async () => {
  server = await createFaultApiServer({
    apiKey: API_KEY,
    now: clock.now,
    faults: randomFaults((ref, attempt) => prng.at('mixed', ref, attempt), mix),
  });
});
afterAll(() => server.close());

describe('mixed faults at 15%: 5xx, 429, 408, x-should-retry, reset and hang after commit, 409 in flight', () => {
  it(`${N} sends: 0 duplicated, 0 lost; the drain delivers every typed failure`, {
    timeout: SOAK ? 1_800_000 : 120_000,
  }, async () => {
    const mp = client(server, { clock, timeout: 250, maxRetries: 3 });
    const outcomes = await sendAll(mp, refs('mixed', N), 50);
    const first = tally(server, outcomes);
    expect(first).toMatchObject({ duplicated: 0, lost: 0 });
    expect(first.succeeded + first.typedFailed).toBe(N);
    for (const outcome of outcomes) if (!outcome.ok) expect(isMailPlatformError(outcome.error)).toBe(true);
    const attempts = server.truth.requests;

    await mp.close();

    // The outbox drains later, with its own timeouts: wait for the held commits to finish rather than
    // racing their timers, and resend with the default attempt timeout.
    server.setFaults(undefined);
    await server.idle();
    const outbox = client(server);
    const drained = await drain(outbox, outcomes, 20);
    await outbox.close();
    const final = tally(server, outcomes);
    expect(final).toMatchObject({ delivered: N, duplicated: 0, lost: 0, succeeded: N });
    report({
      scenario: SOAK ? 'soak (mixed 15%)' : 'mixed 15%',
      n: N,
      seed: prng.seed,
      delivered: final.delivered,
      duplicated: final.duplicated,
      lost: final.lost,
      attemptsPerSend: attempts / N,
      extra: { typedFailed: first.typedFailed, drained, replayed: first.replayed },
    });
  });
});
