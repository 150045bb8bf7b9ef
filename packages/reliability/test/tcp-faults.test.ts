import { ConnectionError, MailPlatform, TimeoutError } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer, type FaultApiServer } from '../src/fault-api-server.js';
import { createTcpFaultProxy, type TcpFaultProxy } from '../src/tcp-fault-proxy.js';
import { API_KEY, FAST_BACKOFF, message, seeded } from './helpers.js';

seeded('tcp');
let server: FaultApiServer;
let proxy: TcpFaultProxy;

beforeAll(async () => {
  server = await createFaultApiServer({ apiKey: API_KEY });
  proxy = await createTcpFaultProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

const viaProxy = (options: { timeout?: number; maxRetries?: number } = {}) =>
  new MailPlatform({ apiKey: API_KEY, baseUrl: proxy.url, backoff: FAST_BACKOFF, ...options });

describe('TCP faults between the SDK and the API', () => {
  it('refused connections: retried, then ConnectionError with the key; nothing reached the server', async () => {
    await proxy.setRefusing(true);
    const mp = viaProxy({ maxRetries: 2 });
    const requests = server.truth.requests;
    const error = await mp.messages.send(message('tcp-refused')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'connection_failed', attempts: 3, retryable: true });
    expect((error as ConnectionError).idempotencyKey).toMatch(/^mpk_/);
    expect(server.truth.requests).toBe(requests);
    await proxy.setRefusing(false);
    const result = await mp.messages.send(message('tcp-refused'), {
      idempotencyKey: (error as ConnectionError).idempotencyKey,
    });
    expect(server.truth.idsPerRef().get('tcp-refused')).toEqual(new Set([result.id]));
    await mp.close();
  });

  it('a reset after the request was forwarded: the retry replays, one message stored', async () => {
    const first = proxy.connections;
    proxy.setMode((connection) =>
      connection === first ? { kind: 'reset-after', bytes: 0 } : { kind: 'pass' },
    );
    const mp = viaProxy();
    const result = await mp.messages.send(message('tcp-reset'));
    await mp.close();
    expect(result.replayed).toBe(true);
    expect(server.truth.commitsPerKey().get(result.idempotencyKey)).toBe(1);
    expect(server.truth.attemptsPerRef().get('tcp-reset')).toBe(2);
  });

  it('a black hole: every attempt times out, TimeoutError carries the key, the server saw nothing', async () => {
    proxy.setMode(() => ({ kind: 'black-hole' }));
    const mp = viaProxy({ timeout: 150, maxRetries: 1 });
    const requests = server.truth.requests;
    const error = await mp.messages.send(message('tcp-black-hole')).catch((e: unknown) => e);
    await mp.close();
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'timeout', attempts: 2, retryable: true });
    expect(server.truth.requests).toBe(requests);
    proxy.setMode(() => ({ kind: 'pass' }));
  });
});
