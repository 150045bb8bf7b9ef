import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { isMailPlatformError, type MailPlatform } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer, type FaultApiServer, type FaultRule } from '../src/fault-api-server.js';
import { runPool } from '../src/run-pool.js';
import { API_KEY, client, message, refs } from './helpers.js';

/*
 * Nothing here races a timer against machine speed. The attempt timeout is 3 s, far above any answer
 * time on a loaded machine, so only two deliberate things can make an attempt expire:
 * - a held commit: the server keeps the answer until the client has reported the attempt's timeout
 *   (an event), so held keys always time out and nothing else has to;
 * - a stall: the fault server shares the client's event loop. After a stall, Node runs the expired
 *   attempt timers before it reads the sockets, so answers that had already arrived used to be thrown
 *   away as timeouts. The stall is reproduced exactly: the server answers STALLED requests together,
 *   and in the same tick, with the bytes on the sockets and none read, the loop is blocked until every
 *   one of their timers is past due.
 */
const N = 400;
const TIMEOUT = 3_000;
/** Held keys start together (all in the first pool round), so the phase waits for one timeout only. */
const HELD = new Set(refs('held', 50).filter((_, i) => i % 4 === 0));
const STALLED = refs('stalled', 10);

let server: FaultApiServer;
let mp: MailPlatform;
const resolved = new Set<string>();
const keyOf = new Map<string, string>();
const releases = new Map<string, () => void>();

/** Blocks the event loop without spinning a core. */
function blockLoopUntil(until: number): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (let left = until - performance.now(); left > 0; left = until - performance.now()) {
    Atomics.wait(cell, 0, 0, Math.ceil(left));
  }
}

beforeAll(async () => {
  server = await createFaultApiServer({ apiKey: API_KEY });
  mp = client(server, { timeout: TIMEOUT, maxRetries: 0 });
  // The SDK loads undici after its first answer (a synchronous module load that stalls the loop);
  // two sends in a row make that happen before the scenario starts.
  await mp.messages.send(message('warm-up-1'));
  await mp.messages.send(message('warm-up-2'));
});
afterAll(async () => {
  await mp.close();
  await server.close();
});

/** One send; a failure must be the attempt's timeout, carrying its key. */
async function sendOne(ref: string, timedOut: Set<string>): Promise<void> {
  try {
    const result = await mp.messages.send(message(ref));
    resolved.add(result.idempotencyKey);
  } catch (error) {
    if (!isMailPlatformError(error) || error.idempotencyKey === undefined) throw error;
    resolved.add(error.idempotencyKey);
    expect(error).toMatchObject({ code: 'timeout', attempts: 1, retryable: true });
    timedOut.add(ref);
    releases.get(ref)?.();
  }
}

describe(`slow commits and event-loop stalls against a ${TIMEOUT} ms attempt timeout`, () => {
  it(`${N} sends at concurrency 50, ${HELD.size} held until their attempt has timed out: exactly the held keys time out`, {
    timeout: 60_000,
  }, async () => {
    const held: FaultRule = ({ ref }) => {
      if (!HELD.has(ref)) return undefined;
      const until = new Promise<void>((resolve) => releases.set(ref, resolve));
      return { kind: 'slow-commit', until };
    };
    server.setFaults(held);
    const all = [...HELD, ...refs('slow', N - HELD.size)];
    const timedOut = new Set<string>();
    await runPool(all, 50, (ref) => sendOne(ref, timedOut));
    await server.idle();

    expect([...timedOut].sort()).toEqual([...HELD].sort());
    // a held key was stored once, after its client had gone: delivered, not duplicated
    const ids = server.truth.idsPerRef();
    expect(all.filter((ref) => ids.get(ref)?.size !== 1)).toEqual([]);
    expect(server.truth.duplicates()).toEqual([]);
  });

  it(`${STALLED.length} answers written, then a stall past their timers' due time: none is counted as a timeout`, {
    timeout: 60_000,
  }, async () => {
    let release = (): void => {};
    const barrier = new Promise<void>((resolve) => {
      release = resolve;
    });
    const receivedAt = new Map<string, number>();
    /** Keys the server had answered, but the client had not read, when the stall began. */
    let unreadAtStall: string[] = [];
    let stalledUntil = 0;
    const finished = new Set<string>();
    const onFinish = (event: unknown): void => {
      const key = (event as { request: IncomingMessage }).request.headers['idempotency-key'];
      if (typeof key !== 'string' || ![...keyOf.values()].includes(key)) return;
      finished.add(key);
      if (finished.size < STALLED.length) return;
      unreadAtStall = [...finished].filter((answered) => !resolved.has(answered));
      // each attempt's timer was armed before its request reached the server
      stalledUntil = Math.max(...receivedAt.values()) + TIMEOUT + 100;
      blockLoopUntil(stalledUntil);
    };
    server.setFaults(({ ref, idempotencyKey }) => {
      if (!STALLED.includes(ref) || idempotencyKey === undefined) return undefined;
      receivedAt.set(ref, performance.now());
      keyOf.set(ref, idempotencyKey);
      if (receivedAt.size === STALLED.length) release();
      return { kind: 'slow-commit', until: barrier };
    });
    diagnostics.subscribe('http.server.response.finish', onFinish);
    const timedOut = new Set<string>();
    try {
      await runPool(STALLED, STALLED.length, (ref) => sendOne(ref, timedOut));
    } finally {
      diagnostics.unsubscribe('http.server.response.finish', onFinish);
    }

    // the stall did catch every answer written but unread, past its timer's due time
    expect(unreadAtStall.sort()).toEqual([...keyOf.values()].sort());
    expect([...timedOut]).toEqual([]);
    const ids = server.truth.idsPerRef();
    expect(STALLED.filter((ref) => ids.get(ref)?.size !== 1)).toEqual([]);
    expect(server.truth.duplicates()).toEqual([]);
  });
});
