import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@mailplatform/sdk/webhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, newTestKey, type Sandbox } from '../src/create-sandbox.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
}

let sandbox: Sandbox;
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
/** Answers for the next requests, in order; 200 once they run out. */
let answers: Answer[] = [];
let key: string;

function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${sandbox.url}${path}`, { ...init, headers });
}

async function post(path: string, body: unknown = {}): Promise<Response> {
  return call(path, { method: 'POST', body: JSON.stringify(body) });
}

async function createEndpoint(body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const res = await post('/v1/webhooks', {
    url: `${receiverUrl}/hooks`,
    events: ['message.queued'],
    ...body,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string };
}

async function sendOne(to = 'kunde@example.dk'): Promise<string> {
  const res = await post('/v1/messages', { from: 'ordre@shop.dk', to: [to], subject: 'Hej', text: 'Tak' });
  expect(res.status).toBe(202);
  await sandbox.core.webhooks.settled();
  return ((await res.json()) as { id: string }).id;
}

async function deliveries(webhookId: string): Promise<Record<string, unknown>[]> {
  const res = await call(`/v1/webhooks/${webhookId}/deliveries?order=asc`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

async function advance(duration: string): Promise<void> {
  const res = await post('/sandbox/v1/clock', { advance: duration });
  expect(res.status).toBe(200);
  await sandbox.core.webhooks.settled();
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = answers.shift() ?? { status: 200 };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.status >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sandbox = await createSandbox({
    port: 0,
    smtpPort: null,
    clock: { frozen: true, startAt: '2026-03-14T09:00:00.000Z' },
    webhooks: { jitter: false },
  });
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(async () => {
  // endpoints of earlier tests would also receive this test's clock advances
  if (key !== undefined) expect((await post('/sandbox/v1/reset?all=true')).status).toBe(204);
  key = newTestKey();
  received = [];
  answers = [];
});

describe('webhook endpoints', () => {
  it('creates, reads, lists, updates and deletes; the secret is shown only on create', async () => {
    const created = await createEndpoint({ description: 'CRM sync', streams: ['transactional'] });
    expect(created.id).toMatch(/^wh_[0-9A-Z]{26}$/);
    expect(created.secret).toMatch(/^whsec_/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);
    expect(created).toMatchObject({
      url: `${receiverUrl}/hooks`,
      events: ['message.queued'],
      streams: ['transactional'],
      description: 'CRM sync',
      enabled: true,
      disabledReason: null,
    });

    const got = (await (await call(`/v1/webhooks/${created.id}`)).json()) as Record<string, unknown>;
    expect(got.secret).toBeUndefined();
    expect(got.id).toBe(created.id);
    const list = (await (await call('/v1/webhooks')).json()) as { data: Record<string, unknown>[] };
    expect(list.data.map((e) => e.id)).toEqual([created.id]);
    expect(list.data[0]!.secret).toBeUndefined();

    const patched = await call(`/v1/webhooks/${created.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ description: null, events: ['message.bounced'] }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ description: null, events: ['message.bounced'] });

    expect((await call(`/v1/webhooks/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await call(`/v1/webhooks/${created.id}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { code: string }).code).toBe('not_found');
  });

  it('rejects a non-http URL and unknown fields with 422 validation_failed', async () => {
    const res = await post('/v1/webhooks', { url: 'ftp://shop.dk/hooks', colour: 'red' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { code: string; errors: { pointer: string }[] };
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((e) => e.pointer).sort()).toEqual(['/', '/url']);
  });
});

describe('webhook delivery', () => {
  it('signs each event (one per request) so that the SDK verifies it', async () => {
    const endpoint = await createEndpoint();
    const messageId = await sendOne();
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.path).toBe('/hooks');
    expect(request.headers['user-agent']).toBe('MailPlatform-Webhooks/1');
    expect(request.headers['content-type']).toBe('application/json');
    const event = await verifyWebhook({
      payload: request.body,
      headers: request.headers as Record<string, string>,
      secret: endpoint.secret,
    });
    expect(event.type).toBe('message.queued');
    expect(event.id).toBe(request.headers['webhook-id']);
    expect((event.data as { messageId: string }).messageId).toBe(messageId);
    await expect(
      verifyWebhook({
        payload: request.body.replace('message.queued', 'message.bounced'),
        headers: request.headers as Record<string, string>,
        secret: endpoint.secret,
      }),
    ).rejects.toMatchObject({ name: 'WebhookVerificationError' });

    const log = await deliveries(endpoint.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      webhookId: endpoint.id,
      eventId: event.id,
      eventType: 'message.queued',
      attempt: 1,
      status: 'succeeded',
      responseStatus: 200,
      nextAttemptAt: null,
      error: null,
      response: { status: 200, body: 'ok' },
    });
    expect(log[0]!.id).toMatch(/^whd_/);
    expect((log[0]!.request as { body: string }).body).toBe(request.body);
  });

  it('filters by event type and stream', async () => {
    await createEndpoint({ events: ['message.delivered'] });
    await createEndpoint({ streams: ['broadcast'] });
    await sendOne();
    expect(received).toHaveLength(0);
  });

  it('retries a failure on the virtual clock (1 s, then 5 s) and logs every attempt', async () => {
    const endpoint = await createEndpoint();
    answers = [{ status: 500 }, { status: 503, headers: { 'Retry-After': '60' } }];
    await sendOne();
    let log = await deliveries(endpoint.id);
    expect(log).toHaveLength(1);
    const now = Date.parse(((await (await call('/sandbox/v1/clock')).json()) as { now: string }).now);
    expect(log[0]).toMatchObject({
      attempt: 1,
      status: 'failed',
      responseStatus: 500,
      error: 'The endpoint answered 500',
      nextAttemptAt: new Date(now + 1000).toISOString(),
    });

    await advance('PT1S');
    log = await deliveries(endpoint.id);
    expect(log).toHaveLength(2);
    // Retry-After: 60 wins over the schedule's 5 s
    expect(log[1]).toMatchObject({
      attempt: 2,
      status: 'failed',
      responseStatus: 503,
      nextAttemptAt: new Date(now + 1000 + 60_000).toISOString(),
    });

    await advance('PT59S');
    expect(await deliveries(endpoint.id)).toHaveLength(2);
    await advance('PT1S');
    log = await deliveries(endpoint.id);
    expect(log.map((d) => [d.attempt, d.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(received).toHaveLength(3);
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    const endpoint = await createEndpoint();
    answers = [{ status: 302, headers: { Location: `${receiverUrl}/elsewhere` } }];
    await sendOne();
    const [first] = await deliveries(endpoint.id);
    expect(first).toMatchObject({ status: 'failed', responseStatus: 302 });
    expect(first!.error).toBe(`Redirects are not followed (302 to ${receiverUrl}/elsewhere)`);
    expect(received.map((r) => r.path)).toEqual(['/hooks']);
  });

  it('disables the endpoint on 410 and records webhook.disabled', async () => {
    const endpoint = await createEndpoint();
    answers = [{ status: 410 }];
    await sendOne();
    const got = (await (await call(`/v1/webhooks/${endpoint.id}`)).json()) as Record<string, unknown>;
    expect(got).toMatchObject({ enabled: false, disabledReason: 'The endpoint answered 410 Gone' });
    const [first] = await deliveries(endpoint.id);
    expect(first).toMatchObject({ status: 'failed', responseStatus: 410, nextAttemptAt: null });
    const events = (await (await call('/v1/events?type=webhook.disabled')).json()) as {
      data: { data: Record<string, unknown> }[];
    };
    expect(events.data.map((e) => e.data)).toEqual([
      { webhookId: endpoint.id, reason: 'The endpoint answered 410 Gone' },
    ]);

    await sendOne();
    expect(received).toHaveLength(1);
    const enabled = await call(`/v1/webhooks/${endpoint.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ enabled: true }),
    });
    expect(await enabled.json()).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('refuses non-loopback URLs without contacting them', async () => {
    const endpoint = await createEndpoint({ url: 'https://hooks.example.invalid/mp' });
    await sendOne();
    const [first] = await deliveries(endpoint.id);
    expect(first).toMatchObject({ status: 'failed', responseStatus: null, nextAttemptAt: null });
    expect(first!.error).toMatch(/only delivers webhooks to loopback addresses.*--allow-remote-webhooks/);
  });

  it('sends a test event that is not added to the event log', async () => {
    const endpoint = await createEndpoint();
    const res = await post(`/v1/webhooks/${endpoint.id}/test`, { type: 'message.bounced' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      status: 'succeeded',
      trigger: 'test',
      eventType: 'message.bounced',
    });
    expect(received).toHaveLength(1);
    const event = await verifyWebhook({
      payload: received[0]!.body,
      headers: received[0]!.headers as Record<string, string>,
      secret: endpoint.secret,
    });
    expect(event.type).toBe('message.bounced');
    expect((event.data as { metadata: Record<string, string> }).metadata).toEqual({ test: 'true' });
    const log = (await (await call('/v1/events')).json()) as { data: unknown[] };
    expect(log.data).toEqual([]);
    const bad = await post(`/v1/webhooks/${endpoint.id}/test`, { type: 'message.nope' });
    expect(bad.status).toBe(422);
  });

  it('retries and replays a logged delivery as a new attempt of the same event', async () => {
    const endpoint = await createEndpoint();
    await sendOne();
    const [first] = await deliveries(endpoint.id);
    const retried = await post(`/v1/webhooks/${endpoint.id}/deliveries/${first!.id as string}/retry`);
    expect(retried.status).toBe(202);
    expect(await retried.json()).toMatchObject({ attempt: 2, status: 'succeeded', trigger: 'manual' });
    const replayed = await post(`/sandbox/v1/webhook-deliveries/${first!.id as string}/replay`);
    expect(await replayed.json()).toMatchObject({ attempt: 3, eventId: first!.eventId });
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([
      first!.eventId,
      first!.eventId,
      first!.eventId,
    ]);
    expect(received[2]!.body).toBe(received[0]!.body);

    const all = await call(`/sandbox/v1/webhook-deliveries?webhookId=${endpoint.id}&status=succeeded`);
    expect(((await all.json()) as { data: unknown[] }).data).toHaveLength(3);
    const missing = await post(`/v1/webhooks/${endpoint.id}/deliveries/whd_nope/retry`);
    expect(missing.status).toBe(404);
    const badQuery = await call('/sandbox/v1/webhook-deliveries?status=maybe');
    expect(badQuery.status).toBe(400);
  });

  it('rotates the secret: both sign for 24 h, then only the new one', async () => {
    const endpoint = await createEndpoint();
    const rotated = await post(`/v1/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(endpoint.secret);

    await sendOne();
    const first = received[0]!;
    expect((first.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    for (const s of [secret, endpoint.secret]) {
      await verifyWebhook({
        payload: first.body,
        headers: first.headers as Record<string, string>,
        secret: s,
      });
    }

    await advance('PT24H1S');
    await sendOne();
    const second = received[1]!;
    const headers = second.headers as Record<string, string>;
    await verifyWebhook({ payload: second.body, headers, secret });
    await expect(
      verifyWebhook({ payload: second.body, headers, secret: endpoint.secret }),
    ).rejects.toMatchObject({ reason: 'no_matching_signature' });
  });
});
