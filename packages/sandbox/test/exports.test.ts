import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, newTestKey, type Sandbox } from '../src/create-sandbox.js';

let sandbox: Sandbox;
const key = newTestKey();
const SIM = 'sim.mailplatform.test';
const TYPES = ['events', 'bounces', 'invalid_addresses', 'suppressions', 'stats', 'messages'] as const;

async function call(path: string, body?: unknown, method?: string): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function send(to: string, tag?: string): Promise<string> {
  const res = await call('/v1/messages', {
    from: 'ordre@shop.dk',
    to: [to],
    subject: 'Ordre',
    html: '<p><a href="https://shop.dk/a">a</a></p>',
    ...(tag ? { tag } : {}),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function advance(duration: string): Promise<void> {
  expect((await call('/sandbox/v1/clock', { advance: duration })).status).toBe(200);
}

interface ExportView {
  id: string;
  status: string;
  rowCount: number | null;
  downloadUrl: string | null;
  expiresAt: string | null;
  format: string;
}

async function runExport(body: Record<string, unknown>): Promise<ExportView> {
  const res = await call('/v1/exports', body);
  expect(res.status).toBe(202);
  const created = (await res.json()) as ExportView;
  expect(created.id).toMatch(/^exp_/);
  for (let i = 0; i < 100; i++) {
    const view = (await (await call(`/v1/exports/${created.id}`)).json()) as ExportView;
    if (view.status === 'completed' || view.status === 'failed') return view;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`export ${created.id} did not finish`);
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

async function download(view: ExportView): Promise<{ text: string; contentType: string | null }> {
  expect(view.downloadUrl).toBe(`${sandbox.url}/v1/exports/${view.id}/download`);
  const res = await fetch(view.downloadUrl!, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return {
    text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
    contentType: res.headers.get('content-type'),
  };
}

async function csvRows(body: Record<string, unknown>): Promise<Record<string, string>[]> {
  const view = await runExport({ ...body, format: 'csv' });
  const { text } = await download(view);
  expect(text.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  expect(rows).toHaveLength(view.rowCount!);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

beforeAll(async () => {
  sandbox = await createSandbox({
    port: 0,
    smtpPort: null,
    clock: { frozen: true, startAt: '2026-06-01T10:00:00Z' },
  });
  await send(`hard-bounce@${SIM}`, 'signup');
  await send(`complaint@${SIM}`, 'news');
  await send(`soft-bounce@${SIM}`, 'news');
  await send(`blocked@${SIM}`, 'news');
  await send(`delivered@${SIM}`, 'news');
  await advance('PT1M');
  await send(`hard-bounce@${SIM}`, 'signup');
  for (let i = 0; i < 3; i++) {
    const id = await send('repeat@example.dk', 'news');
    await advance('PT1M');
    const res = await call(`/sandbox/v1/messages/${id}/simulate`, {
      event: 'bounce',
      options: {
        bounce: { class: 'soft', enhancedCode: '4.2.2', diagnostic: '452 4.2.2 over quota, "try later"' },
      },
    });
    expect(res.status).toBe(202);
    await advance('P1D');
  }
  for (const [email, reason] of [
    ['manual@example.dk', 'hard_bounce'],
    ['unsub@example.dk', 'unsubscribe'],
  ]) {
    expect((await call('/v1/suppressions', { emails: [email], reason })).status).toBe(200);
  }
  await advance('PT73H');
});
afterAll(async () => {
  await sandbox.close();
});

describe('exports', () => {
  it.each(TYPES.flatMap((type) => (['csv', 'ndjson'] as const).map((format) => [type, format] as const)))(
    'writes %s as %s and parses back',
    async (type, format) => {
      const view = await runExport({ type, format, filter: { since: '2026-06-01', until: '2026-06-30' } });
      expect(view.status).toBe('completed');
      expect(view.rowCount).toBeGreaterThan(0);
      expect(Date.parse(view.expiresAt!)).toBeGreaterThan(Date.parse('2026-06-01'));
      const { text, contentType } = await download(view);
      if (format === 'csv') {
        expect(contentType).toBe('text/csv; charset=utf-8');
        expect(text.charCodeAt(0)).toBe(0xfeff);
        expect(text.endsWith('\r\n')).toBe(true);
        expect(parseCsv(text.slice(1))).toHaveLength(view.rowCount! + 1);
      } else {
        expect(contentType).toBe('application/x-ndjson');
        const lines = text.split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(view.rowCount!);
        for (const line of lines) expect(typeof JSON.parse(line)).toBe('object');
      }
    },
  );

  it('writes one invalid_addresses row per address with the contract columns', async () => {
    const rows = await csvRows({ type: 'invalid_addresses' });
    expect(Object.keys(rows[0]!)).toEqual([
      'email',
      'reason',
      'bounceClass',
      'bounceType',
      'enhancedCode',
      'diagnostic',
      'firstSeenAt',
      'lastSeenAt',
      'lastMessageId',
      'stream',
      'tag',
    ]);
    expect(rows.map((r) => [r.email, r.reason, r.bounceClass, r.bounceType])).toEqual([
      [`complaint@${SIM}`, 'spam_complaint', '', ''],
      [`hard-bounce@${SIM}`, 'hard_bounce', 'hard', 'mailbox_not_found'],
      ['manual@example.dk', 'hard_bounce', 'hard', ''],
      ['repeat@example.dk', 'soft_bounce_repeated', 'soft', 'mailbox_full'],
    ]);
    const repeat = rows[3]!;
    expect(repeat.diagnostic).toBe('452 4.2.2 over quota, "try later"');
    expect(repeat.enhancedCode).toBe('4.2.2');
    expect(repeat.firstSeenAt).toBe('2026-06-01T10:02:00Z');
    expect(repeat.lastSeenAt).toBe('2026-06-03T10:04:00Z');
    expect(repeat.lastMessageId).toMatch(/^msg_/);
    expect(repeat.tag).toBe('news');
  });

  it('filters bounces by class and renders timestamps in the export time zone', async () => {
    const rows = await csvRows({
      type: 'bounces',
      filter: { classes: ['hard'] },
      timezone: 'Europe/Copenhagen',
    });
    expect(rows.map((r) => [r.recipient, r.class, r.type, r.suppressed])).toEqual([
      [`hard-bounce@${SIM}`, 'hard', 'mailbox_not_found', 'true'],
    ]);
    expect(rows[0]!.timestamp).toBe('2026-06-01T12:00:01+02:00');
    const hardOnly = await csvRows({ type: 'invalid_addresses', filter: { classes: ['soft'] } });
    expect(hardOnly.map((r) => r.email)).toEqual(['repeat@example.dk']);
  });

  it('writes event envelopes as NDJSON and filters by event type and tag', async () => {
    const view = await runExport({
      type: 'events',
      format: 'ndjson',
      filter: { eventTypes: ['message.queued'], tag: 'signup' },
    });
    const { text } = await download(view);
    const events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e).toMatchObject({ type: 'message.queued', apiVersion: 'v1', data: { tag: 'signup' } });
      expect(e.timestamp).toMatch(/Z$/);
    }
  });

  it('writes one messages row per recipient and the stats export per day', async () => {
    const messages = await csvRows({ type: 'messages', filter: { tag: 'signup' } });
    expect(messages.map((r) => [r.recipient, r.status])).toEqual([
      [`hard-bounce@${SIM}`, 'bounced'],
      [`hard-bounce@${SIM}`, 'suppressed'],
    ]);
    const stats = await csvRows({ type: 'stats', filter: { since: '2026-06-01', until: '2026-06-02' } });
    expect(stats.map((r) => [r.start, r.queued, r.sent])).toEqual([
      ['2026-06-01T00:00:00Z', '7', '6'],
      ['2026-06-02T00:00:00Z', '1', '1'],
    ]);
  });

  it('lists suppressions and records export.completed', async () => {
    const view = await runExport({ type: 'suppressions', format: 'ndjson' });
    const { text } = await download(view);
    const reasons = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).reason)
      .sort();
    expect(reasons).toEqual(['hard_bounce', 'hard_bounce', 'spam_complaint', 'unsubscribe']);
    const res = await call('/v1/events?type=export.completed&limit=500');
    const events = (await res.json()).data as {
      data: { exportId: string; rowCount: number; downloadUrl: string };
    }[];
    const mine = events.find((e) => e.data.exportId === view.id);
    expect(mine?.data).toEqual({ exportId: view.id, rowCount: 4, downloadUrl: view.downloadUrl });
  });

  it('rejects a bad request with 422 and unknown exports with 404', async () => {
    const bad = await call('/v1/exports', { type: 'everything', format: 'xlsx' });
    expect(bad.status).toBe(422);
    const body = await bad.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/format', '/type']);
    const missing = await call('/v1/exports/exp_01JZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe('not_found');
  });
});
