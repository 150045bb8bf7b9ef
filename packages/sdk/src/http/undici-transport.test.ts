import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as undici from 'undici';
import { Agent, EnvHttpProxyAgent, MockAgent, ProxyAgent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AbortError, ConnectionError, NotFoundError, TimeoutError } from '../errors.js';
import { resolveOptions } from '../options.js';
import { HttpClient } from './http-client.js';
import { chooseDispatcher, createDispatcher, createUndiciTransport } from './undici-transport.js';

const KEY = 'mp_test_undiciKey0001';
const noSleep = { now: () => 0, sleep: async () => {} };

describe('undici transport with MockAgent', () => {
  const mockAgent = new MockAgent();
  mockAgent.disableNetConnect();
  const pool = mockAgent.get('https://api.mailplatform.test');
  afterAll(() => mockAgent.close());

  it('sends method, path, headers and body and reads status, headers and JSON', async () => {
    let seenHeaders: Record<string, string> = {};
    let seenBody = '';
    pool.intercept({ path: '/v1/messages?tag=a&tag=b', method: 'POST' }).reply(
      202,
      (options) => {
        seenHeaders = options.headers as Record<string, string>;
        seenBody = String(options.body);
        return { id: 'msg_1' };
      },
      {
        headers: {
          'x-request-id': 'req_u1',
          'idempotent-replayed': 'true',
          'content-type': 'application/json',
        },
      },
    );
    const transport = createUndiciTransport({ dispatcher: mockAgent });
    const client = new HttpClient(
      resolveOptions({ apiKey: KEY, baseUrl: 'https://api.mailplatform.test', clock: noSleep }),
      transport,
    );
    const result = await client.request({
      method: 'POST',
      path: '/messages',
      query: { tag: ['a', 'b'] },
      body: { x: 1 },
    });
    expect(result).toMatchObject({
      data: { id: 'msg_1' },
      status: 202,
      requestId: 'req_u1',
      replayed: true,
      attempts: 1,
    });
    expect(seenBody).toBe('{"x":1}');
    expect(seenHeaders.authorization).toBe(`Bearer ${KEY}`);
    expect(seenHeaders['idempotency-key']).toBe(result.idempotencyKey);
    expect(seenHeaders['x-mp-retry-count']).toBe('0');
    await transport.close();
  });

  it('maps errors through the same factory and retries a reset connection', async () => {
    pool
      .intercept({ path: '/v1/messages/msg_x', method: 'GET' })
      .reply(404, { code: 'not_found', detail: 'No such message' });
    pool
      .intercept({ path: '/v1/me', method: 'GET' })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    pool.intercept({ path: '/v1/me', method: 'GET' }).reply(200, { mode: 'test' });
    const client = new HttpClient(
      resolveOptions({ apiKey: KEY, baseUrl: 'https://api.mailplatform.test', clock: noSleep }),
      createUndiciTransport({ dispatcher: mockAgent }),
    );
    const error = await client.request({ method: 'GET', path: '/messages/msg_x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toBe('404 not_found: No such message');
    const me = await client.request({ method: 'GET', path: '/me' });
    expect(me).toMatchObject({ data: { mode: 'test' }, attempts: 2 });
  });
});

describe('undici transport against a real node:http server', () => {
  let server: Server;
  let baseUrl: string;
  const sockets = new Set<unknown>();
  const seen: { url: string; retry: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', retry: req.headers['x-mp-retry-count'] as string | undefined });
      req.resume();
      req.on('end', () => {
        if (req.url === '/v1/hang-headers') return;
        if (req.url === '/v1/hang-body') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"partial":');
          return;
        }
        res.writeHead(req.url === '/v1/boom' ? 500 : 200, {
          'content-type': 'application/json',
          'x-request-id': 'req_real',
        });
        res.end(JSON.stringify({ ok: true, url: req.url }));
      });
    });
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reuses keep-alive sockets across sequential requests and closes cleanly', async () => {
    const transport = createUndiciTransport();
    await transport.load();
    const client = new HttpClient(resolveOptions({ apiKey: KEY, baseUrl, clock: noSleep }), transport);
    for (let i = 0; i < 10; i++) {
      const result = await client.request<{ url: string }>({ method: 'GET', path: '/me', query: { i } });
      expect(result.data.url).toBe(`/v1/me?i=${i}`);
      expect(result.requestId).toBe('req_real');
    }
    const error = await client
      .request({ method: 'GET', path: '/boom', options: { maxRetries: 1 } })
      .catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(500);
    expect(seen.filter((s) => s.url === '/v1/boom').map((s) => s.retry)).toEqual(['0', '1']);
    // 12 requests over at most 2 sockets (undici may open a second one while the first is being released).
    expect(seen).toHaveLength(12);
    expect(sockets.size).toBeGreaterThanOrEqual(1);
    expect(sockets.size).toBeLessThanOrEqual(2);
    await client.close();
  });

  it('sends through the global fetch until undici has loaded, then through undici', async () => {
    const realFetch = globalThis.fetch;
    const fetchSpy = vi.fn((input: string | URL | Request, init?: RequestInit) => realFetch(input, init));
    vi.stubGlobal('fetch', fetchSpy);
    const transport = createUndiciTransport();
    const client = new HttpClient(resolveOptions({ apiKey: KEY, baseUrl, clock: noSleep }), transport);
    const first = await client.request<{ url: string }>({ method: 'GET', path: '/me', query: { n: 1 } });
    expect(first.data.url).toBe('/v1/me?n=1');
    expect(first.requestId).toBe('req_real');
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(fetchSpy.mock.calls[0]![1]).toMatchObject({ method: 'GET', redirect: 'manual' });
    await transport.load();
    const second = await client.request<{ url: string }>({ method: 'GET', path: '/me', query: { n: 2 } });
    expect(second.data.url).toBe('/v1/me?n=2');
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    await client.close();
  });

  it('never falls back to fetch when a dispatcher, proxy or CA is configured', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('global fetch must not be used')));
    vi.stubGlobal('fetch', fetchSpy);
    const agent = new Agent();
    const client = new HttpClient(
      resolveOptions({ apiKey: KEY, baseUrl, clock: noSleep }),
      createUndiciTransport({ dispatcher: agent }),
    );
    const result = await client.request<{ url: string }>({ method: 'GET', path: '/me' });
    expect(result.data.url).toBe('/v1/me');
    expect(fetchSpy).not.toHaveBeenCalled();
    await agent.close();
  });

  for (const loaded of [false, true]) {
    const path = loaded ? 'undici' : 'the fetch fallback';
    const setup = async (options: { deadline?: number } = {}) => {
      const transport = createUndiciTransport();
      if (loaded) await transport.load();
      const clock = options.deadline === undefined ? { clock: noSleep } : {};
      const client = new HttpClient(
        resolveOptions({ apiKey: KEY, baseUrl, maxRetries: 0, ...clock, ...options }),
        transport,
      );
      return client;
    };

    it(`times out waiting for the headers as TimeoutError (${path})`, async () => {
      const client = await setup();
      const error = await client
        .request({ method: 'GET', path: '/hang-headers', options: { timeout: 50 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ code: 'timeout', attempts: 1 });
      expect((error as Error).message).toBe('GET /v1/hang-headers timed out after 50 ms (attempt 1)');
      await client.close();
    });

    it(`times out a body that never ends as TimeoutError (${path})`, async () => {
      const client = await setup();
      const error = await client
        .request({ method: 'GET', path: '/hang-body', options: { timeout: 50 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ code: 'timeout', attempts: 1 });
      await client.close();
    });

    it(`stops at the deadline with deadline_exceeded (${path})`, async () => {
      const client = await setup({ deadline: 50 });
      const error = await client
        .request({ method: 'GET', path: '/hang-headers', options: { timeout: 10_000 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ code: 'deadline_exceeded', attempts: 1 });
      await client.close();
    });

    it(`turns the caller's abort into AbortError (${path})`, async () => {
      const client = await setup();
      const controller = new AbortController();
      const pending = client
        .request({ method: 'GET', path: '/hang-headers', options: { signal: controller.signal } })
        .catch((e: unknown) => e);
      setTimeout(() => controller.abort(new Error('stop')), 20);
      const error = await pending;
      expect(error).toBeInstanceOf(AbortError);
      expect(error).toMatchObject({ code: 'aborted' });
      await client.close();
    });
  }

  it('reports a refused connection as ConnectionError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const transport = createUndiciTransport();
    const client = new HttpClient(
      resolveOptions({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, clock: noSleep, maxRetries: 1 }),
      transport,
    );
    const error = await client.request({ method: 'GET', path: '/me' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('connection_failed');
    expect((error as ConnectionError).attempts).toBe(2);
    await transport.close();
  });
});

describe('dispatcher selection', () => {
  it('chooses a plain agent, the proxy option, or the proxy environment', () => {
    expect(chooseDispatcher(undefined)).toEqual({ kind: 'agent' });
    expect(
      chooseDispatcher(resolveOptions({ apiKey: KEY, proxy: 'http://proxy.test:3128' }, {}).proxy),
    ).toEqual({
      kind: 'proxy',
      uri: 'http://proxy.test:3128',
    });
    expect(
      chooseDispatcher(
        resolveOptions({ apiKey: KEY }, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1' }).proxy,
      ),
    ).toEqual({ kind: 'env-proxy', httpProxy: undefined, httpsProxy: 'http://p:1', noProxy: '127.0.0.1' });
    expect(chooseDispatcher(resolveOptions({ apiKey: KEY }, { NO_PROXY: '*' }).proxy)).toEqual({
      kind: 'agent',
    });
  });

  it('builds the matching undici dispatcher without touching the network', async () => {
    const agent = createDispatcher(undici, { ca: ['PEM'] });
    const proxy = createDispatcher(undici, { proxy: { url: 'http://proxy.test:3128' } });
    const env = createDispatcher(undici, { proxy: { httpProxy: 'http://proxy.test:3128' } });
    expect(agent).toBeInstanceOf(Agent);
    expect(proxy).toBeInstanceOf(ProxyAgent);
    expect(env).toBeInstanceOf(EnvHttpProxyAgent);
    await Promise.all([agent.close(), proxy.close(), env.close()]);
  });
});
