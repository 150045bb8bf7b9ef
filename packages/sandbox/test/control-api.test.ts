import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTestKey } from '../src/create-sandbox.js';
import { type Api, message, startSandbox } from './helpers.js';

let api: Api;
beforeAll(async () => {
  api = await startSandbox();
});
afterAll(async () => {
  await api.sandbox.close();
});

describe('inbox', () => {
  it('long-polls until a matching message arrives', async () => {
    const waiting = api.call('/sandbox/v1/inbox?recipient=late@example.dk&wait=10s');
    await api.send({ ...message, to: ['someone-else@example.dk'] });
    const sent = await (await api.send({ ...message, to: ['late@example.dk'] })).json();
    const res = await waiting;
    expect(res.status).toBe(200);
    expect((await res.json()).data.map((m: { id: string }) => m.id)).toEqual([sent.id]);
  });

  it('answers at once without wait, and shows one recipient’s content', async () => {
    const empty = await api.json('/sandbox/v1/inbox?recipient=nobody@example.dk');
    expect(empty.data).toEqual([]);
    const sent = await (await api.send({ ...message, to: ['view@example.dk'] })).json();
    const view = await api.json(`/sandbox/v1/inbox/${sent.id}?recipient=view@example.dk`);
    expect(view.links).toEqual([
      {
        linkId: 'lnk_0',
        url: 'https://shop.dk/o/1042',
        trackingUrl: expect.stringContaining(`${api.sandbox.url}/t/c/`),
        text: null,
      },
    ]);
    const raw = await api.call(`/sandbox/v1/inbox/${sent.id}/raw`);
    expect(await raw.text()).toContain('Subject: Ordre #1042');
  });

  it('refuses live keys on the control API', async () => {
    const res = await api.call('/sandbox/v1/inbox', { key: 'mp_live_abc' });
    expect(res.status).toBe(401);
  });
});

describe('simulate', () => {
  it('records open, click and bounce events through the real code path', async () => {
    const to = 'sim@example.dk';
    const sent = await (await api.send({ ...message, to: [to] })).json();

    const open = await api.post(`/sandbox/v1/messages/${sent.id}/simulate`, { recipient: to, event: 'open' });
    expect(open.status).toBe(202);
    expect(await open.json()).toEqual({
      messageId: sent.id,
      recipient: to,
      event: 'open',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const click = await api.post(`/sandbox/v1/messages/${sent.id}/simulate`, {
      recipient: to,
      event: 'click',
      options: { url: 'https://shop.dk/o/1042' },
    });
    expect(click.status).toBe(202);
    const bounce = await api.post(`/sandbox/v1/messages/${sent.id}/simulate`, {
      recipient: to,
      event: 'bounce',
      options: { bounce: { smtpCode: 550, enhancedCode: '5.1.1', diagnostic: '550 5.1.1 User unknown' } },
    });
    expect(bounce.status).toBe(202);

    const events = (await api.json(`/v1/messages/${sent.id}/events`)).data as {
      type: string;
      data: Record<string, unknown>;
    }[];
    expect(events.map((event) => event.type)).toEqual([
      'message.queued',
      'message.opened',
      'message.clicked',
      'message.bounced',
    ]);
    expect(events[1]?.data).toMatchObject({ firstOpen: true, machine: false });
    expect(events[2]?.data).toMatchObject({
      url: 'https://shop.dk/o/1042',
      linkId: 'lnk_0',
      firstClick: true,
      inferredOpen: false,
    });
    expect(events[3]?.data.bounce).toMatchObject({ class: 'hard', type: 'mailbox_not_found' });
    expect((await api.call(`/v1/suppressions/${to}`)).status).toBe(200);
  });

  it('rejects an unknown event and a stranger as recipient', async () => {
    const sent = await (await api.send(message)).json();
    const event = await api.post(`/sandbox/v1/messages/${sent.id}/simulate`, { event: 'explode' });
    expect(event.status).toBe(422);
    expect((await event.json()).errors[0].pointer).toBe('/event');
    const stranger = await api.post(`/sandbox/v1/messages/${sent.id}/simulate`, {
      recipient: 'x@example.dk',
      event: 'open',
    });
    expect((await stranger.json()).errors[0]).toMatchObject({
      pointer: '/recipient',
      code: 'not_a_recipient',
    });
    const missing = await api.post('/sandbox/v1/messages/msg_NOPE/simulate', { event: 'open' });
    expect(missing.status).toBe(404);
  });
});

describe('chaos', () => {
  it('fails the next N API requests with the given status, then recovers', async () => {
    const set = await api.post('/sandbox/v1/chaos/next', { phase: 'http', count: 2, code: 503 });
    expect(set.status).toBe(204);
    const first = await api.call('/v1/me');
    const second = await api.call('/v1/me');
    expect([first.status, second.status]).toEqual([503, 503]);
    const problem = await first.json();
    expect(problem.code).toBe('unavailable');
    expect(first.headers.get('retry-after')).toBe('1');
    expect((await api.call('/v1/me')).status).toBe(200);
  });

  it('answers 429 rate_limited when asked for one', async () => {
    await api.post('/sandbox/v1/chaos/next', { phase: 'http', code: 429 });
    const res = await api.send(message);
    expect(res.status).toBe(429);
    expect((await res.json()).violatedPolicies).toEqual(['api']);
    expect((await api.send(message)).status).toBe(202);
  });

  it('rejects an unknown phase', async () => {
    const res = await api.post('/sandbox/v1/chaos/next', { phase: 'dns', code: 500 });
    expect(res.status).toBe(422);
  });
});

describe('reset', () => {
  it('clears only the caller’s namespace, or everything with all=true', async () => {
    const other = newTestKey();
    const mine = await (await api.send({ ...message, tag: 'reset' })).json();
    const theirs = await (await api.send({ ...message, tag: 'reset' }, other)).json();
    await api.post('/v1/templates', { alias: 'gone', name: 'g', subject: 's', text: 't' });

    expect((await api.call('/sandbox/v1/reset', { method: 'POST' })).status).toBe(204);
    expect((await api.call(`/v1/messages/${mine.id}`)).status).toBe(404);
    expect((await api.call('/v1/templates/gone')).status).toBe(404);
    expect((await api.call(`/v1/messages/${theirs.id}`, { key: other })).status).toBe(200);

    await api.call('/sandbox/v1/reset?all=true', { method: 'POST' });
    expect((await api.call(`/v1/messages/${theirs.id}`, { key: other })).status).toBe(404);
  });
});
