import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  IdempotencyKeyReusedError,
  InvalidHeaderError,
  MailPlatformError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnprocessableEntityError,
  ValidationError,
} from '../errors.js';
import { type ClientOptions, resolveOptions } from '../options.js';
import { createFetchTransport } from './fetch-transport.js';
import { HttpClient } from './http-client.js';
import { TransportTimeoutError } from './transport-timeout-error.js';
import type { Clock, TimedTransport, TimedTransportRequest, Transport, TransportRequest } from './types.js';

const realFetch = globalThis.fetch;
const KEY = 'mp_test_k3yS3cretValue0001';
const BASE = 'https://api.mailplatform.test';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

function fakeClock(onSleep?: (ms: number) => void) {
  const state = { now: 1_000_000, sleeps: [] as number[] };
  const clock: Clock = {
    now: () => state.now,
    sleep: async (ms, signal) => {
      onSleep?.(ms);
      if (signal?.aborted) throw signal.reason;
      state.sleeps.push(ms);
      state.now += ms;
    },
  };
  return { clock, state };
}

function setup(overrides: ClientOptions = {}, transport?: Transport) {
  const lines: { message: string; fields: unknown }[] = [];
  const fake = fakeClock();
  const options = resolveOptions({
    apiKey: KEY,
    baseUrl: BASE,
    clock: fake.clock,
    random: () => 1,
    logger: { debug: (message, fields) => lines.push({ message, fields }) },
    ...overrides,
  });
  return { client: new HttpClient(options, transport), state: fake.state, lines };
}

/** Answers with `responses` in order (the last one repeats) and records every request. */
function route(
  method: 'get' | 'post' | 'delete',
  path: string,
  responses: (() => Response | Promise<Response>)[],
) {
  const seen: Seen[] = [];
  server.use(
    http[method](`${BASE}/v1${path}`, async ({ request }) => {
      seen.push({
        method: request.method,
        url: new URL(request.url),
        headers: request.headers,
        body: await request.text(),
      });
      const next = responses[Math.min(seen.length - 1, responses.length - 1)]!;
      return next();
    }),
  );
  return seen;
}

const accepted = () =>
  HttpResponse.json(
    { id: 'msg_1', status: 'queued' },
    { status: 202, headers: { 'x-request-id': 'req_ok' } },
  );
const status =
  (code: number, headers: Record<string, string> = {}, body?: object) =>
  () =>
    HttpResponse.json(body ?? { code: `e${code}`, detail: `failed with ${code}` }, {
      status: code,
      headers: { 'content-type': 'application/problem+json', 'x-request-id': `req_${code}`, ...headers },
    });

async function rejection(promise: Promise<unknown>): Promise<MailPlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MailPlatformError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('HttpClient requests', () => {
  it('sends a GET with query, auth, user agent, retry count and timeout headers', async () => {
    const seen = route('get', '/messages', [
      () => HttpResponse.json({ data: [], hasMore: false }, { headers: { 'x-request-id': 'req_list' } }),
    ]);
    const { client } = setup();
    const result = await client.request({
      method: 'GET',
      path: '/messages',
      query: { tag: ['a', 'b'], metadata: { orderId: '42' }, limit: 10, cursor: undefined },
      kind: 'read',
    });
    expect(result).toMatchObject({
      data: { data: [], hasMore: false },
      status: 200,
      requestId: 'req_list',
      idempotencyKey: undefined,
      replayed: false,
      attempts: 1,
    });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request!.method).toBe('GET');
    expect(request!.url.search).toBe('?tag=a&tag=b&metadata[orderId]=42&limit=10');
    expect(request!.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(request!.headers.get('accept')).toBe('application/json');
    expect(request!.headers.get('user-agent')).toMatch(
      /^mailplatform-node\/0\.1\.0 \(node\/\d+\.\d+\.\d+\)$/,
    );
    expect(request!.headers.get('x-mp-retry-count')).toBe('0');
    expect(request!.headers.get('x-mp-timeout')).toBe('15');
    expect(request!.headers.get('idempotency-key')).toBeNull();
    expect(request!.headers.get('content-type')).toBeNull();
  });

  it('sends a POST with a JSON body and a generated mpk_ idempotency key, and reads Idempotent-Replayed', async () => {
    const seen = route('post', '/messages', [
      () => HttpResponse.json({ id: 'msg_1' }, { status: 202, headers: { 'idempotent-replayed': 'true' } }),
    ]);
    const { client } = setup({ userAgent: 'shop/1.0' });
    const result = await client.request({
      method: 'POST',
      path: '/messages',
      body: { to: 'a@b.dk' },
      kind: 'send',
    });
    const [request] = seen;
    expect(JSON.parse(request!.body)).toEqual({ to: 'a@b.dk' });
    expect(request!.headers.get('content-type')).toBe('application/json');
    expect(request!.headers.get('idempotency-key')).toMatch(
      /^mpk_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(request!.headers.get('x-mp-timeout')).toBe('30');
    expect(request!.headers.get('user-agent')).toMatch(/ shop\/1\.0$/);
    expect(result.idempotencyKey).toBe(request!.headers.get('idempotency-key'));
    expect(result.replayed).toBe(true);
    expect(result.data).toEqual({ id: 'msg_1' });
  });

  it("uses the caller's idempotency key and extra headers, and rejects bad ones before sending", async () => {
    const seen = route('post', '/exports', [accepted]);
    const { client } = setup();
    await client.request({
      method: 'POST',
      path: '/exports',
      body: {},
      kind: 'export',
      options: { idempotencyKey: 'order-1042:receipt:v1', headers: { 'X-Trace': 't1' } },
    });
    expect(seen[0]!.headers.get('idempotency-key')).toBe('order-1042:receipt:v1');
    expect(seen[0]!.headers.get('x-trace')).toBe('t1');
    expect(seen[0]!.headers.get('x-mp-timeout')).toBe('60');

    await expect(
      client.request({ method: 'POST', path: '/exports', options: { idempotencyKey: ' padded ' } }),
    ).rejects.toThrow(
      new ValidationError(
        'idempotencyKey must be 1–255 printable ASCII characters without leading or trailing spaces',
        {
          field: 'idempotencyKey',
        },
      ),
    );
    await expect(
      client.request({
        method: 'GET',
        path: '/exports',
        options: { headers: { 'X-Evil': 'a\r\nInjected: 1' } },
      }),
    ).rejects.toThrow(
      new InvalidHeaderError('Header X-Evil contains a control character (CR, LF or NUL)', {
        field: 'headers.X-Evil',
      }),
    );
    await expect(
      client.request({
        method: 'GET',
        path: '/exports',
        options: { headers: { Authorization: 'Bearer x' } },
      }),
    ).rejects.toThrow(
      new ValidationError(
        'Header Authorization is set by the client; use the apiKey and idempotencyKey options instead',
        {
          field: 'headers.Authorization',
        },
      ),
    );
    expect(seen).toHaveLength(1);
  });

  it('rejects a per-request maxRetries that is not a whole number ≥ 0 before any request', async () => {
    const seen = route('get', '/me', [accepted]);
    const { client } = setup();
    for (const maxRetries of [1.5, -1, Number.NaN]) {
      await expect(client.request({ method: 'GET', path: '/me', options: { maxRetries } })).rejects.toThrow(
        new ValidationError(`maxRetries must be a whole number ≥ 0, got ${maxRetries}`, {
          field: 'maxRetries',
        }),
      );
    }
    const error = await rejection(
      client.request({ method: 'GET', path: '/me', options: { maxRetries: 0.5 } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('maxRetries');
    expect(seen).toHaveLength(0);
  });

  it('returns bytes, text and nothing by responseType', async () => {
    server.use(
      http.get(
        `${BASE}/v1/exports/exp_1/download`,
        () => new HttpResponse(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])),
      ),
      http.delete(`${BASE}/v1/webhooks/wh_1`, () => new HttpResponse(null, { status: 204 })),
    );
    const { client } = setup();
    const bytes = await client.request({
      method: 'GET',
      path: '/exports/exp_1/download',
      responseType: 'bytes',
    });
    expect(bytes.data).toEqual(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]));
    const none = await client.request({ method: 'DELETE', path: '/webhooks/wh_1', responseType: 'none' });
    expect(none).toMatchObject({ status: 204, data: undefined, idempotencyKey: undefined });
  });

  it('fails a 2xx whose body is not JSON with invalid_response after one attempt', async () => {
    const seen = route('get', '/me', [() => new HttpResponse('<html>', { status: 200 })]);
    const { client } = setup();
    const error = await rejection(client.request({ method: 'GET', path: '/me' }));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toBe('GET /v1/me answered 200 with a body that is not JSON');
    expect(seen).toHaveLength(1);
  });
});

describe('HttpClient retries', () => {
  it('retries a 5xx storm with the same idempotency key and backoff, then succeeds and refunds the budget', async () => {
    const seen = route('post', '/messages', [status(500), status(502), status(503), accepted]);
    const { client, state } = setup({ maxRetries: 3 });
    const result = await client.request({ method: 'POST', path: '/messages', body: { n: 1 }, kind: 'send' });
    expect(result.attempts).toBe(4);
    expect(result.requestId).toBe('req_ok');
    expect(seen.map((r) => r.headers.get('x-mp-retry-count'))).toEqual(['0', '1', '2', '3']);
    const keys = new Set(seen.map((r) => r.headers.get('idempotency-key')));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBe(result.idempotencyKey);
    expect(seen.every((r) => r.body === '{"n":1}')).toBe(true);
    expect(state.sleeps).toEqual([500, 1000, 2000]);
    expect(client.budget.tokens).toBe(500);
  });

  it('gives up after maxRetries with a ServerError carrying requestId, idempotencyKey and attempts', async () => {
    const seen = route('post', '/messages', [status(503)]);
    const { client } = setup();
    const error = await rejection(client.request({ method: 'POST', path: '/messages', body: {} }));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({
      status: 503,
      code: 'e503',
      requestId: 'req_503',
      attempts: 3,
      retryable: true,
      idempotencyKey: seen[0]!.headers.get('idempotency-key'),
    });
    expect(error.message).toBe('503 e503: failed with 503');
    expect(seen).toHaveLength(3);
    expect(client.budget.tokens).toBe(490);
  });

  it('waits retry-after-ms on a 429', async () => {
    const seen = route('post', '/messages', [status(429, { 'retry-after-ms': '50' }), accepted]);
    const { client, state } = setup();
    const result = await client.request({ method: 'POST', path: '/messages', body: {} });
    expect(result.attempts).toBe(2);
    expect(seen).toHaveLength(2);
    expect(state.sleeps).toEqual([50]);
  });

  it('waits Retry-After seconds on a 429 and on a 409 idempotency_request_in_progress', async () => {
    const seen = route('post', '/messages', [
      status(429, { 'retry-after': '2' }),
      status(409, { 'retry-after': '1' }, { code: 'idempotency_request_in_progress' }),
      accepted,
    ]);
    const { client, state } = setup();
    const result = await client.request({ method: 'POST', path: '/messages', body: {} });
    expect(result.attempts).toBe(3);
    expect(seen).toHaveLength(3);
    expect(state.sleeps).toEqual([2000, 1000]);
  });

  it('fails fast with RateLimitError when the 429 hint exceeds maxRetryAfter', async () => {
    const seen = route('post', '/messages', [
      status(429, { 'retry-after': '120' }, { code: 'rate_limited' }),
    ]);
    const { client, state } = setup();
    const error = await rejection(client.request({ method: 'POST', path: '/messages', body: {} }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(120_000);
    expect(error.retryable).toBe(true);
    expect(error.attempts).toBe(1);
    expect(seen).toHaveLength(1);
    expect(state.sleeps).toEqual([]);
  });

  it.each([
    [400, BadRequestError, {}],
    [401, AuthenticationError, {}],
    [403, PermissionDeniedError, {}],
    [404, NotFoundError, {}],
    [422, UnprocessableEntityError, { code: 'validation_failed' }],
    [422, IdempotencyKeyReusedError, { code: 'idempotency_key_reused' }],
  ] as const)('makes exactly one attempt on %i (%o)', async (code, Class, body) => {
    const seen = route('post', '/messages', [status(code, {}, body)]);
    const { client } = setup();
    const error = await rejection(client.request({ method: 'POST', path: '/messages', body: {} }));
    expect(error.constructor).toBe(Class);
    expect(error).toMatchObject({ status: code, attempts: 1, retryable: false, requestId: `req_${code}` });
    expect(error.idempotencyKey).toMatch(/^mpk_/);
    expect(seen).toHaveLength(1);
  });

  it('obeys x-should-retry in both directions', async () => {
    const retried = route('post', '/messages', [status(400, { 'x-should-retry': 'true' }), accepted]);
    const { client } = setup();
    expect((await client.request({ method: 'POST', path: '/messages', body: {} })).attempts).toBe(2);
    expect(retried).toHaveLength(2);

    const notRetried = route('post', '/templates', [status(503, { 'x-should-retry': 'false' })]);
    const error = await rejection(client.request({ method: 'POST', path: '/templates', body: {} }));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.retryable).toBe(false);
    expect(notRetried).toHaveLength(1);
  });

  it('never sleeps past the deadline: stops with the last error when the next backoff does not fit', async () => {
    const seen = route('post', '/messages', [status(503)]);
    const { client, state } = setup({ maxRetries: 10, deadline: 2_000 });
    const error = await rejection(client.request({ method: 'POST', path: '/messages', body: {} }));
    expect(error).toBeInstanceOf(ServerError);
    expect(state.sleeps).toEqual([500, 1000]);
    expect(error.attempts).toBe(3);
    expect(seen).toHaveLength(3);
  });

  it('counts time spent in attempts against the deadline', async () => {
    const { client, state } = setup({ maxRetries: 10, deadline: 2_000 });
    const seen = route('post', '/messages', [
      () => {
        state.now += 1_600;
        return status(503)();
      },
    ]);
    const error = await rejection(client.request({ method: 'POST', path: '/messages', body: {} }));
    expect(error).toBeInstanceOf(ServerError);
    expect(state.sleeps).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get('x-mp-timeout')).toBe('2');
  });

  it('stops retrying when the retry budget is empty', async () => {
    const seen = route('post', '/messages', [status(503)]);
    const { client } = setup();
    while (client.budget.tryAcquire(1)) {}
    const error = await rejection(client.request({ method: 'POST', path: '/messages', body: {} }));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.retryable).toBe(true);
    expect(error.attempts).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('retries a lost connection once even with maxRetries 0, with the same key', async () => {
    const seen = route('post', '/messages', [() => HttpResponse.error(), accepted]);
    const { client } = setup({ maxRetries: 0 });
    const result = await client.request({ method: 'POST', path: '/messages', body: {} });
    expect(result.attempts).toBe(2);
    expect(seen[0]!.headers.get('idempotency-key')).toBe(seen[1]!.headers.get('idempotency-key'));

    route('post', '/templates', [() => HttpResponse.error()]);
    const error = await rejection(client.request({ method: 'POST', path: '/templates', body: {} }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('connection_lost');
    expect(error.attempts).toBe(2);
  });
});

describe('HttpClient timeouts, aborts and connection failures', () => {
  it('turns a hanging attempt into a TimeoutError and retries it at cost 10', async () => {
    const seen = route('get', '/me', [
      async () => {
        await delay('infinite');
        return HttpResponse.json({});
      },
    ]);
    const { client } = setup({ timeout: 30, maxRetries: 1 });
    const error = await rejection(client.request({ method: 'GET', path: '/me' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'timeout', attempts: 2, retryable: true });
    expect(error.message).toBe('GET /v1/me timed out after 30 ms (attempt 2)');
    expect(seen).toHaveLength(2);
    expect(seen[0]!.headers.get('x-mp-timeout')).toBe('0.03');
    expect(client.budget.tokens).toBe(490);
  });

  it("turns the caller's abort into an AbortError without retrying", async () => {
    const controller = new AbortController();
    const seen = route('post', '/messages', [
      async () => {
        controller.abort(new Error('user navigated away'));
        await delay('infinite');
        return accepted();
      },
    ]);
    const { client } = setup();
    const error = await rejection(
      client.request({ method: 'POST', path: '/messages', body: {}, options: { signal: controller.signal } }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'aborted', attempts: 1, retryable: false });
    expect(error.idempotencyKey).toMatch(/^mpk_/);
    expect(seen).toHaveLength(1);
  });

  it('does not send at all with an already aborted signal, and aborts a backoff sleep', async () => {
    const { client } = setup();
    const error = await rejection(
      client.request({ method: 'GET', path: '/me', options: { signal: AbortSignal.abort() } }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(error.attempts).toBe(0);

    const controller = new AbortController();
    const seen = route('get', '/me', [
      () => {
        controller.abort();
        return status(503)();
      },
    ]);
    const aborted = await rejection(
      client.request({ method: 'GET', path: '/me', options: { signal: controller.signal } }),
    );
    expect(aborted).toBeInstanceOf(AbortError);
    expect(seen).toHaveLength(1);
  });

  it('retries a refused connection (closed port on 127.0.0.1) and then throws ConnectionError', async () => {
    const port = await closedPort();
    const { client, state } = setup({ baseUrl: `http://127.0.0.1:${port}` }, createFetchTransport(realFetch));
    const error = await rejection(client.request({ method: 'POST', path: '/messages', body: {} }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'connection_failed', attempts: 3, retryable: true });
    expect(error.message).toContain('POST /v1/messages failed: could not connect (');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.idempotencyKey).toMatch(/^mpk_/);
    expect(state.sleeps).toEqual([500, 1000]);
  });
});

describe('HttpClient secrets', () => {
  it('never shows the API key in errors, JSON, inspect or logger output', async () => {
    route('post', '/messages', [
      status(500),
      status(401, {}, { code: 'unauthenticated', detail: `Key ${KEY} revoked` }),
    ]);
    const { client, lines } = setup();
    const error = await rejection(client.request({ method: 'POST', path: '/messages', body: {} }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('401 unauthenticated: Key mp_test_…0001 revoked');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]!.message).toMatch(
      /^POST https:\/\/api\.mailplatform\.test\/v1\/messages 500 \(attempt 1, 0 ms, req_500\)$/,
    );
    expect(lines[0]!.fields).toEqual({
      method: 'POST',
      url: `${BASE}/v1/messages`,
      status: 500,
      attempt: 1,
      ms: 0,
      requestId: 'req_500',
    });
    const outputs = [
      error.message,
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      JSON.stringify(lines),
      inspect(client, { depth: 10 }),
      JSON.stringify(client),
    ];
    for (const text of outputs) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('k3yS3cretValue');
    }
  });
});

describe('a transport that enforces the attempt timeout itself', () => {
  function timedTransport(timedImpl: (request: TimedTransportRequest) => Promise<Response>) {
    const plain: TransportRequest[] = [];
    const timed: TimedTransportRequest[] = [];
    const transport: TimedTransport = Object.assign(
      async (request: TransportRequest) => {
        plain.push(request);
        return new Response('{"ok":true}', { status: 200 });
      },
      {
        timed: (request: TimedTransportRequest) => {
          timed.push(request);
          return timedImpl(request);
        },
      },
    );
    return { transport, plain, timed };
  }

  it('gets the attempt timeout instead of a signal when the caller gives none', async () => {
    const { transport, plain, timed } = timedTransport(async () => new Response('{"ok":true}'));
    const { client } = setup({ maxRetries: 0 }, transport);
    const result = await client.request({ method: 'GET', path: '/me', options: { timeout: 1234 } });
    expect(result.data).toEqual({ ok: true });
    expect(plain).toHaveLength(0);
    expect(timed).toHaveLength(1);
    expect(timed[0]).toMatchObject({ method: 'GET', url: `${BASE}/v1/me`, timeoutMs: 1234 });
    expect(timed[0]!.headers['x-mp-timeout']).toBe('1.234');
  });

  it('maps TransportTimeoutError to TimeoutError (timeout) and retries it', async () => {
    const { transport, timed } = timedTransport(async (request) => {
      throw new TransportTimeoutError(request.timeoutMs);
    });
    const { client } = setup({ maxRetries: 1 }, transport);
    const error = await client
      .request({ method: 'GET', path: '/me', options: { timeout: 50 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      code: 'timeout',
      attempts: 2,
      message: 'GET /v1/me timed out after 50 ms (attempt 2)',
    });
    expect(timed).toHaveLength(2);
  });

  it('maps TransportTimeoutError to deadline_exceeded when the deadline set the limit', async () => {
    const { transport, timed } = timedTransport(async (request) => {
      throw new TransportTimeoutError(request.timeoutMs);
    });
    const { client } = setup({ maxRetries: 0 }, transport);
    const error = await client
      .request({ method: 'GET', path: '/me', options: { timeout: 5_000, deadline: 40 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'deadline_exceeded', attempts: 1 });
    expect(timed[0]!.timeoutMs).toBe(40);
  });

  it('uses the signal path when the caller passes a signal', async () => {
    const { transport, plain, timed } = timedTransport(async () => new Response('{}'));
    const { client } = setup({ maxRetries: 0 }, transport);
    const controller = new AbortController();
    await client.request({ method: 'GET', path: '/me', options: { signal: controller.signal } });
    expect(timed).toHaveLength(0);
    expect(plain).toHaveLength(1);
    expect(plain[0]!.signal).toBeInstanceOf(AbortSignal);
  });
});
