import { HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InvalidHeaderError,
  MailPlatformError,
  UnprocessableEntityError,
  UnsupportedRuntimeError,
  ValidationError,
} from '../src/errors.js';
import type { SendMessageInput } from '../src/platform.js';
import type { BatchItemFailure, BatchItemSuccess } from '../src/resources/messages.js';
import { createApiServer, createClient, json, problem, type RecordedRequest } from './helpers.js';

const api = createApiServer();
const mp = createClient();

beforeAll(() => api.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.reset());
afterAll(() => api.server.close());

const MESSAGE = {
  from: 'Shop <ordre@shop.dk>',
  to: ['kunde@example.dk'],
  subject: 'Ordrebekræftelse #1042',
  text: 'Tak for din ordre',
  tag: 'order-confirmation',
  metadata: { orderId: '1042' },
} satisfies SendMessageInput;

const ACCEPTED = {
  id: 'msg_01JPA6Q3W8C2M9Y4V7T1H5K0ZD',
  status: 'queued',
  stream: 'transactional',
  submittedAt: '2025-03-14T07:59:58.120Z',
  recipients: [{ email: 'kunde@example.dk', type: 'to', status: 'queued' }],
};

describe('messages.send', () => {
  it('posts the message once and returns the 202 body with the generated key', async () => {
    api.reply(() => json(ACCEPTED, 202));
    const result = await mp.messages.send(MESSAGE);
    expect(api.requests).toHaveLength(1);
    const request = api.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/messages');
    expect(request.body).toEqual(MESSAGE);
    expect(request.headers.get('content-type')).toBe('application/json');
    const key = request.headers.get('idempotency-key');
    expect(key).toMatch(/^mpk_[0-9a-f-]{36}$/);
    expect(result).toEqual({ ...ACCEPTED, idempotencyKey: key, replayed: false });
  });

  it('keeps the key across retries (503, then a replayed 202)', async () => {
    api.reply((_, attempt) =>
      attempt === 1 ? problem(503, 'unavailable') : json(ACCEPTED, 202, { 'idempotent-replayed': 'true' }),
    );
    const result = await mp.messages.send(MESSAGE, { idempotencyKey: 'order-1042:receipt:v1' });
    expect(api.requests.map((r) => r.headers.get('idempotency-key'))).toEqual([
      'order-1042:receipt:v1',
      'order-1042:receipt:v1',
    ]);
    expect(api.requests.map((r) => r.headers.get('x-mp-retry-count'))).toEqual(['0', '1']);
    expect(result).toMatchObject({
      id: ACCEPTED.id,
      idempotencyKey: 'order-1042:receipt:v1',
      replayed: true,
    });
  });

  it('carries the key on the error after the retries run out', async () => {
    api.reply(() => problem(500, 'internal_error'));
    const error = await mp.messages.send(MESSAGE, { idempotencyKey: 'k-500', maxRetries: 1 }).catch((e) => e);
    expect(error).toMatchObject({ name: 'ServerError', status: 500, idempotencyKey: 'k-500', attempts: 2 });
    expect(api.requests).toHaveLength(2);
  });

  it.each([
    ['an empty body', () => new Response(null, { status: 202, headers: { 'x-request-id': 'req_empty' } })],
    ['a JSON string', () => json('accepted', 202, { 'x-request-id': 'req_empty' })],
    ['an object without id', () => json({ status: 'queued' }, 202, { 'x-request-id': 'req_empty' })],
    ['an empty id', () => json({ ...ACCEPTED, id: '' }, 202, { 'x-request-id': 'req_empty' })],
  ])('a 2xx with %s is a retryable invalid_response carrying the key, not a success', async (_, reply) => {
    api.reply(reply);
    const error = await mp.messages.send(MESSAGE, { idempotencyKey: 'order-7:receipt' }).catch((e) => e);
    expect(error).toBeInstanceOf(MailPlatformError);
    expect(error).toMatchObject({
      code: 'invalid_response',
      message: 'POST /v1/messages answered 202 without a message id',
      status: 202,
      requestId: 'req_empty',
      idempotencyKey: 'order-7:receipt',
      attempts: 1,
      retryable: true,
    });
    expect(api.requests).toHaveLength(1);
  });

  it('a 2xx whose body is not JSON is a retryable invalid_response carrying the key', async () => {
    api.reply(() => new Response('<html>', { status: 202 }));
    const error = await mp.messages.send(MESSAGE, { idempotencyKey: 'order-8:receipt' }).catch((e) => e);
    expect(error).toMatchObject({
      code: 'invalid_response',
      message: 'POST /v1/messages answered 202 with a body that is not JSON',
      idempotencyKey: 'order-8:receipt',
      retryable: true,
    });
    expect(api.requests).toHaveLength(1);
  });

  it('validates before any request', async () => {
    const error = await mp.messages.send({ ...MESSAGE, to: ['kunde@'] }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'to[0]' });
    await expect(mp.messages.send({ ...MESSAGE, subject: 'Hej\r\nBcc: x@evil.dk' })).rejects.toBeInstanceOf(
      InvalidHeaderError,
    );
    expect(api.requests).toHaveLength(0);
  });

  it("a validation error carries the caller's idempotency key (none is invented)", async () => {
    const keyed = await mp.messages
      .send({ ...MESSAGE, to: ['kunde@'] }, { idempotencyKey: 'order-9:confirmation' })
      .catch((e) => e);
    expect(keyed).toMatchObject({ name: 'ValidationError', idempotencyKey: 'order-9:confirmation' });
    const unkeyed = await mp.messages.send({ ...MESSAGE, to: ['kunde@'] }).catch((e) => e);
    expect(unkeyed.idempotencyKey).toBeUndefined();
    expect(api.requests).toHaveLength(0);
  });

  it('normalises byte and base64 attachments before the request', async () => {
    api.reply(() => json(ACCEPTED, 202));
    await mp.messages.send({
      ...MESSAGE,
      attachments: [
        { filename: 'faktura.pdf', content: new TextEncoder().encode('%PDF-1.7') },
        { filename: 'note.txt', content: 'aGVq', contentType: 'text/plain' },
      ],
    });
    expect((api.requests[0]!.body as { attachments: unknown }).attachments).toEqual([
      {
        filename: 'faktura.pdf',
        contentType: 'application/pdf',
        content: 'JVBERi0xLjc=',
        disposition: 'attachment',
      },
      { filename: 'note.txt', contentType: 'text/plain', content: 'aGVq', disposition: 'attachment' },
    ]);
  });

  it("the default build refuses { path } attachments and via: 'smtp' without a request", async () => {
    const withPath = mp.messages.send({ ...MESSAGE, attachments: [{ path: '/tmp/faktura.pdf' }] });
    await expect(withPath).rejects.toBeInstanceOf(UnsupportedRuntimeError);
    await expect(withPath).rejects.toThrow('attachments[0].path: file attachments need the Node build');
    const viaSmtp = mp.messages.send(MESSAGE, { via: 'smtp' });
    await expect(viaSmtp).rejects.toBeInstanceOf(UnsupportedRuntimeError);
    await expect(viaSmtp).rejects.toThrow("via: 'smtp' needs Node");
    expect(api.requests).toHaveLength(0);
  });
});

describe('messages.sendBatch', () => {
  const batch = (count: number, invalid: ReadonlySet<number> = new Set()): SendMessageInput[] =>
    Array.from({ length: count }, (_, i) => ({
      ...MESSAGE,
      to: [invalid.has(i) ? 'not-an-address' : `kunde${i}@example.dk`],
      clientReference: `ref-${i}`,
    }));

  /** Answers every item with `msg_<clientReference>`, or a 422 problem for the refs in `rejected`. */
  const batchReply =
    (rejected: ReadonlySet<string> = new Set()) =>
    (request: RecordedRequest) => {
      const { messages } = request.body as { messages: { clientReference: string }[] };
      return json({
        results: messages.map((m, index) =>
          rejected.has(m.clientReference)
            ? {
                index,
                error: { type: 'about:blank', title: 'Invalid', status: 422, code: 'sender_not_verified' },
              }
            : { index, id: `msg_${m.clientReference}`, status: 'queued', clientReference: m.clientReference },
        ),
      });
    };

  it('splits 1,200 messages into 3 requests keyed k:0..k:2 and answers in input order', async () => {
    api.reply(batchReply(new Set(['ref-700'])));
    const results = await mp.messages.sendBatch(batch(1200, new Set([7])), { idempotencyKey: 'k' });

    expect(api.requests).toHaveLength(3);
    const sorted = [...api.requests].sort((a, b) =>
      a.headers.get('idempotency-key')!.localeCompare(b.headers.get('idempotency-key')!),
    );
    expect(sorted.map((r) => r.headers.get('idempotency-key'))).toEqual(['k:0', 'k:1', 'k:2']);
    for (const request of sorted) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/v1/messages/batch');
      expect((request.body as { validation: string }).validation).toBe('partial');
    }
    const refs = sorted.map((r) =>
      (r.body as { messages: { clientReference: string }[] }).messages.map((m) => m.clientReference),
    );
    expect(refs.map((r) => r.length)).toEqual([500, 500, 199]);
    expect(refs[0]![7]).toBe('ref-8');
    expect(refs[2]!.at(-1)).toBe('ref-1199');

    expect(results).toHaveLength(1200);
    expect(results.map((result) => result.index)).toEqual(results.map((_, i) => i));
    expect(results[0]).toEqual({
      index: 0,
      id: 'msg_ref-0',
      status: 'queued',
      replayed: false,
      clientReference: 'ref-0',
    });
    expect(results[1199]).toEqual({
      index: 1199,
      id: 'msg_ref-1199',
      status: 'queued',
      replayed: false,
      clientReference: 'ref-1199',
    });

    const invalid = results[7] as BatchItemFailure;
    expect(invalid.clientReference).toBe('ref-7');
    expect(invalid.field).toBe('messages[7].to[0]');
    expect(invalid.error).toBeInstanceOf(ValidationError);
    expect(invalid.error).toMatchObject({ field: 'messages[7].to[0]' });

    const rejected = results[700] as BatchItemFailure;
    expect(rejected.error).toBeInstanceOf(UnprocessableEntityError);
    expect(rejected.error).toMatchObject({ status: 422, code: 'sender_not_verified', idempotencyKey: 'k:1' });
    expect(results.filter((r) => 'error' in r).map((r) => r.index)).toEqual([7, 700]);
  });

  it('runs at most two chunk requests at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const reply = batchReply();
    api.reply((request) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<Response>((resolve) =>
        setTimeout(() => {
          inFlight--;
          resolve(reply(request));
        }, 10),
      ) as unknown as Response;
    });
    const results = await mp.messages.sendBatch(batch(1600));
    expect(api.requests).toHaveLength(4);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(results.every((r) => 'id' in r)).toBe(true);
    const keys = api.requests.map((r) => r.headers.get('idempotency-key')!);
    const base = keys[0]!.replace(/:\d+$/, '');
    expect(base).toMatch(/^mpk_[0-9a-f-]{36}$/);
    expect([...keys].sort()).toEqual([0, 1, 2, 3].map((i) => `${base}:${i}`));
  });

  it('reports a failed chunk per item and keeps the other chunks', async () => {
    api.reply((request) =>
      request.headers.get('idempotency-key') === 'b:1'
        ? problem(400, 'malformed_json')
        : batchReply()(request),
    );
    const results = await mp.messages.sendBatch(batch(600), { idempotencyKey: 'b' });
    expect((results[0] as BatchItemSuccess).id).toBe('msg_ref-0');
    const failed = results[550] as BatchItemFailure;
    expect(failed.error).toMatchObject({ name: 'BadRequestError', idempotencyKey: 'b:1' });
    expect(results.filter((r) => 'error' in r)).toHaveLength(100);
  });

  it('throws when no chunk was accepted', async () => {
    api.reply(() => problem(401, 'unauthenticated'));
    const error = await mp.messages.sendBatch(batch(3), { idempotencyKey: 'z' }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ idempotencyKey: 'z:0' });
  });

  it('sends nothing when every message is invalid, and rejects a non-array', async () => {
    const results = await mp.messages.sendBatch(batch(2, new Set([0, 1])));
    expect(results.map((r) => (r as BatchItemFailure).error.name)).toEqual([
      'ValidationError',
      'ValidationError',
    ]);
    expect(api.requests).toHaveLength(0);
    await expect(mp.messages.sendBatch('x' as never)).rejects.toThrow(
      'sendBatch expects an array of messages',
    );
  });

  it('reports a reply without a result or without a message id as a retryable invalid_response', async () => {
    api.reply(() =>
      HttpResponse.json({
        results: [{ index: 0, id: 'msg_0', status: 'queued' }, { index: 1, status: 'queued' }, null],
      }),
    );
    const results = await mp.messages.sendBatch(batch(3), { idempotencyKey: 'b' });
    expect(results[0]).toEqual({
      index: 0,
      id: 'msg_0',
      status: 'queued',
      replayed: false,
      clientReference: 'ref-0',
    });
    const failures = results.slice(1) as BatchItemFailure[];
    for (const failure of failures) {
      expect(failure.error).toBeInstanceOf(MailPlatformError);
      expect(failure.error).toMatchObject({
        code: 'invalid_response',
        status: 200,
        idempotencyKey: 'b:0',
        retryable: true,
      });
    }
    expect(failures.map((f) => f.error.message)).toEqual([
      'POST /v1/messages/batch answered 200 with no message id for message 1',
      'POST /v1/messages/batch answered 200 with no result for message 2',
    ]);
  });

  it('rejects with invalid_response when the only chunk answered 2xx without results', async () => {
    api.reply(() => new Response(null, { status: 200 }));
    const error = await mp.messages.sendBatch(batch(2), { idempotencyKey: 'c' }).catch((e) => e);
    expect(error).toBeInstanceOf(MailPlatformError);
    expect(error).toMatchObject({
      code: 'invalid_response',
      message: 'POST /v1/messages/batch answered 200 without results',
      idempotencyKey: 'c:0',
      retryable: true,
    });
  });

  it("reports a server-side item error at the caller's input index, not its position in the chunk", async () => {
    // 4 client-invalid messages among the first 500: input 1150 is position 146 of chunk 2.
    api.reply((request) => {
      const { messages } = request.body as { messages: { clientReference: string }[] };
      return json({
        results: messages.map((m, index) =>
          m.clientReference === 'ref-1150'
            ? {
                index,
                error: {
                  type: 'about:blank',
                  title: 'Validation failed',
                  status: 422,
                  code: 'validation_failed',
                  detail: `Template welcome does not exist at /messages/${index}/template`,
                  errors: [
                    {
                      pointer: `/messages/${index}/template`,
                      code: 'template_not_found',
                      message: 'No template welcome',
                    },
                    {
                      pointer: `/messages/${index}1/subject`,
                      code: 'required',
                      message: `another item's pointer stays /messages/${index}1`,
                    },
                  ],
                },
              }
            : { index, id: `msg_${m.clientReference}`, status: 'queued' },
        ),
      });
    });
    const results = await mp.messages.sendBatch(batch(1200, new Set([3, 4, 5, 6])), {
      idempotencyKey: 'p',
    });
    const chunk2 = api.requests.find((r) => r.headers.get('idempotency-key') === 'p:2')!;
    const sent = (chunk2.body as { messages: { clientReference: string }[] }).messages;
    expect(sent.findIndex((m) => m.clientReference === 'ref-1150')).toBe(146);

    const failed = results[1150] as BatchItemFailure;
    expect(failed.index).toBe(1150);
    expect(failed.field).toBe('messages[1150].template');
    expect(failed.error).toBeInstanceOf(UnprocessableEntityError);
    const error = failed.error as UnprocessableEntityError;
    expect(error.errors.map((e) => e.pointer)).toEqual(['/messages/1150/template', '/messages/1461/subject']);
    expect(error.errors[1]!.message).toBe("another item's pointer stays /messages/1461");
    expect(error.message).toBe(
      '422 validation_failed: Template welcome does not exist at /messages/1150/template — ' +
        "/messages/1150/template: No template welcome; /messages/1461/subject: another item's pointer stays /messages/1461",
    );
    expect(error.problem?.detail).toBe('Template welcome does not exist at /messages/1150/template');
    expect((results[3] as BatchItemFailure).field).toBe('messages[3].to[0]');
  });

  it('names the input message when a server-side item error has no pointer', async () => {
    api.reply(batchReply(new Set(['ref-2'])));
    const results = await mp.messages.sendBatch(batch(3, new Set([0])), { idempotencyKey: 'n' });
    expect((results[2] as BatchItemFailure).field).toBe('messages[2]');
  });

  it('marks the items of a replayed chunk as replayed', async () => {
    const reply = batchReply();
    api.reply((request) => {
      const response = reply(request);
      if (request.headers.get('idempotency-key') === 'r:1') {
        response.headers.set('idempotent-replayed', 'true');
      }
      return response;
    });
    const results = (await mp.messages.sendBatch(batch(600), { idempotencyKey: 'r' })) as BatchItemSuccess[];
    expect(results.map((r) => r.replayed)).toEqual([
      ...Array<boolean>(500).fill(false),
      ...Array<boolean>(100).fill(true),
    ]);
  });
});
