import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/create-sandbox.js';

let sandbox: Sandbox;

function call(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${init.key ?? sandbox.apiKey}`);
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  return fetch(`${sandbox.url}${path}`, { ...init, headers });
}

function send(body: unknown, headers: Record<string, string> = {}, key?: string): Promise<Response> {
  return call('/v1/messages', {
    method: 'POST',
    body: JSON.stringify(body),
    headers,
    ...(key ? { key } : {}),
  });
}

const message = {
  from: 'Shop <ordre@shop.dk>',
  to: ['kunde@example.dk'],
  subject: 'Ordre #1042',
  html: '<p>Tak <a href="https://shop.dk/o/1042">se ordre</a></p>',
  text: 'Tak',
};

beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, smtpPort: null, clock: { frozen: true } });
});
afterAll(async () => {
  await sandbox.close();
});

describe('HTTP basics', () => {
  it('rejects a missing key with 401 unauthenticated and a request id', async () => {
    const res = await fetch(`${sandbox.url}/v1/messages`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9A-Z]{26}$/);
    const body = await res.json();
    expect(body.code).toBe('unauthenticated');
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('rejects live keys', async () => {
    const res = await call('/v1/messages', { key: 'mp_live_abc' });
    expect(res.status).toBe(401);
  });

  it('answers unknown routes 404 and wrong methods 405', async () => {
    expect((await (await call('/v1/nope')).json()).code).toBe('not_found');
    const res = await call('/v1/messages', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
  });

  it('maps malformed JSON, bad UTF-8 and wrong content types', async () => {
    const bad = await call('/v1/messages', { method: 'POST', body: '{"from":' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('malformed_json');
    const utf8 = await call('/v1/messages', {
      method: 'POST',
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    });
    expect((await utf8.json()).code).toBe('malformed_json');
    const type = await call('/v1/messages', {
      method: 'POST',
      body: 'from=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(type.status).toBe(415);
    expect((await type.json()).code).toBe('unsupported_media_type');
  });

  it('survives random bytes and answers 413 above 50 MB', async () => {
    for (let i = 0; i < 20; i++) {
      const bytes = new Uint8Array(64 + i * 13).map(() => Math.floor(Math.random() * 256));
      const res = await call('/v1/messages', { method: 'POST', body: bytes });
      expect([400, 422]).toContain(res.status);
    }
    const huge = await call('/v1/messages', { method: 'POST', body: new Uint8Array(51 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).code).toBe('payload_too_large');
    expect((await call('/sandbox/v1/healthz')).status).toBe(200);
  });

  it('sends rate-limit headers', async () => {
    const res = await call('/v1/me');
    expect(res.headers.get('ratelimit-policy')).toBe('"send";q=50;w=1, "api";q=600;w=60');
    expect(res.headers.get('ratelimit')).toMatch(/^"send";r=\d+;t=\d+, "api";r=\d+;t=\d+$/);
  });
});

describe('sending', () => {
  it('accepts a message, captures it in the inbox and stores MIME', async () => {
    const res = await send(message);
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({
      status: 'queued',
      stream: 'transactional',
      recipients: [{ email: 'kunde@example.dk', type: 'to', status: 'queued' }],
    });
    expect(body.id).toMatch(/^msg_/);
    const inbox = await (await call('/sandbox/v1/inbox?recipient=kunde@example.dk&wait=2s')).json();
    expect(inbox.data[0].id).toBe(body.id);
    const raw = await call(`/v1/messages/${body.id}/raw`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    const mime = await raw.text();
    expect(mime).toContain('Subject: Ordre #1042');
    expect(mime.toLowerCase()).toContain(`x-mp-message-id: ${body.id.toLowerCase()}`);
  });

  it('reports field errors with pointers', async () => {
    const res = await send({ from: 'x', to: ['kunde@'], subject: 's', text: 't' });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors).toEqual([
      { pointer: '/from', code: 'invalid_email', message: "'x' is not a valid address" },
      { pointer: '/to/0', code: 'invalid_email', message: "'kunde@' is not a valid address" },
    ]);
  });

  it('rejects X-MP-* headers in the API', async () => {
    const res = await send({ ...message, headers: { 'X-MP-Tag': 'a' } });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.code).toBe('control_header_in_api');
    expect(body.detail).toContain('tag');
  });
});

describe('idempotency', () => {
  it('replays, rejects another body, and does not store validation failures', async () => {
    const key = 'order-confirmation/1042';
    const first = await send(message, { 'idempotency-key': key });
    const second = await send(message, { 'idempotency-key': key });
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await second.json()).id).toBe((await first.json()).id);
    const other = await send({ ...message, subject: 'other' }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect((await other.json()).code).toBe('idempotency_key_reused');

    const invalid = await send({ ...message, from: 'nope' }, { 'idempotency-key': 'k2' });
    expect(invalid.status).toBe(422);
    const fixed = await send(message, { 'idempotency-key': 'k2' });
    expect(fixed.status).toBe(202);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('rejects an invalid key', async () => {
    const res = await send(message, { 'idempotency-key': '"quoted"' });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('idempotency_key_invalid');
  });
});

describe('simulator and suppressions', () => {
  it('hard bounce creates a suppression and the next send reports it', async () => {
    const to = 'hard-bounce+t1@sim.mailplatform.test';
    const sent = await (await send({ ...message, to: [to] })).json();
    await call('/sandbox/v1/clock', { method: 'POST', body: JSON.stringify({ advance: 'PT2S' }) });
    const events = await (await call(`/v1/messages/${sent.id}/events`)).json();
    const bounce = events.data.find((e: { type: string }) => e.type === 'message.bounced');
    expect(bounce.data.bounce).toMatchObject({
      class: 'hard',
      type: 'mailbox_not_found',
      enhancedCode: '5.1.1',
    });
    expect(bounce.data.suppression).toEqual({ created: true, reason: 'hard_bounce' });
    const check = await call(`/v1/suppressions/${encodeURIComponent(to)}`);
    expect(check.status).toBe(200);
    const again = await (await send({ ...message, to: [to] })).json();
    expect(again.status).toBe('suppressed');
    expect(again.recipients[0]).toMatchObject({
      status: 'suppressed',
      suppression: { reason: 'hard_bounce' },
    });
  });

  it('clock advance runs the soft-bounce sequence', async () => {
    const sent = await (await send({ ...message, to: ['soft-bounce@sim.mailplatform.test'] })).json();
    await call('/sandbox/v1/clock', { method: 'POST', body: JSON.stringify({ advance: 'PT72H' }) });
    const events = await (await call(`/v1/messages/${sent.id}/events`)).json();
    const types = events.data.map((e: { type: string }) => e.type);
    expect(types).toEqual([
      'message.queued',
      'message.deferred',
      'message.deferred',
      'message.deferred',
      'message.bounced',
    ]);
    expect(events.data[4].data.bounce).toMatchObject({ class: 'soft', type: 'mailbox_full' });
    expect(events.data[4].data.suppression).toEqual({ created: false });
  });
});

describe('tracking', () => {
  it('records opens and clicks from the real endpoints', async () => {
    const sent = await (await send(message)).json();
    const view = await (await call(`/sandbox/v1/inbox/${sent.id}`)).json();
    expect(view.links).toHaveLength(1);
    const click = await fetch(view.links[0].trackingUrl, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://shop.dk/o/1042');
    const pixel = /src="([^"]+\/t\/o\/[^"]+)"/.exec(view.html)![1]!;
    const open = await fetch(pixel);
    expect(open.headers.get('content-type')).toBe('image/gif');
    const events = await (await call(`/v1/events?messageId=${sent.id}&order=asc`)).json();
    expect(events.data.map((e: { type: string }) => e.type)).toEqual([
      'message.queued',
      'message.clicked',
      'message.opened',
    ]);
  });
});

describe('persistence', () => {
  it('keeps data across a restart on the same data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-sandbox-'));
    try {
      const first = await createSandbox({ port: 0, smtpPort: null, dataDir: dir });
      const res = await fetch(`${first.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${first.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(message),
      });
      const { id } = await res.json();
      await first.close();
      const second = await createSandbox({ port: 0, smtpPort: null, dataDir: dir });
      const got = await fetch(`${second.url}/v1/messages/${id}`, {
        headers: { authorization: `Bearer ${first.apiKey}` },
      });
      expect(got.status).toBe(200);
      expect((await got.json()).subject).toBe('Ordre #1042');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
