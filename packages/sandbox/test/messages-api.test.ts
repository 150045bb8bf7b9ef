import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, message, startSandbox } from './helpers.js';

let api: Api;
beforeAll(async () => {
  api = await startSandbox();
});
afterAll(async () => {
  await api.sandbox.close();
});

const ids = (page: { data: { id: string }[] }) => page.data.map((item) => item.id);

describe('batch', () => {
  it('strict: one invalid item fails the whole batch with pointers under /messages/N', async () => {
    const before = await api.json('/v1/messages?tag=batch-strict');
    const res = await api.post('/v1/messages/batch', {
      messages: [
        { ...message, tag: 'batch-strict' },
        { ...message, tag: 'batch-strict', to: ['kunde@'] },
      ],
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors).toEqual([
      { pointer: '/messages/1/to/0', code: 'invalid_email', message: "'kunde@' is not a valid address" },
    ]);
    expect(before.data).toEqual([]);
    expect((await api.json('/v1/messages?tag=batch-strict')).data).toEqual([]);
  });

  it('partial: 200 with one result per item, in order, echoing clientReference', async () => {
    const res = await api.post('/v1/messages/batch', {
      validation: 'partial',
      messages: [
        { ...message, tag: 'batch-partial', clientReference: 'a' },
        { ...message, tag: 'batch-partial', to: ['kunde@'], clientReference: 'b' },
        { ...message, tag: 'batch-partial', headers: { 'X-MP-Tag': 'x' } },
      ],
    });
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ index: 0, status: 'queued', clientReference: 'a' });
    expect(results[0].id).toMatch(/^msg_/);
    expect(results[1]).toMatchObject({ index: 1, clientReference: 'b' });
    expect(results[1].error).toMatchObject({
      status: 422,
      code: 'validation_failed',
      errors: [{ pointer: '/messages/1/to/0', code: 'invalid_email' }],
    });
    expect(results[2].error.code).toBe('control_header_in_api');
    expect(results[2].error.detail).toBe("X-MP-Tag is an SMTP control header; use the 'tag' field instead");
    expect(ids(await api.json('/v1/messages?tag=batch-partial'))).toEqual([results[0].id]);
  });

  it('rejects an unknown validation mode and an empty batch', async () => {
    const mode = await api.post('/v1/messages/batch', { messages: [message], validation: 'lenient' });
    expect((await mode.json()).errors[0].pointer).toBe('/validation');
    const empty = await api.post('/v1/messages/batch', { messages: [] });
    expect((await empty.json()).errors[0]).toMatchObject({ pointer: '/messages', code: 'invalid_length' });
  });
});

describe('message search', () => {
  it('filters by recipient, tag, subject and metadata', async () => {
    const a = await (
      await api.send({ ...message, to: ['ane@example.dk'], tag: 'search', metadata: { crmId: 'A-1' } })
    ).json();
    const b = await (
      await api.send({ ...message, to: ['bo@example.dk'], tag: 'search', subject: 'Faktura 9' })
    ).json();
    expect(ids(await api.json('/v1/messages?tag=search'))).toEqual([b.id, a.id]);
    expect(ids(await api.json('/v1/messages?tag=search&recipient=ANE@example.dk'))).toEqual([a.id]);
    expect(ids(await api.json('/v1/messages?tag=search&subject=faktura'))).toEqual([b.id]);
    expect(ids(await api.json('/v1/messages?tag=search&metadata[crmId]=A-1'))).toEqual([a.id]);
    expect(ids(await api.json('/v1/messages?tag=search&order=asc'))).toEqual([a.id, b.id]);
    expect((await api.call('/v1/messages?limit=0')).status).toBe(400);
  });

  it('pages with a cursor across pages and refuses a cursor with other filters', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await (await api.send({ ...message, tag: 'paged' })).json()).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api.json(`/v1/messages?tag=paged&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page));
      cursor = page.nextCursor;
      expect(page.hasMore).toBe(cursor !== null);
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...sent].reverse());

    const first = await api.json('/v1/messages?tag=paged&limit=2');
    const mismatch = await api.call(`/v1/messages?tag=other&limit=2&cursor=${first.nextCursor}`);
    expect(mismatch.status).toBe(400);
    expect((await mismatch.json()).code).toBe('cursor_mismatch');
    const garbage = await api.call('/v1/messages?cursor=not-a-cursor');
    expect((await garbage.json()).code).toBe('invalid_query');
  });
});

describe('scheduled sends', () => {
  it('sends at scheduledAt on the virtual clock; a cancelled message never goes out', async () => {
    const { now } = await api.json('/sandbox/v1/clock');
    const at = new Date(Date.parse(now) + 60 * 60 * 1000).toISOString();
    const kept = await (await api.send({ ...message, scheduledAt: at, tag: 'later' })).json();
    const dropped = await (await api.send({ ...message, scheduledAt: at, tag: 'later' })).json();
    expect(kept).toMatchObject({ status: 'scheduled', recipients: [{ status: 'scheduled' }] });

    const cancel = await api.call(`/v1/messages/${dropped.id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    const again = await api.call(`/v1/messages/${dropped.id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await again.json()).code).toBe('conflict');

    const types = async (id: string) =>
      (await api.json(`/v1/messages/${id}/events`)).data.map((e: { type: string }) => e.type);
    expect(await types(kept.id)).toEqual(['message.scheduled']);
    await api.post('/sandbox/v1/clock', { advance: 'PT2H' });
    expect(await types(kept.id)).toEqual(['message.scheduled', 'message.queued', 'message.delivered']);
    expect(await types(dropped.id)).toEqual(['message.scheduled']);
    const late = await api.call(`/v1/messages/${kept.id}/cancel`, { method: 'POST' });
    expect(late.status).toBe(409);
  });

  it('refuses scheduledAt more than 72 h ahead', async () => {
    const { now } = await api.json('/sandbox/v1/clock');
    const at = new Date(Date.parse(now) + 73 * 60 * 60 * 1000).toISOString();
    const res = await api.send({ ...message, scheduledAt: at });
    expect((await res.json()).errors).toEqual([
      { pointer: '/scheduledAt', code: 'too_far_ahead', message: 'scheduledAt may be at most 72 h ahead' },
    ]);
  });
});

describe('events and bounces', () => {
  it('filters the event log by type, recipient, message and tag', async () => {
    const a = await (await api.send({ ...message, to: ['ev1@example.dk'], tag: 'ev' })).json();
    const b = await (
      await api.send({ ...message, to: ['hard-bounce+ev@sim.mailplatform.test'], tag: 'ev' })
    ).json();
    await api.post('/sandbox/v1/clock', { advance: 'PT5S' });
    const byTag = await api.json('/v1/events?tag=ev&order=asc');
    expect(byTag.data.map((e: { type: string }) => e.type).sort()).toEqual([
      'message.bounced',
      'message.delivered',
      'message.queued',
      'message.queued',
    ]);
    const bounced = await api.json('/v1/events?tag=ev&type=message.bounced');
    expect(bounced.data.map((e: { data: { messageId: string } }) => e.data.messageId)).toEqual([b.id]);
    const two = await api.json('/v1/events?tag=ev&type[]=message.bounced&type[]=message.delivered');
    expect(two.data).toHaveLength(2);
    const forA = await api.json(`/v1/events?messageId=${a.id}`);
    expect(
      forA.data.every((e: { data: { recipient: string } }) => e.data.recipient === 'ev1@example.dk'),
    ).toBe(true);
    expect((await api.json('/v1/events?recipient=ev1@example.dk&tag=ev')).data).toHaveLength(2);
    expect((await api.call('/v1/events?since=yesterday')).status).toBe(400);
  });

  it('lists bounces with their classification, filtered by class', async () => {
    const sent = await (
      await api.send({ ...message, to: ['no-such-user+b@sim.mailplatform.test'], tag: 'bounces' })
    ).json();
    await api.post('/sandbox/v1/clock', { advance: 'PT5S' });
    const hard = await api.json('/v1/bounces?class=hard&tag=bounces');
    expect(hard.data).toHaveLength(1);
    expect(hard.data[0]).toMatchObject({
      messageId: sent.id,
      recipient: 'no-such-user+b@sim.mailplatform.test',
      class: 'hard',
      type: 'mailbox_not_found',
      enhancedCode: '5.1.1',
    });
    expect((await api.json('/v1/bounces?class=soft&tag=bounces')).data).toEqual([]);
  });
});

describe('suppressions', () => {
  it('adds, checks, lists and deletes; a complaint needs force=true', async () => {
    const complaint = await api.post('/v1/suppressions', {
      emails: ['Angry@Example.dk'],
      reason: 'spam_complaint',
    });
    expect(complaint.status).toBe(200);
    const add = await api.post('/v1/suppressions', { emails: ['gone@example.dk', 'angry@example.dk'] });
    expect(add.status).toBe(200);
    const added = await add.json();
    expect(added.data.map((s: { email: string; reason: string }) => [s.email, s.reason])).toEqual([
      ['gone@example.dk', 'manual'],
      ['angry@example.dk', 'spam_complaint'],
    ]);
    expect([added.created, added.existing]).toEqual([1, 1]);

    expect((await api.call('/v1/suppressions/angry@example.dk')).status).toBe(200);
    const absent = await api.call('/v1/suppressions/fine@example.dk');
    expect(absent.status).toBe(404);
    expect((await absent.json()).code).toBe('not_found');
    const listed = await api.json('/v1/suppressions?reason=spam_complaint');
    expect(listed.data.map((s: { email: string }) => s.email)).toEqual(['angry@example.dk']);

    const sent = await (await api.send({ ...message, to: ['angry@example.dk'] })).json();
    expect(sent).toMatchObject({
      status: 'suppressed',
      recipients: [{ status: 'suppressed', suppression: { reason: 'spam_complaint' } }],
    });

    const refused = await api.call('/v1/suppressions/angry@example.dk', { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect((await refused.json()).code).toBe('conflict');
    const forced = await api.call('/v1/suppressions/angry@example.dk?force=true', { method: 'DELETE' });
    expect(forced.status).toBe(204);
    expect((await api.call('/v1/suppressions/gone@example.dk', { method: 'DELETE' })).status).toBe(204);
    expect((await api.call('/v1/suppressions/angry@example.dk')).status).toBe(404);
    expect((await api.call('/v1/suppressions/gone@example.dk', { method: 'DELETE' })).status).toBe(404);
    const log = await api.json('/v1/events?type=suppression.deleted');
    expect(
      log.data.map((e: { data: { email: string; forced?: boolean } }) => [e.data.email, e.data.forced]),
    ).toEqual([
      ['gone@example.dk', undefined],
      ['angry@example.dk', true],
    ]);
  });

  it('rejects invalid addresses with pointers', async () => {
    const res = await api.post('/v1/suppressions', { emails: ['ok@example.dk', 'nope'] });
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toEqual([
      { pointer: '/emails/1', code: 'invalid_email', message: "'nope' is not a valid address" },
    ]);
  });
});

describe('/v1/me', () => {
  it('describes the key without revealing it', async () => {
    const me = await api.json('/v1/me');
    expect(me).toMatchObject({ mode: 'test', sandbox: true });
    expect(me.namespace).toMatch(/^ns_[0-9a-f]{24}$/);
    expect(api.sandbox.apiKey.startsWith(me.keyPrefix)).toBe(true);
    expect(me.keyPrefix.length).toBeLessThan(api.sandbox.apiKey.length);
  });
});

describe('message status', () => {
  it('the list filters on the same aggregate status that GET shows', async () => {
    const sim = (name: string) => `${name}+status@sim.mailplatform.test`;
    const sends = {
      delivered: [sim('delivered')],
      bounced: [sim('hard-bounce')],
      partially_delivered: [sim('delivered'), sim('blocked')],
      suppressed: [sim('suppressed')],
      queued: [sim('soft-bounce')],
    };
    const sent: Record<string, string> = {};
    for (const [expected, to] of Object.entries(sends)) {
      const res = await api.send({ ...message, to, tag: 'status-filter' });
      expect(res.status).toBe(202);
      sent[expected] = (await res.json()).id;
    }
    const scheduled = await api.send({
      ...message,
      tag: 'status-filter',
      scheduledAt: new Date(Date.parse((await api.json('/sandbox/v1/clock')).now) + 3_600_000).toISOString(),
    });
    sent.scheduled = (await scheduled.json()).id;
    await api.post('/sandbox/v1/clock', { advance: 'PT1M' });

    for (const [status, id] of Object.entries(sent)) {
      expect((await api.json(`/v1/messages/${id}`)).status, `GET ${status}`).toBe(status);
      const listed = await api.json(`/v1/messages?tag=status-filter&status=${status}`);
      expect(ids(listed), `list ?status=${status}`).toEqual([id]);
    }
  });
});
