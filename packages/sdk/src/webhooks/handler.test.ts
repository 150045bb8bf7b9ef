import { describe, expect, it, vi } from 'vitest';
import { createMemoryDedupeStore, type DedupeStore } from './dedupe-store.js';
import type { MailEvent } from './event.js';
import { type HandleWebhookOptions, handleWebhookRequest } from './handler.js';
import { signWebhook } from './sign.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const TS = 1_741_939_204;
const NOW = () => TS * 1000;
const URL_ = 'http://127.0.0.1/webhooks/mailplatform';

function event(type = 'message.delivered', id = 'evt_01JPB0DELIVERED') {
  return { id, type, timestamp: '2025-03-14T08:00:04.512Z', apiVersion: 'v1', data: { messageId: 'msg_1' } };
}

async function signedRequest(body: string, init: { id?: string; headers?: Record<string, string> } = {}) {
  const headers = await signWebhook({
    payload: body,
    secret: SECRET,
    id: init.id ?? 'evt_01JPB0DELIVERED',
    timestamp: TS,
  });
  return new Request(URL_, { method: 'POST', body, headers: { ...headers, ...init.headers } });
}

/** De-duplication is off unless a test passes a store: most tests deliver the same id again. */
async function handle(request: Request, options: Partial<HandleWebhookOptions> = {}) {
  const response = await handleWebhookRequest(request, {
    secret: SECRET,
    now: NOW,
    on: () => {},
    dedupe: false,
    ...options,
  });
  return { status: response.status, body: (await response.json()) as unknown, headers: response.headers };
}

describe('handleWebhookRequest', () => {
  it('runs the handler once with the verified event and answers 200', async () => {
    const on = vi.fn();
    const result = await handle(await signedRequest(JSON.stringify(event())), { on });
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(on).toHaveBeenCalledTimes(1);
    expect(on.mock.calls[0]![0]).toEqual(event());
    expect(on.mock.calls[0]![1]).toMatchObject({
      webhookId: 'evt_01JPB0DELIVERED',
      request: expect.any(Request),
    });
  });

  it('dispatches a handler map by type, then the * handler, and passes the caller context', async () => {
    const calls: string[] = [];
    const on = {
      'message.bounced': () => {
        calls.push('bounced');
      },
      'message.delivered': (e: MailEvent, ctx: { tenant: string }) => {
        calls.push(`delivered:${e.type}:${ctx.tenant}`);
      },
      '*': () => {
        calls.push('*');
      },
    };
    const request = await signedRequest(JSON.stringify(event()));
    const response = await handleWebhookRequest(request, {
      secret: SECRET,
      now: NOW,
      on,
      context: { tenant: 't1' },
      dedupe: false,
    });
    expect(response.status).toBe(200);
    expect(calls).toEqual(['delivered:message.delivered:t1', '*']);
  });

  it('acknowledges an event type without a handler without calling anything', async () => {
    const bounced = vi.fn();
    const result = await handle(await signedRequest(JSON.stringify(event('message.opened'))), {
      on: { 'message.bounced': bounced },
    });
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
    expect(bounced).not.toHaveBeenCalled();
  });

  it('acknowledges a type newer than this SDK without calling the function, the map or *', async () => {
    const on = vi.fn();
    const star = vi.fn();
    const dedupe = createMemoryDedupeStore();
    for (const options of [{ on }, { on: { '*': star } }]) {
      const result = await handle(await signedRequest(JSON.stringify(event('message.brand_new'))), {
        ...options,
        dedupe,
      });
      expect(result).toMatchObject({ status: 200, body: { ok: true } });
    }
    expect(on).not.toHaveBeenCalled();
    expect(star).not.toHaveBeenCalled();
  });

  it.each(['GET', 'PUT', 'DELETE'])('405 for %s', async (method) => {
    const on = vi.fn();
    const result = await handle(new Request(URL_, { method }), { on });
    expect(result).toMatchObject({ status: 405, body: { error: { reason: 'method_not_allowed' } } });
    expect(result.headers.get('allow')).toBe('POST');
    expect(on).not.toHaveBeenCalled();
  });

  it('400 with the reason for every verification failure, and no handler call', async () => {
    const on = vi.fn();
    const body = JSON.stringify(event());
    const good = await signWebhook({ payload: body, secret: SECRET, id: 'evt_1', timestamp: TS });
    const cases: [string, Request][] = [
      ['missing_header', new Request(URL_, { method: 'POST', body, headers: { 'webhook-id': 'evt_1' } })],
      [
        'invalid_timestamp',
        new Request(URL_, { method: 'POST', body, headers: { ...good, 'webhook-timestamp': 'x' } }),
      ],
      [
        'timestamp_out_of_tolerance',
        new Request(URL_, {
          method: 'POST',
          body,
          headers: { ...good, 'webhook-timestamp': String(TS - 301) },
        }),
      ],
      ['no_matching_signature', new Request(URL_, { method: 'POST', body: `${body} `, headers: good })],
    ];
    const notJson = 'not json';
    const notJsonHeaders = await signWebhook({
      payload: notJson,
      secret: SECRET,
      id: 'evt_1',
      timestamp: TS,
    });
    cases.push([
      'malformed_payload',
      new Request(URL_, { method: 'POST', body: notJson, headers: notJsonHeaders }),
    ]);
    for (const [reason, request] of cases) {
      const result = await handle(request, { on });
      expect(result).toEqual({ status: 400, body: { error: { reason } }, headers: expect.any(Headers) });
    }
    expect(on).not.toHaveBeenCalled();
  });

  it('413 when Content-Length announces more than maxBodyBytes, without reading the body', async () => {
    const on = vi.fn();
    const request = await signedRequest(JSON.stringify(event()), { headers: { 'content-length': '2000' } });
    const result = await handle(request, { on, maxBodyBytes: 1000 });
    expect(result).toMatchObject({ status: 413, body: { error: { reason: 'payload_too_large' } } });
    expect(request.bodyUsed).toBe(false);
    expect(on).not.toHaveBeenCalled();
  });

  it('413 when the bytes read exceed maxBodyBytes although no Content-Length said so', async () => {
    const on = vi.fn();
    const big = JSON.stringify({ ...event(), data: { pad: 'x'.repeat(2048) } });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 100) controller.close();
        else controller.enqueue(new TextEncoder().encode(big.slice(0, 512)));
      },
    });
    const headers = await signWebhook({ payload: big, secret: SECRET, id: 'evt_1', timestamp: TS });
    const request = new Request(URL_, {
      method: 'POST',
      body: stream,
      headers,
      duplex: 'half',
    } as RequestInit);
    const result = await handle(request, { on, maxBodyBytes: 1024 });
    expect(result).toMatchObject({ status: 413, body: { error: { reason: 'payload_too_large' } } });
    expect(pulled).toBeLessThan(10);
    expect(on).not.toHaveBeenCalled();
  });

  it('accepts a body of exactly maxBodyBytes', async () => {
    const body = JSON.stringify(event());
    const on = vi.fn();
    const result = await handle(await signedRequest(body), {
      on,
      maxBodyBytes: new TextEncoder().encode(body).length,
    });
    expect(result.status).toBe(200);
    expect(on).toHaveBeenCalledTimes(1);
  });

  it('dedupe: a second delivery of the same webhook-id gets 200 duplicate and no handler call', async () => {
    const on = vi.fn();
    const dedupe = createMemoryDedupeStore();
    const body = JSON.stringify(event());
    expect(await handle(await signedRequest(body), { on, dedupe })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect(await handle(await signedRequest(body), { on, dedupe })).toMatchObject({
      status: 200,
      body: { ok: true, duplicate: true },
    });
    expect(await handle(await signedRequest(body, { id: 'evt_other' }), { on, dedupe })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect(on).toHaveBeenCalledTimes(2);
  });

  it('without a dedupe option, a redelivered webhook-id is answered 200 duplicate from the in-memory store', async () => {
    const on = vi.fn();
    const body = JSON.stringify(event('message.delivered', 'evt_default_store'));
    const deliver = async () => {
      const request = await signedRequest(body, { id: 'evt_default_store' });
      const response = await handleWebhookRequest(request, { secret: SECRET, now: NOW, on });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    expect(await deliver()).toEqual({ status: 200, body: { ok: true } });
    expect(await deliver()).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(on).toHaveBeenCalledTimes(1);
  });

  it('dedupe: false runs the handler for every delivery of the same webhook-id', async () => {
    const on = vi.fn();
    const body = JSON.stringify(event('message.delivered', 'evt_dedupe_off'));
    for (let i = 0; i < 2; i++) {
      const request = await signedRequest(body, { id: 'evt_dedupe_off' });
      const response = await handleWebhookRequest(request, { secret: SECRET, now: NOW, on, dedupe: false });
      expect(await response.json()).toEqual({ ok: true });
    }
    expect(on).toHaveBeenCalledTimes(2);
  });

  it('dedupe runs after verification: a forged request with a seen id is still 400', async () => {
    const dedupe = createMemoryDedupeStore();
    await dedupe.put('evt_01JPB0DELIVERED', 60);
    const request = await signedRequest(JSON.stringify(event()), {
      headers: { 'webhook-signature': 'v1,AAAA' },
    });
    expect(await handle(request, { dedupe })).toMatchObject({
      status: 400,
      body: { error: { reason: 'no_matching_signature' } },
    });
  });

  it('500 when the handler throws; the id is not remembered, so the retry runs the handler again', async () => {
    const onError = vi.fn();
    const failure = new Error('database down');
    const on = vi.fn().mockRejectedValueOnce(failure).mockResolvedValueOnce(undefined);
    const dedupe = createMemoryDedupeStore();
    const body = JSON.stringify(event());
    expect(await handle(await signedRequest(body), { on, dedupe, onError })).toMatchObject({
      status: 500,
      body: { error: { reason: 'handler_failed' } },
    });
    expect(onError).toHaveBeenCalledWith(failure, event());
    expect(await dedupe.has('evt_01JPB0DELIVERED')).toBe(false);
    expect(await handle(await signedRequest(body), { on, dedupe, onError })).toMatchObject({ status: 200 });
    expect(on).toHaveBeenCalledTimes(2);
  });

  it('stores the id with the dedupe ttl, and still answers 200 when put fails', async () => {
    const putError = new Error('redis down');
    const put = vi.fn<DedupeStore['put']>().mockRejectedValue(putError);
    const dedupe: DedupeStore = { has: async () => false, put };
    const onError = vi.fn();
    const result = await handle(await signedRequest(JSON.stringify(event())), {
      dedupe,
      onError,
      dedupeTtlSeconds: 42,
    });
    expect(result.status).toBe(200);
    expect(put).toHaveBeenCalledWith('evt_01JPB0DELIVERED', 42);
    expect(onError).toHaveBeenCalledWith(putError, event());
  });

  it('500 when the dedupe store cannot be read, without running the handler', async () => {
    const on = vi.fn();
    const dedupe: DedupeStore = {
      has: async () => {
        throw new Error('redis down');
      },
      put: async () => {},
    };
    expect(await handle(await signedRequest(JSON.stringify(event())), { on, dedupe })).toMatchObject({
      status: 500,
    });
    expect(on).not.toHaveBeenCalled();
  });

  it('accepts a request signed with the new secret during rotation', async () => {
    const on = vi.fn();
    const result = await handle(await signedRequest(JSON.stringify(event())), {
      on,
      secret: ['whsec_b2xkIHNlY3JldCBvbGQgc2VjcmV0IG9sZCEh', SECRET],
    });
    expect(result.status).toBe(200);
    expect(on).toHaveBeenCalledTimes(1);
  });
});
