import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer, type FaultApiServer, randomFaults } from '../src/fault-api-server.js';
import { API_KEY, client, refs, report, SOAK, seeded, sendAll, tally } from './helpers.js';

const prng = seeded('S2');
const N = SOAK ? 20_000 : 2_000;
let server: FaultApiServer;

beforeAll(async () => {
  server = await createFaultApiServer({
    apiKey: API_KEY,
    faults: randomFaults(
      (ref, attempt) => prng.at('s2', ref, attempt),
      [[0.1, { kind: 'commit-then-reset' }]],
    ),
  });
});
afterAll(() => server.close());

describe('S2 commit then reset: 10% of POSTs are stored, then the socket is destroyed', () => {
  it(`every retry replays: ${N} delivered exactly once, 10 ± 3% replayed`, { timeout: 120_000 }, async () => {
    const mp = client(server);
    const outcomes = await sendAll(mp, refs('s2', N), 50);
    await mp.close();
    const result = tally(server, outcomes);
    const failures = outcomes.filter((o) => !o.ok);
    expect(failures).toEqual([]);
    expect(result).toMatchObject({ delivered: N, duplicated: 0, lost: 0, succeeded: N });
    for (const [key, count] of server.truth.commitsPerKey()) expect([key, count]).toEqual([key, 1]);
    const replayedShare = result.replayed / N;
    expect(replayedShare).toBeGreaterThanOrEqual(0.07);
    expect(replayedShare).toBeLessThanOrEqual(0.13);
    report({
      scenario: 'S2',
      n: N,
      seed: prng.seed,
      delivered: result.delivered,
      duplicated: result.duplicated,
      lost: result.lost,
      attemptsPerSend: server.truth.requests / N,
      extra: { replayed: `${(replayedShare * 100).toFixed(1)}%` },
    });
  });
});
