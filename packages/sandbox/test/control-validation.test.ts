import { SimulateRequestSchema } from '@mailplatform/sdk/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, message, startSandbox } from './helpers.js';

let api: Api;
beforeAll(async () => {
  api = await startSandbox();
});
afterAll(async () => {
  await api.sandbox.close();
});

async function sent(to: string[] = ['kunde@example.dk']): Promise<string> {
  const res = await api.send({ ...message, to });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const simulate = (id: string, body: unknown) => api.post(`/sandbox/v1/messages/${id}/simulate`, body);

async function eventTypes(id: string): Promise<string[]> {
  const events = (await api.json(`/v1/messages/${id}/events`)).data as { type: string }[];
  return events.map((event) => event.type);
}

describe('POST /sandbox/v1/messages/:id/simulate', () => {
  it('defaults the recipient to the first one', async () => {
    expect(SimulateRequestSchema.safeParse({ event: 'open' }).success).toBe(true);
    const id = await sent(['kunde@example.dk', 'anden@example.dk']);
    const res = await simulate(id, { event: 'open' });
    expect(res.status).toBe(202);
    expect((await res.json()).recipient).toBe('kunde@example.dk');
  });

  it('accepts options.at as an RFC 3339 timestamp', async () => {
    const id = await sent();
    const res = await simulate(id, { event: 'open', options: { at: '2030-01-02T03:04:05.000Z' } });
    expect(res.status).toBe(202);
    expect((await res.json()).at).toBe('2030-01-02T03:04:05.000Z');
  });

  it('accepts options.at as +<duration> from now on the virtual clock', async () => {
    const id = await sent();
    const now = Date.parse(((await api.json('/sandbox/v1/clock')) as { now: string }).now);
    const res = await simulate(id, { event: 'open', options: { at: '+PT5M' } });
    expect(res.status).toBe(202);
    expect((await res.json()).at).toBe(new Date(now + 5 * 60_000).toISOString());
  });

  it('rejects an unreadable relative options.at', async () => {
    const id = await sent();
    const res = await simulate(id, { event: 'open', options: { at: '+Psoon' } });
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toEqual([
      {
        pointer: '/options/at',
        code: 'invalid_duration',
        message: 'Expected an ISO 8601 duration (PT6H) or milliseconds',
      },
    ]);
  });

  it('rejects an unknown bounce class and stores nothing', async () => {
    const id = await sent();
    const res = await simulate(id, { event: 'bounce', options: { bounce: { class: 'x' } } });
    expect(res.status).toBe(422);
    expect((await res.json()).errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/options/bounce/class',
    ]);
    expect(await eventTypes(id)).toEqual(['message.queued']);
    expect((await api.json('/v1/bounces')).data).toEqual([]);
  });

  it('rejects fields the schema does not know', async () => {
    const id = await sent();
    const extraBounce = await simulate(id, { event: 'bounce', options: { bounce: { remoteMta: 'evil' } } });
    expect(extraBounce.status).toBe(422);
    expect((await extraBounce.json()).errors[0]).toMatchObject({
      pointer: '/options/bounce',
      code: 'unrecognized_keys',
    });
    const extraTop = await simulate(id, { event: 'open', extra: true });
    expect(extraTop.status).toBe(422);
    expect((await extraTop.json()).errors[0]).toMatchObject({ pointer: '/', code: 'unrecognized_keys' });
    expect(await eventTypes(id)).toEqual(['message.queued']);
  });

  it('stores a given bounce class and type over the classified ones', async () => {
    const id = await sent(['soft@example.dk']);
    const res = await simulate(id, {
      event: 'bounce',
      options: { bounce: { class: 'soft', type: 'mailbox_full', smtpCode: 550 } },
    });
    expect(res.status).toBe(202);
    const events = (await api.json(`/v1/messages/${id}/events`)).data as { data: { bounce?: unknown } }[];
    expect(events[1]?.data.bounce).toEqual({
      class: 'soft',
      type: 'mailbox_full',
      rule: expect.any(String),
      smtpCode: 550,
      phase: 'rcpt',
      attempts: 1,
    });
  });
});

describe('POST /sandbox/v1/chaos/next', () => {
  it('rejects a code outside 400-599', async () => {
    const res = await api.post('/sandbox/v1/chaos/next', { phase: 'http', code: 200 });
    expect(res.status).toBe(422);
    expect((await res.json()).errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/code']);
    expect((await api.call('/v1/me')).status).toBe(200);
  });

  it('rejects a count below 1 and unknown fields', async () => {
    const zero = await api.post('/sandbox/v1/chaos/next', { phase: 'http', code: 503, count: 0 });
    expect(zero.status).toBe(422);
    expect((await zero.json()).errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/count']);
    const extra = await api.post('/sandbox/v1/chaos/next', { phase: 'http', code: 503, forever: true });
    expect(extra.status).toBe(422);
    expect((await extra.json()).errors[0]).toMatchObject({ pointer: '/', code: 'unrecognized_keys' });
    expect((await api.call('/v1/me')).status).toBe(200);
  });
});
