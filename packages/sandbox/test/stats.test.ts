import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, newTestKey, type Sandbox } from '../src/create-sandbox.js';

let sandbox: Sandbox;
const SIM = 'sim.mailplatform.test';

async function call(key: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function send(key: string, to: string, tag?: string): Promise<string> {
  const res = await call(key, '/v1/messages', {
    from: 'Shop <ordre@shop.dk>',
    to: [to],
    subject: 'Ordre',
    html: '<p>Tak <a href="https://shop.dk/a">a</a> <a href="https://shop.dk/b">b</a></p>',
    ...(tag ? { tag } : {}),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function clock(key: string, body: Record<string, unknown>): Promise<void> {
  const res = await call(key, '/sandbox/v1/clock', body);
  expect(res.status).toBe(200);
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
async function stats(key: string, query: string): Promise<any> {
  const res = await call(key, `/v1/stats?${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

beforeAll(async () => {
  sandbox = await createSandbox({
    port: 0,
    smtpPort: null,
    clock: { frozen: true, startAt: '2026-03-10T10:00:00Z' },
  });
});
afterAll(async () => {
  await sandbox.close();
});

describe('GET /v1/stats: a known mix', () => {
  const key = newTestKey();

  beforeAll(async () => {
    await clock(key, { set: '2026-03-10T10:00:00Z' });
    await send(key, `hard-bounce@${SIM}`, 'welcome');
    const delivered = await send(key, `delivered@${SIM}`, 'welcome');
    await send(key, `mpp-open@${SIM}`, 'welcome');
    await send(key, `bot-click@${SIM}`, 'welcome');
    await send(key, `suppressed@${SIM}`, 'welcome');
    await send(key, `soft-bounce@${SIM}`, 'order');
    await send(key, `complaint@${SIM}`, 'order');
    await send(key, `open@${SIM}`, 'order');
    await send(key, `click@${SIM}`, 'order');
    await clock(key, { advance: 'PT1H' });
    // a human click without an open: an inferred open
    const res = await call(key, `/sandbox/v1/messages/${delivered}/simulate`, { event: 'click' });
    expect(res.status).toBe(202);
    await clock(key, { advance: 'PT73H' });
  });

  it('counts every counter and rate per §18', async () => {
    const body = await stats(key, 'since=2026-03-10&until=2026-03-20&interval=none');
    expect(body.basis).toBe('cohort');
    expect(body.series).toEqual([]);
    expect(body.groups).toEqual([]);
    expect(body.totals.counts).toEqual({
      queued: 9,
      suppressed: 1,
      failed: 0,
      sent: 8,
      delivered: 6,
      deferredRecipients: 1,
      bouncedHard: 1,
      bouncedSoft: 1,
      bouncedBlock: 0,
      bouncedUndetermined: 0,
      complained: 1,
      unsubscribed: 0,
      opensTotal: 3,
      opensUnique: 4,
      opensUniqueHuman: 3,
      opensMachine: 1,
      opensInferred: 1,
      clicksTotal: 4,
      clicksUnique: 3,
      clicksUniqueHuman: 2,
      clicksBot: 2,
      uniqueLinksClicked: 2,
      deliveredWithOpenTracking: 6,
      deliveredWithClickTracking: 6,
    });
    expect(body.totals.rates).toEqual({
      deliveryRate: 0.75,
      bounceRate: 0.25,
      hardBounceRate: 0.125,
      complaintRate: 0.1667,
      openRate: 0.6667,
      humanOpenRate: 0.5,
      clickRate: 0.3333,
      clickToOpenRate: 0.5,
      unsubscribeRate: 0,
    });
  });

  it('adds bot clicks back to the click rates with includeBotClicks=true', async () => {
    const body = await stats(key, 'since=2026-03-10&until=2026-03-20&interval=none&includeBotClicks=true');
    expect(body.totals.rates.clickRate).toBe(0.5);
    expect(body.totals.rates.clickToOpenRate).toBe(0.75);
    expect(body.totals.counts.clicksUniqueHuman).toBe(2);
  });

  it('groups by tag and by bounce type', async () => {
    const byTag = await stats(key, 'since=2026-03-10&until=2026-03-20&interval=none&groupBy=tag');
    expect(byTag.groupBy).toBe('tag');
    expect(byTag.groups.map((g: { key: string }) => g.key)).toEqual(['order', 'welcome']);
    const [order, welcome] = byTag.groups;
    expect(order.counts).toMatchObject({ queued: 4, sent: 4, delivered: 3, bouncedSoft: 1, complained: 1 });
    expect(order.rates.deliveryRate).toBe(0.75);
    expect(welcome.counts).toMatchObject({ queued: 5, suppressed: 1, sent: 4, delivered: 3, bouncedHard: 1 });
    expect(welcome.counts.clicksBot).toBe(2);

    const byType = await stats(key, 'since=2026-03-10&until=2026-03-20&interval=none&groupBy=bounceType');
    expect(
      byType.groups.map((g: { key: string; counts: Record<string, number> }) => [
        g.key,
        g.counts.bouncedHard,
        g.counts.bouncedSoft,
      ]),
    ).toEqual([
      ['mailbox_full', 0, 1],
      ['mailbox_not_found', 1, 0],
    ]);
    expect(byType.totals.counts.queued).toBe(9);
    expect(byType.groups[0].counts.queued).toBe(0);
  });

  it('filters by tag and stream', async () => {
    const welcome = await stats(key, 'since=2026-03-10&until=2026-03-20&interval=none&tag=welcome');
    expect(welcome.totals.counts.queued).toBe(5);
    const none = await stats(key, 'since=2026-03-10&until=2026-03-20&interval=none&stream=broadcast');
    expect(none.totals.counts.queued).toBe(0);
    expect(none.totals.rates.deliveryRate).toBeNull();
  });
});

describe('GET /v1/stats: basis, zones and groups', () => {
  it('puts a late open in the send day with basis=cohort and in its own day with activity', async () => {
    const key = newTestKey();
    await clock(key, { set: '2026-04-10T10:00:00Z' });
    const id = await send(key, `delivered@${SIM}`);
    await clock(key, { advance: 'PT48H' });
    expect((await call(key, `/sandbox/v1/messages/${id}/simulate`, { event: 'open' })).status).toBe(202);
    const query = 'since=2026-04-10&until=2026-04-12&interval=day';
    const activity = await stats(key, query);
    expect(activity.basis).toBe('activity');
    expect(activity.series.map((b: { start: string }) => b.start)).toEqual([
      '2026-04-10T00:00:00Z',
      '2026-04-11T00:00:00Z',
      '2026-04-12T00:00:00Z',
    ]);
    expect(activity.series.map((b: { counts: { opensUnique: number } }) => b.counts.opensUnique)).toEqual([
      0, 0, 1,
    ]);
    expect(activity.series[0].rates.openRate).toBe(0);
    const cohort = await stats(key, `${query}&basis=cohort`);
    expect(cohort.series.map((b: { counts: { opensUnique: number } }) => b.counts.opensUnique)).toEqual([
      1, 0, 0,
    ]);
    expect(cohort.series[0].rates.openRate).toBe(1);
    expect(cohort.totals.counts.delivered).toBe(1);
  });

  it('buckets Europe/Copenhagen days across the spring DST change (23-hour day)', async () => {
    const key = newTestKey();
    for (const at of [
      '2026-03-28T22:30:00Z',
      '2026-03-28T23:30:00Z',
      '2026-03-29T21:30:00Z',
      '2026-03-29T22:30:00Z',
    ]) {
      await clock(key, { set: at });
      await send(key, `delivered@${SIM}`);
    }
    const body = await stats(
      key,
      'since=2026-03-28&until=2026-03-30&interval=day&timezone=Europe/Copenhagen',
    );
    expect(body.timezone).toBe('Europe/Copenhagen');
    expect(body.since).toBe('2026-03-28T00:00:00+01:00');
    expect(body.until).toBe('2026-03-31T00:00:00+02:00');
    const starts = body.series.map((b: { start: string }) => b.start);
    expect(starts).toEqual([
      '2026-03-28T00:00:00+01:00',
      '2026-03-29T00:00:00+01:00',
      '2026-03-30T00:00:00+02:00',
    ]);
    expect(Date.parse(starts[2]) - Date.parse(starts[1])).toBe(23 * 3_600_000);
    expect(body.series.map((b: { counts: { queued: number } }) => b.counts.queued)).toEqual([1, 2, 1]);
    const hours = await stats(
      key,
      'since=2026-03-29&until=2026-03-29&interval=hour&timezone=Europe/Copenhagen',
    );
    expect(hours.series).toHaveLength(23);
    expect(hours.series[2].start).toBe('2026-03-29T03:00:00+02:00');
    expect(hours.totals.counts.queued).toBe(2);
  });

  it('buckets Europe/Copenhagen days across the autumn DST change (25-hour day), weeks and months', async () => {
    const key = newTestKey();
    for (const at of ['2026-10-24T22:30:00Z', '2026-10-25T22:30:00Z', '2026-10-25T23:30:00Z']) {
      await clock(key, { set: at });
      await send(key, `delivered@${SIM}`);
    }
    const zone = 'timezone=Europe/Copenhagen';
    const body = await stats(key, `since=2026-10-24&until=2026-10-26&interval=day&${zone}`);
    const starts = body.series.map((b: { start: string }) => b.start);
    expect(starts).toEqual([
      '2026-10-24T00:00:00+02:00',
      '2026-10-25T00:00:00+02:00',
      '2026-10-26T00:00:00+01:00',
    ]);
    expect(Date.parse(starts[2]) - Date.parse(starts[1])).toBe(25 * 3_600_000);
    expect(body.series.map((b: { counts: { queued: number } }) => b.counts.queued)).toEqual([0, 2, 1]);
    const weeks = await stats(key, `since=2026-10-20&until=2026-10-31&interval=week&${zone}`);
    expect(
      weeks.series.map((b: { start: string; counts: { queued: number } }) => [b.start, b.counts.queued]),
    ).toEqual([
      ['2026-10-19T00:00:00+02:00', 2],
      ['2026-10-26T00:00:00+01:00', 1],
    ]);
    const months = await stats(key, `since=2026-09-15&until=2026-11-02&interval=month&${zone}`);
    expect(
      months.series.map((b: { start: string; counts: { queued: number } }) => [b.start, b.counts.queued]),
    ).toEqual([
      ['2026-09-01T00:00:00+02:00', 0],
      ['2026-10-01T00:00:00+02:00', 3],
      ['2026-11-01T00:00:00+01:00', 0],
    ]);
  });

  it('counts a suppressed recipient of a scheduled message as queued, so sent stays right', async () => {
    const key = newTestKey();
    await clock(key, { set: '2026-07-01T10:00:00Z' });
    const res = await call(key, '/v1/messages', {
      from: 'ordre@shop.dk',
      to: [`suppressed@${SIM}`, `delivered@${SIM}`],
      subject: 'Later',
      text: 'x',
      scheduledAt: '2026-07-01T12:00:00Z',
    });
    expect(res.status).toBe(202);
    await clock(key, { advance: 'PT3H' });
    const body = await stats(key, 'since=2026-07-01&until=2026-07-01&interval=none');
    expect(body.totals.counts).toMatchObject({ queued: 2, suppressed: 1, sent: 1, delivered: 1 });
    expect(body.totals.rates.deliveryRate).toBe(1);
  });

  it('groups by recipient domain', async () => {
    const key = newTestKey();
    await clock(key, { set: '2026-05-01T10:00:00Z' });
    await send(key, 'a@example.dk');
    await send(key, 'b@example.dk');
    await send(key, `hard-bounce@${SIM}`);
    await clock(key, { advance: 'PT1M' });
    const body = await stats(key, 'since=2026-05-01&until=2026-05-01&groupBy=recipientDomain');
    expect(
      body.groups.map((g: { key: string; counts: Record<string, number> }) => [
        g.key,
        g.counts.queued,
        g.counts.delivered,
        g.counts.bouncedHard,
      ]),
    ).toEqual([
      ['example.dk', 2, 2, 0],
      [SIM, 1, 0, 1],
    ]);
    expect(body.series).toHaveLength(1);
    expect(body.series[0].counts.queued).toBe(3);
  });
});

describe('GET /v1/stats: bad queries', () => {
  const key = newTestKey();
  it.each([
    ['interval=fortnight', '/interval'],
    ['timezone=Mars/Olympus', '/timezone'],
    ['groupBy=color', '/groupBy'],
    ['since=yesterday', '/since'],
    ['basis=both', '/basis'],
  ])('rejects %s with 400 invalid_query', async (query, pointer) => {
    const res = await call(key, `/v1/stats?${query}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe('invalid_query');
    expect(body.errors[0].pointer).toBe(pointer);
  });

  it('rejects since after until', async () => {
    const res = await call(key, '/v1/stats?since=2026-03-10&until=2026-03-01');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_query', detail: 'since must be before until' });
  });

  it('rejects a range with too many buckets', async () => {
    const res = await call(key, '/v1/stats?since=2020-01-01&until=2026-01-01&interval=hour');
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('invalid_query');
  });
});
