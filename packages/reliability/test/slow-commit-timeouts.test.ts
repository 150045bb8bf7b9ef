import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { isMailPlatformError } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer, type FaultApiServer, randomFaults } from '../src/fault-api-server.js';
import { createPrng } from '../src/prng.js';
import { runPool } from '../src/run-pool.js';
import { API_KEY, client, message, refs } from './helpers.js';

/*
 * The fault server runs in the client's process, on its event loop. When that loop stalls (garbage
 * collection, CPU taken by other test files, the SDK loading undici), Node runs the expired attempt
 * timers before it reads the sockets, so answers that already arrived used to be thrown away as
 * timeouts. Here the stall is made deterministic: right after the server has written answer
 * #STALL_AFTER[i], the loop is blocked for longer than the attempt timeout.
 */
const N = 400;
const TIMEOUT = 250;
const STALL_MS = TIMEOUT + 50;
const STALL_AFTER = new Set([60, 200, 330]);
const prng = createPrng(20_261_127);
const held = new Set<string>();
let server: FaultApiServer;

const finished = new Set<string>();
const resolved = new Set<string>();
/** Keys the server had answered, but the client had not read yet, when a stall began. */
const answeredUnread = new Set<string>();
let answers = 0;
const onFinish = (message: unknown): void => {
  const key = (message as { request: IncomingMessage }).request.headers['idempotency-key'];
  if (typeof key !== 'string') return;
  finished.add(key);
  if (!STALL_AFTER.has(++answers)) return;
  setImmediate(() => {
    for (const answered of finished) if (!resolved.has(answered)) answeredUnread.add(answered);
    const until = performance.now() + STALL_MS;
    while (performance.now() < until) {
      // a stalled event loop
    }
  });
};

beforeAll(async () => {
  const slowCommits = randomFaults(
    (ref, attempt) => prng.at('slow', ref, attempt),
    [[0.03, { kind: 'slow-commit', ms: 400 }]],
  );
  server = await createFaultApiServer({
    apiKey: API_KEY,
    faults: (context) => {
      const fault = slowCommits(context);
      if (fault !== undefined) held.add(context.ref);
      return fault;
    },
  });
  diagnostics.subscribe('http.server.response.finish', onFinish);
});
afterAll(async () => {
  diagnostics.unsubscribe('http.server.response.finish', onFinish);
  await server.close();
});

describe('slow commits (3% held 400 ms) and event-loop stalls against a 250 ms attempt timeout', () => {
  it(`${N} sends at concurrency 50: only held answers time out, never one the server had written`, {
    timeout: 60_000,
  }, async () => {
    const mp = client(server, { timeout: TIMEOUT, maxRetries: 0 });
    const timedOut = new Set<string>();
    await runPool(refs('stall', N), 50, async (ref) => {
      try {
        const result = await mp.messages.send(message(ref));
        resolved.add(result.idempotencyKey);
      } catch (error) {
        if (!isMailPlatformError(error) || error.idempotencyKey === undefined) throw error;
        resolved.add(error.idempotencyKey);
        expect(error).toMatchObject({ code: 'timeout', attempts: 1, retryable: true });
        timedOut.add(error.idempotencyKey);
      }
    });
    await mp.close();

    // the stalls did catch written but unread answers, so the scenario can fail
    expect(answers).toBeGreaterThan(Math.max(...STALL_AFTER));
    expect(answeredUnread.size).toBeGreaterThan(0);
    expect([...answeredUnread].filter((key) => timedOut.has(key))).toEqual([]);
    // the timeouts left are held answers (400 ms > 250 ms) or requests the stalled server had not read
    expect(held.size).toBeGreaterThan(0);
    expect(timedOut.size).toBeGreaterThan(0);
    expect(server.truth.duplicates()).toEqual([]);
  });
});
