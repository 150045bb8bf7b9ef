// stats, reports export, webhooks (list/create/delete/test/trigger/listen) and the spinners, through the
// program with fake streams against the real sandbox (HTTP API, SMTP relay and SSE stream on port 0).

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createSandbox, type Sandbox } from '@mailplatform/sandbox';
import { MailPlatform } from '@mailplatform/sdk';
import { verifyWebhook } from '@mailplatform/sdk/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCli, expectNoLeak, type TestCli } from './helpers.js';
import { parseCsv } from './modes.js';

const SIM = 'sim.mailplatform.test';
const FROM = 'Shop <ordre@shop.dk>';
let sandbox: Sandbox;
let cli: TestCli;
let key: string;
let receiver: Server;
let receiverUrl: string;
const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function advanceClock(duration: string): Promise<void> {
  const response = await fetch(`${sandbox.url}/sandbox/v1/clock`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ advance: duration }),
  });
  expect(response.status).toBe(200);
}

async function send(to: string, tag: string): Promise<string> {
  const result = await cli.run([
    'send',
    '--to',
    to,
    '--from',
    FROM,
    '--subject',
    'Ordre',
    '--text',
    'Tak',
    '--tag',
    tag,
    '--json',
  ]);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { id: string }).id;
}

/** A writable that claims to be a terminal, as ora needs to draw; records every byte. */
function fakeTerminal(): { stream: NodeJS.WritableStream; text: () => string } {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    }),
    {
      isTTY: true,
      columns: 80,
      rows: 24,
      cursorTo: () => true,
      moveCursor: () => true,
      clearLine: () => true,
    },
  );
  return { stream, text: () => chunks.join('') };
}

beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, smtpPort: 0 });
  key = sandbox.apiKey;
  cli = await createTestCli({
    client: (o) => new MailPlatform({ ...o, maxRetries: 0 }),
    env: { MAILPLATFORM_API_KEY: key, MAILPLATFORM_BASE_URL: sandbox.url },
  });
  receiver = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ path: req.url ?? '', headers: req.headers, body });
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  await send(`delivered+s1@${SIM}`, 'order');
  await send(`delivered+s2@${SIM}`, 'order');
  await send(`hard-bounce+s3@${SIM}`, 'news');
  await advanceClock('PT10M');
});
afterAll(async () => {
  await cli.cleanup();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await sandbox.close();
});

describe('stats', () => {
  it('agrees in json, csv, jsonl, plain and table', async () => {
    const argv = ['stats', '--group-by', 'tag', '--since', '1d', '--metrics', 'sent,delivered,bouncedHard'];
    const json = await cli.run([...argv, '--json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as {
      totals: { counts: Record<string, number>; rates: Record<string, number | null> };
      groups: { key: string; counts: Record<string, number> }[];
    };
    expect(doc.totals.counts).toMatchObject({ sent: 3, delivered: 2, bouncedHard: 1 });
    expect(doc.totals.rates.bounceRate).toBeCloseTo(1 / 3);
    const byTag = Object.fromEntries(doc.groups.map((g) => [g.key, g.counts]));
    expect(byTag.order).toMatchObject({ sent: 2, delivered: 2, bouncedHard: 0 });
    expect(byTag.news).toMatchObject({ sent: 1, delivered: 0, bouncedHard: 1 });

    const csv = await cli.run([...argv, '--csv']);
    expect(csv.code).toBe(0);
    const [header, ...rows] = parseCsv(csv.stdout);
    expect(header).toEqual(['key', 'sent', 'delivered', 'bouncedHard']);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['order', '2', '2', '0'],
        ['news', '1', '0', '1'],
      ]),
    );
    // Rows stay homogeneous: the totals are in --json and the table only.
    expect(rows).toHaveLength(2);

    const jsonl = await cli.run([...argv, '-o', 'jsonl']);
    const lines = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual({ key: 'news', sent: 1, delivered: 0, bouncedHard: 1 });
    expect(lines.some((line) => line.key === 'total')).toBe(false);

    const plain = await cli.run([...argv, '-o', 'plain']);
    expect(plain.code).toBe(0);
    const plainRows = plain.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(plainRows).toEqual(
      expect.arrayContaining([
        ['order', '2', '2', '0'],
        ['news', '1', '0', '1'],
      ]),
    );
    expect(plainRows).toHaveLength(2);

    const table = await cli.run([...argv, '-o', 'table']);
    expect(table.code).toBe(0);
    const tableLines = table.stdout.split('\n');
    expect(tableLines[0]?.split(/\s{2,}/)).toEqual(['KEY', 'SENT', 'DELIVERED', 'BOUNCEDHARD']);
    expect(tableLines).toContain('total sent=3  delivered=2  bouncedHard=1');
    expect(tableLines.find((l) => l.startsWith('rates '))).toContain('bounceRate=33.3%');
    for (const run of [json, csv, jsonl, plain, table]) {
      expect(run.stderr).toBe('');
      expectNoLeak(run.stdout, key);
    }
  });

  it('--chart draws Unicode bars on a terminal, # with TERM=dumb, and is a plain table when piped', async () => {
    const tty = await createTestCli({
      client: (o) => new MailPlatform({ ...o, maxRetries: 0 }),
      env: { MAILPLATFORM_API_KEY: key, MAILPLATFORM_BASE_URL: sandbox.url },
      tty: true,
      columns: 60,
    });
    try {
      const argv = ['stats', '--group-by', 'tag', '--since', '1d', '--metrics', 'sent', '--chart'];
      const unicode = await tty.run(argv);
      expect(unicode.code).toBe(0);
      const [title, ...bars] = unicode.stdout.trimEnd().split('\n');
      expect(title).toBe('sent');
      const bar = (label: string, lines: string[]) => lines.find((l) => l.startsWith(label)) ?? '';
      expect(bar('order', bars)).toMatch(/^order {2}█+ 2$/);
      expect(bar('news', bars)).toMatch(/^news {3}█+ 1$/);
      const long = bar('order', bars).split('█').length - 1;
      const short = bar('news', bars).split('█').length - 1;
      expect(Math.abs(long - 2 * short)).toBeLessThanOrEqual(1);
      const dumb = await tty.run(argv, { env: { TERM: 'dumb' } });
      expect(dumb.code).toBe(0);
      expect(dumb.stdout).not.toContain('█');
      expect(dumb.stdout).not.toContain('\u001b');
      expect(dumb.stdout).toMatch(/^order {2}#+ 2$/m);
      expect(dumb.stdout).toMatch(/^news {3}#+ 1$/m);
    } finally {
      await tty.cleanup();
    }
    const piped = await cli.run([
      'stats',
      '--group-by',
      'tag',
      '--since',
      '1d',
      '--metrics',
      'sent',
      '--chart',
    ]);
    expect(piped.stdout).not.toContain('█');
    expect(piped.stdout.trim().split('\n').sort()).toEqual(['news\t1', 'order\t2']);
  });

  it('refuses --period with --since (exit 2) and an unknown metric (exit 2, with the list)', async () => {
    const both = await cli.run(['stats', '--period', '7d', '--since', '1d']);
    expect(both).toMatchObject({ code: 2, stdout: '' });
    expect(both.stderr).toBe('error: --period cannot be combined with --since/--until\n');
    const metric = await cli.run(['stats', '--metrics', 'sent,nope']);
    expect(metric.code).toBe(2);
    expect(metric.stderr).toMatch(/^error: unknown metric "nope"\n {2}hint: metrics: queued, .*sent/);
  });
});

describe('reports export', () => {
  it('--type invalid_addresses --format csv --out FILE --wait writes the file atomically', async () => {
    const out = join(cli.home, 'invalid.csv');
    await writeFile(out, 'stale content that must disappear\n');
    const result = await cli.run([
      'reports',
      'export',
      '--type',
      'invalid_addresses',
      '--format',
      'csv',
      '--out',
      out,
      '--wait',
      '--poll-interval',
      '20ms',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const done = JSON.parse(result.stdout) as { id: string; status: string; rowCount: number; out: string };
    expect(done).toMatchObject({ status: 'completed', rowCount: 1, out });
    const text = await readFile(out, 'utf8');
    // The platform's CSV starts with a BOM (for spreadsheets); the CLI writes the bytes as downloaded.
    expect(text.startsWith('\ufeffemail,')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header?.slice(0, 4)).toEqual(['email', 'reason', 'bounceClass', 'bounceType']);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.slice(0, 4)).toEqual([
      `hard-bounce+s3@${SIM}`,
      'hard_bounce',
      'hard',
      'mailbox_not_found',
    ]);
    expect((await readdir(cli.home)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await stat(out)).mode & 0o777).toBe(0o644);
  });

  it('--type bounces --format ndjson --wait to stdout; plain mode says where it wrote', async () => {
    const result = await cli.run([
      'reports',
      'export',
      '--type',
      'bounces',
      '--format',
      'ndjson',
      '--wait',
      '--poll-interval',
      '20ms',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        recipient: `hard-bounce+s3@${SIM}`,
        class: 'hard',
        smtpCode: 550,
        tag: 'news',
      }),
    ]);
    const out = join(cli.home, 'bounces.ndjson');
    const saved = await cli.run([
      'reports',
      'export',
      '--type',
      'bounces',
      '--format',
      'ndjson',
      '--out',
      out,
      '--wait',
      '--poll-interval',
      '20ms',
    ]);
    expect(saved).toMatchObject({ code: 0, stderr: '', stdout: `wrote 1 rows to ${out}\n` });
    expect(await readFile(out, 'utf8')).toBe(result.stdout);
  });

  it('without --wait prints the pending job; --out without --wait is exit 2; bad --type is exit 2', async () => {
    const job = await cli.run(['reports', 'export', '--type', 'bounces', '-o', 'plain']);
    expect(job.code).toBe(0);
    const fields = Object.fromEntries(
      job.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t') as [string, string]),
    );
    expect(fields.id).toMatch(/^exp_/);
    expect(fields.type).toBe('bounces');
    expect(await cli.run(['reports', 'export', '--type', 'bounces', '--out', 'x.csv'])).toMatchObject({
      code: 2,
      stderr: 'error: --out needs --wait\n',
    });
    const bad = await cli.run(['reports', 'export', '--type', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--type <type>' argument 'nope' is invalid");
  });
});

describe('spinners', () => {
  const exportArgv = ['reports', 'export', '--type', 'bounces', '--wait', '--poll-interval', '20ms'];

  it('draw on a terminal stderr and never touch stdout', async () => {
    const terminal = fakeTerminal();
    const tty = await createTestCli({
      client: (o) => new MailPlatform({ ...o, maxRetries: 0 }),
      env: { MAILPLATFORM_API_KEY: key, MAILPLATFORM_BASE_URL: sandbox.url },
      tty: true,
      overrides: { spinnerStream: terminal.stream },
    });
    try {
      const result = await tty.run([...exportArgv, '--format', 'ndjson']);
      expect(result.code).toBe(0);
      expect(terminal.text()).toMatch(/export exp_\w+: completed \(1 rows\)/);
      expect(terminal.text()).toContain('\u001b[?25l');
      expect(JSON.parse(result.stdout.trim())).toMatchObject({ recipient: `hard-bounce+s3@${SIM}` });
      const quiet = fakeTerminal();
      const quietCli = await createTestCli({
        client: (o) => new MailPlatform({ ...o, maxRetries: 0 }),
        env: { MAILPLATFORM_API_KEY: key, MAILPLATFORM_BASE_URL: sandbox.url },
        tty: true,
        overrides: { spinnerStream: quiet.stream },
      });
      await quietCli.run([...exportArgv, '--quiet']);
      await quietCli.run(exportArgv, { env: { TERM: 'dumb' } });
      await quietCli.cleanup();
      expect(quiet.text()).toBe('');
    } finally {
      await tty.cleanup();
    }
  });

  it('write no byte to a non-terminal stderr (reports export --wait, dev)', async () => {
    const result = await cli.run(exportArgv);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const dev = await createTestCli({
      overrides: {
        loadSandbox: async () => async () => ({
          url: 'http://127.0.0.1:1',
          smtpUrl: null,
          smtpsUrl: null,
          apiKey: 'mp_test_devdevdevdevdevdev1',
          close: async () => undefined,
        }),
        signal: AbortSignal.abort(),
      },
    });
    try {
      const started = await dev.run(['dev', '--port', '0', '--smtp-port', '0', '--smtps-port', '0']);
      expect(started.code).toBe(130);
      expect(started.stderr).not.toMatch(/[\u001b\r⠋⠙⠹✔✖]|starting the sandbox/);
    } finally {
      await dev.cleanup();
    }
  });
});

describe('webhooks', () => {
  it('create, list, test, delete in every mode; the secret is shown once', async () => {
    const created = await cli.run([
      'webhooks',
      'create',
      '--url',
      `${receiverUrl}/hooks/a`,
      '--events',
      'message.delivered,message.bounced',
      '--description',
      'ordre-hooks',
      '--json',
    ]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const endpoint = JSON.parse(created.stdout) as { id: string; secret: string; events: string[] };
    expect(endpoint.id).toMatch(/^wh_/);
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(endpoint.events).toEqual(['message.delivered', 'message.bounced']);
    const table = await cli.run(['webhooks', 'create', '--url', `${receiverUrl}/hooks/b`, '-o', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^secret +whsec_\S+$/m);
    expect(table.stderr).toBe('the secret is shown only now: store it (MAILPLATFORM_WEBHOOK_SECRET)\n');
    const second = /^id +(wh_\w+)$/m.exec(table.stdout)?.[1] ?? '';

    const json = JSON.parse((await cli.run(['webhooks', 'list', '--json'])).stdout) as Record<
      string,
      unknown
    >[];
    expect(json.map((w) => w.id).sort()).toEqual([endpoint.id, second].sort());
    expect(json.every((w) => !('secret' in w))).toBe(true);
    const csv = parseCsv((await cli.run(['webhooks', 'list', '--csv', 'id,url,enabled'])).stdout);
    expect(csv[0]).toEqual(['id', 'url', 'enabled']);
    expect(csv.slice(1)).toContainEqual([endpoint.id, `${receiverUrl}/hooks/a`, 'true']);
    const plain = (await cli.run(['webhooks', 'ls', '-o', 'plain'])).stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(plain).toContainEqual([
      endpoint.id,
      `${receiverUrl}/hooks/a`,
      '["message.delivered","message.bounced"]',
      'true',
    ]);

    const before = received.length;
    const tested = await cli.run(['webhooks', 'test', endpoint.id, '--json']);
    expect(tested.code).toBe(0);
    const delivery = JSON.parse(tested.stdout) as { status: string; responseStatus: number; eventId: string };
    expect(delivery).toMatchObject({ status: 'succeeded', responseStatus: 204 });
    const hit = received.slice(before).find((r) => r.path === '/hooks/a');
    expect(hit?.headers['webhook-id']).toBe(delivery.eventId);
    const verified = await verifyWebhook({
      payload: hit?.body ?? '',
      headers: hit?.headers as Record<string, string>,
      secret: endpoint.secret,
    });
    expect(verified.type).toBe('message.delivered');

    for (const id of [endpoint.id, second]) {
      const deleted = await cli.run(['webhooks', 'delete', id, '-o', 'plain']);
      expect(deleted).toMatchObject({ code: 0, stdout: `deleted ${id}\n`, stderr: '' });
    }
    const gone = await cli.run(['webhooks', 'delete', endpoint.id, '--json']);
    expect(gone.code).toBe(5);
    expect(JSON.parse(gone.stderr).error).toMatchObject({ code: 'not_found', status: 404 });
    expect(JSON.parse((await cli.run(['webhooks', 'list', '--json'])).stdout)).toEqual([]);
    const testGone = await cli.run(['webhooks', 'test', endpoint.id]);
    expect(testGone.code).toBe(5);
    const badUrl = await cli.run(['webhooks', 'create', '--url', 'not a url']);
    expect(badUrl.code).toBe(10);
    for (const run of [created, table, tested, gone, badUrl]) expectNoLeak(run.stdout + run.stderr, key);
  });

  it('trigger sends to the simulator address of the event type; an unknown type is exit 2', async () => {
    const result = await cli.run(['webhooks', 'trigger', 'message.bounced', '--from', FROM, '--json']);
    expect(result.code).toBe(0);
    const triggered = JSON.parse(result.stdout) as { type: string; to: string; messageId: string };
    expect(triggered).toMatchObject({ type: 'message.bounced', to: `hard-bounce+cli@${SIM}` });
    await advanceClock('PT10M');
    const events = JSON.parse(
      (await cli.run(['messages', 'events', triggered.messageId, '--json'])).stdout,
    ) as {
      type: string;
    }[];
    expect(events.map((e) => e.type)).toContain('message.bounced');
    const plain = await cli.run(['webhooks', 'trigger', 'message.opened', '--from', FROM]);
    expect(plain.stdout).toMatch(
      new RegExp(`^sent msg_\\w+ to open\\+cli@${SIM}: expect message\\.opened\\n$`),
    );
    const unknown = await cli.run(['webhooks', 'trigger', 'message.nope', '--from', FROM]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^error: cannot trigger "message\.nope"\n {2}hint: event types: message\.delivered, /,
    );
  });

  it('listen --forward-to relays the real SSE stream, re-signed with the printed secret', async () => {
    const controller = new AbortController();
    const out: string[] = [];
    const err: string[] = [];
    const listener = await createTestCli({
      client: (o) => new MailPlatform(o),
      env: { MAILPLATFORM_API_KEY: key, MAILPLATFORM_BASE_URL: sandbox.url },
      overrides: {
        signal: controller.signal,
        stdout: { write: (c: string) => out.push(c) },
        stderr: { write: (c: string) => err.push(c) },
      },
    });
    try {
      const running = listener.run([
        'webhooks',
        'listen',
        '--forward-to',
        `${receiverUrl}/local`,
        '--events',
        'message.queued,message.delivered',
        '--json',
      ]);
      await waitFor('the stream', () => (err.join('').includes('connected') ? true : undefined));
      const id = await send(`delivered+listen@${SIM}`, 'listen');
      await advanceClock('PT10M');
      const forwarded = await waitFor('two forwarded events', () => {
        const mine = received.filter((r) => r.path === '/local' && r.body.includes(id));
        return mine.length >= 2 ? mine : undefined;
      });
      controller.abort();
      expect((await running).code).toBe(130);
      const secret = /secret[^:]*: (whsec_\S+)/.exec(err.join(''))?.[1] ?? '';
      expect(secret).toMatch(/^whsec_/);
      const types: string[] = [];
      for (const f of forwarded) {
        const event = await verifyWebhook({
          payload: f.body,
          headers: f.headers as Record<string, string>,
          secret,
        });
        expect(f.headers['webhook-id']).toBe(event.id);
        types.push(event.type);
      }
      expect(types).toEqual(['message.queued', 'message.delivered']);
      await expect(
        verifyWebhook({
          payload: forwarded[0]?.body ?? '',
          headers: forwarded[0]?.headers as Record<string, string>,
          secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        }),
      ).rejects.toMatchObject({ reason: 'no_matching_signature' });
      const rows = out
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; type: string; status: number });
      expect(rows.filter((r) => forwarded.some((f) => f.headers['webhook-id'] === r.id))).toEqual([
        expect.objectContaining({ type: 'message.queued', status: 204 }),
        expect.objectContaining({ type: 'message.delivered', status: 204 }),
      ]);
      expectNoLeak(out.join('') + err.join(''), key);
    } finally {
      await listener.cleanup();
    }
  });
});
