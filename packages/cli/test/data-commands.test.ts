// The data commands against the real sandbox (HTTP API and SMTP relay on port 0).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '@mailplatform/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, type TestCli } from './helpers.js';
import { parseCsv, runInEveryMode } from './modes.js';
import { createSandboxCli, type SandboxCli, startSandboxCli } from './sandbox-cli.js';

let sandbox: Sandbox;
let cli: TestCli;
let key: string;
const FROM = 'Shop <ordre@shop.dk>';
const SIM = 'sim.mailplatform.test';

async function advanceClock(duration: string): Promise<void> {
  const response = await fetch(`${sandbox.url}/sandbox/v1/clock`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ advance: duration }),
  });
  expect(response.status).toBe(200);
}

async function send(to: string, extra: string[] = []): Promise<string> {
  const result = await cli.run([
    'send',
    '--to',
    to,
    '--from',
    FROM,
    '--subject',
    'Ordre #1042 – tak, Åse',
    '--text',
    'Tak for din ordre',
    '--tag',
    'order',
    '--json',
    ...extra,
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { id: string }).id;
}

let running: SandboxCli;
beforeAll(async () => {
  running = await startSandboxCli();
  ({ sandbox, key, cli } = running);
});
afterAll(() => running.close());

describe('send', () => {
  it('sends over the API with every flag, and the message reads back', async () => {
    const argv = [
      'send',
      '--to',
      `delivered+flags@${SIM}`,
      '--from',
      FROM,
      '--subject',
      'Hej',
      '--text',
      'Tak',
      '--tag',
      'order',
      '--metadata',
      'orderId=1042',
      '--header',
      'X-Entity-Ref-ID: 1042',
      '--idempotency-key',
      'k1',
      '--json',
    ];
    const result = await cli.run(argv);
    expect(result.code).toBe(0);
    const sent = JSON.parse(result.stdout);
    expect(sent).toMatchObject({ status: 'queued', idempotencyKey: 'k1', replayed: false });
    expect(sent.id).toMatch(/^msg_/);
    const again = await cli.run(argv);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: sent.id, replayed: true });
    const got = await cli.run(['messages', 'get', sent.id, '--json']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({
      id: sent.id,
      subject: 'Hej',
      tag: 'order',
      metadata: { orderId: '1042' },
    });
    expectNoLeak(result.stdout + result.stderr + got.stdout, key);
  });

  it('sends over the SMTP relay', async () => {
    const id = await send(`delivered+smtp@${SIM}`, ['--via', 'smtp']);
    expect(id).toMatch(/^msg_/);
    const got = JSON.parse((await cli.run(['messages', 'get', id, '--json'])).stdout);
    expect(got).toMatchObject({ id, subject: 'Ordre #1042 – tak, Åse' });
  });

  it('--trace prints the HTTP exchange on stderr with the key redacted', async () => {
    const result = await cli.run([
      'send',
      '--to',
      `delivered+trace@${SIM}`,
      '--from',
      FROM,
      '--subject',
      'T',
      '--text',
      'T',
      '--trace',
      '--idempotency-key',
      'trace-1',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      `> POST ${sandbox.url}/v1/messages`,
      `> Authorization: Bearer mp_test_…${key.slice(-4)}`,
      '> Content-Type: application/json',
      '> Idempotency-Key: trace-1',
    ]);
    expect(lines[4]).toMatch(
      new RegExp(`^< POST ${sandbox.url}/v1/messages → 202 \\(attempt 1, \\d+ ms, request id req_\\w+\\)$`),
    );
    expect(lines[5]).toMatch(/^< queued msg_\w+ \(idempotency key trace-1\)$/);
    expectNoLeak(result.stderr + result.stdout, key);
  });

  it('--dry-run prints the request with the key redacted and sends nothing', async () => {
    const result = await cli.run([
      'send',
      '--to',
      'a@b.dk',
      '--from',
      'x@shop.dk',
      '--subject',
      'S',
      '--text',
      'T',
      '--dry-run',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.headers.Authorization).toBe(`Bearer mp_test_…${key.slice(-4)}`);
    expect(printed.url).toBe(`${sandbox.url}/v1/messages`);
    expectNoLeak(result.stdout, key);
    const listed = JSON.parse((await cli.run(['messages', 'list', '--to', 'a@b.dk', '--json'])).stdout);
    expect(listed).toEqual([]);
  });

  it('--count sends N, shows progress on a TTY stderr, and lists one row per send', async () => {
    const tty = await createSandboxCli(sandbox, {
      tty: true,
    });
    try {
      const result = await tty.run([
        'send',
        '--to',
        `delivered+count@${SIM}`,
        '--from',
        FROM,
        '--subject',
        'Load',
        '--text',
        'x',
        '--count',
        '3',
        '--json',
      ]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('\r3/3 sent');
      const rows = JSON.parse(result.stdout) as { index: number; status: string }[];
      expect(rows.map((r) => r.index)).toEqual([0, 1, 2]);
      expect(rows.every((r) => r.status === 'queued')).toBe(true);
      const over = await tty.run([
        'send',
        '--to',
        'a@b.dk',
        '--from',
        FROM,
        '--subject',
        'S',
        '--text',
        'x',
        '--count',
        '11',
      ]);
      expect(over.code).toBe(2);
      expect(over.stderr).toContain('error: --count 11 sends 11 messages');
    } finally {
      await tty.cleanup();
    }
  });

  it('refuses missing input with exit 2, a rejected message with exit 10', async () => {
    const missing = await cli.run(['send', '--to', 'a@b.dk', '--subject', 'S', '--text', 'T']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: --from is required');
    const invalid = await cli.run([
      'send',
      '--to',
      'not-an-address',
      '--from',
      FROM,
      '--subject',
      'S',
      '--text',
      'T',
      '--json',
    ]);
    expect(invalid.code).toBe(10);
    expect(JSON.parse(invalid.stderr).error.code).toMatch(/validation|invalid/);
  });

  it('a rejected key is exit 4 and never printed', async () => {
    const bad = 'mp_live_WRONGWRONGWRONGWRONG';
    const result = await cli.run(
      ['send', '--to', 'a@b.dk', '--from', 'x@shop.dk', '--subject', 'S', '--text', 'T', '--json'],
      {
        env: { MAILPLATFORM_API_KEY: bad },
      },
    );
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stderr).error).toMatchObject({ status: 401 });
    expectNoLeak(result.stderr, bad);
  });
});

describe('messages', () => {
  it('list agrees in every output mode, with the filters applied', async () => {
    const ids = [await send(`delivered+m1@${SIM}`), await send(`delivered+m2@${SIM}`)];
    const modes = await runInEveryMode(cli, ['messages', 'list', '--to', `delivered+m1@${SIM}`], key);
    expect((modes.json as { id: string }[]).map((m) => m.id)).toEqual([ids[0]]);
    expect(modes.csv[0]).toMatchObject({ id: ids[0], subject: 'Ordre #1042 – tak, Åse', tag: 'order' });
    expect(modes.plain[0]?.[0]).toBe(ids[0]);
    expect(modes.table[0]).toMatch(/^ID\s+STATUS\s+TO\s+SUBJECT/);
    const page = await cli.run(['messages', 'list', '--tag', 'order', '--limit', '1']);
    expect(page.code).toBe(0);
    expect(page.stderr).toMatch(/^more: --cursor \S+ \(or --all\)\n$/);
    const all = await cli.run(['messages', 'list', '--tag', 'order', '--all', '-o', 'jsonl', '--limit', '1']);
    expect(all.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(2);
  });

  it('events, raw and raw --save', async () => {
    const id = await send(`delivered+ev@${SIM}`);
    await advanceClock('PT1M');
    const events = await runInEveryMode(cli, ['messages', 'events', id], key);
    const types = (events.json as { type: string }[]).map((e) => e.type);
    expect(types).toContain('message.delivered');
    const raw = await cli.run(['messages', 'raw', id]);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toMatch(/^Subject: /m);
    const file = join(cli.home, 'm.eml');
    const saved = await cli.run(['messages', 'raw', id, '--save', file]);
    expect(saved).toMatchObject({ code: 0, stdout: '', stderr: `saved ${id} to ${file}\n` });
    expect(await readFile(file, 'utf8')).toBe(raw.stdout);
  });

  it('a missing message is exit 5', async () => {
    const result = await cli.run(['messages', 'get', 'msg_01JAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('status: 404');
  });
});

describe('bounces and suppressions', () => {
  it('a hard bounce shows in bounces and suppressions, in every mode', async () => {
    await send(`hard-bounce+b1@${SIM}`);
    await advanceClock('PT10M');
    const bounces = await runInEveryMode(cli, ['bounces', 'list', '--class', 'hard'], key, 'recipient');
    expect(bounces.csv.map((b) => b.recipient)).toContain(`hard-bounce+b1@${SIM}`);
    const soft = await cli.run(['bounces', 'list', '--class', 'soft', '--json']);
    expect(JSON.parse(soft.stdout)).not.toContainEqual(
      expect.objectContaining({ recipient: `hard-bounce+b1@${SIM}` }),
    );
    const suppressed = await runInEveryMode(
      cli,
      ['suppressions', 'list', '--reason', 'hard_bounce'],
      key,
      'email',
    );
    expect(suppressed.csv.map((s) => s.email)).toContain(`hard-bounce+b1@${SIM}`);
  });

  it('add, check, remove, import --dry-run, import, export', async () => {
    const added = await cli.run(['suppressions', 'add', 'a@kunde.dk', 'b@kunde.dk', '--json']);
    expect(JSON.parse(added.stdout)).toEqual({ created: 2, existing: 0 });
    const check = await cli.run(['suppressions', 'check', 'a@kunde.dk', 'c@kunde.dk', '--json']);
    const rows = JSON.parse(check.stdout) as { email: string; suppressed: boolean; reason?: string }[];
    expect(rows).toMatchObject([
      { email: 'a@kunde.dk', suppressed: true, reason: 'manual' },
      { email: 'c@kunde.dk', suppressed: false },
    ]);
    const removed = await cli.run(['suppressions', 'remove', 'b@kunde.dk', '--json']);
    expect(JSON.parse(removed.stdout)).toEqual([{ email: 'b@kunde.dk', status: 'removed' }]);
    const csvFile = join(cli.home, 'import.csv');
    await writeFile(
      csvFile,
      'email,name\r\na@kunde.dk,Åse\r\nd@kunde.dk,Ditte\r\nD@kunde.dk,Ditte\r\nikke-en-adresse,X\r\n',
    );
    const dry = await cli.run(['suppressions', 'import', csvFile, '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout)).toEqual({
      adds: 1,
      alreadySuppressed: 1,
      duplicates: 1,
      invalid: ['ikke-en-adresse'],
    });
    const imported = await cli.run(['suppressions', 'import', csvFile, '--json']);
    expect(imported.code).toBe(7);
    expect(JSON.parse(imported.stdout)).toEqual({
      created: 1,
      existing: 1,
      duplicates: 1,
      invalid: ['ikke-en-adresse'],
    });
    const exported = await cli.run(['suppressions', 'export']);
    const [header, ...lines] = parseCsv(exported.stdout);
    expect(header).toEqual([
      'email',
      'reason',
      'stream',
      'origin',
      'createdAt',
      'bounceType',
      'enhancedCode',
      'diagnostic',
    ]);
    expect(lines.map((l) => l[0])).toEqual(expect.arrayContaining(['a@kunde.dk', 'd@kunde.dk']));
    expect(lines.map((l) => l[0])).not.toContain('b@kunde.dk');
  });
});

describe('templates', () => {
  const layoutHtml = '<html><body><header>Nordlys</header>{{{body}}}<footer>Aarhus</footer></body></html>';

  async function writeTemplate(dir: string, alias: string, meta: object, html?: string, text?: string) {
    await mkdir(join(dir, alias), { recursive: true });
    await writeFile(join(dir, alias, 'template.json'), JSON.stringify({ alias, ...meta }));
    if (html !== undefined) await writeFile(join(dir, alias, 'content.html'), html);
    if (text !== undefined) await writeFile(join(dir, alias, 'content.txt'), text);
  }

  it('push creates layouts first, then updates only what changed; pull round-trips; render uses the platform', async () => {
    const dir = join(cli.home, 'tpl');
    // "a-order" sorts before "z-layout": the push order must still put the layout first.
    await writeTemplate(
      dir,
      'a-order',
      { name: 'Ordre', subject: 'Ordre #{{orderNo}}', layoutAlias: 'z-layout' },
      '<p>Hej {{firstName}}</p>{{#each lines}}<p>{{name}}: {{currency price "DKK"}}</p>{{/each}}',
    );
    await writeTemplate(dir, 'z-layout', { name: 'Ramme', subject: 'Ramme' }, layoutHtml);
    const first = await cli.run(['templates', 'push', dir, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      dryRun: false,
      results: [
        { alias: 'z-layout', layout: true, status: 'created', version: 1, error: null },
        { alias: 'a-order', layout: false, status: 'created', version: 1, error: null },
      ],
    });
    await writeFile(join(dir, 'a-order', 'content.txt'), 'Hej {{firstName}}');
    const dry = JSON.parse((await cli.run(['templates', 'push', dir, '--dry-run', '--json'])).stdout);
    expect(dry.results.map((r: { status: string }) => r.status)).toEqual(['unchanged', 'would update']);
    const second = JSON.parse((await cli.run(['templates', 'push', dir, '--json'])).stdout);
    expect(second.results).toMatchObject([
      { alias: 'z-layout', status: 'unchanged', version: 1 },
      { alias: 'a-order', status: 'updated', version: 2 },
    ]);

    const list = await runInEveryMode(cli, ['templates', 'list'], key, 'alias');
    expect((list.json as { alias: string }[]).map((t) => t.alias).sort()).toEqual(['a-order', 'z-layout']);
    const got = JSON.parse((await cli.run(['templates', 'get', 'a-order', '--json'])).stdout);
    expect(got).toMatchObject({ alias: 'a-order', version: 2, text: 'Hej {{firstName}}' });

    const pulled = join(cli.home, 'pulled');
    const pull = await cli.run(['templates', 'pull', pulled, '--json']);
    expect(pull.code).toBe(0);
    expect(JSON.parse(await readFile(join(pulled, 'z-layout', 'template.json'), 'utf8'))).toMatchObject({
      alias: 'z-layout',
      layout: true,
      layoutAlias: null,
    });
    expect(JSON.parse(await readFile(join(pulled, 'a-order', 'template.json'), 'utf8'))).toMatchObject({
      alias: 'a-order',
      layoutAlias: 'z-layout',
    });
    expect(await readFile(join(pulled, 'z-layout', 'content.html'), 'utf8')).toBe(layoutHtml);
    const again = JSON.parse((await cli.run(['templates', 'pull', pulled, '--json'])).stdout) as {
      status: string;
    }[];
    expect(again.map((r) => r.status)).toEqual(['skipped (exists)', 'skipped (exists)']);
    const unchanged = JSON.parse((await cli.run(['templates', 'push', pulled, '--json'])).stdout);
    expect(unchanged.results.map((r: { status: string }) => r.status)).toEqual(['unchanged', 'unchanged']);

    const data = JSON.stringify({
      firstName: 'Åse',
      orderNo: '1042',
      lines: [{ name: 'Kaffe', price: 129.95 }],
    });
    const rendered = await cli.run(['templates', 'render', 'a-order', '--data', data, '--json']);
    expect(rendered.code).toBe(0);
    const parts = JSON.parse(rendered.stdout);
    expect(parts.subject).toBe('Ordre #1042');
    expect(parts.html).toContain('<header>Nordlys</header>');
    expect(parts.html).toContain('Hej Åse');
    expect(parts.html).toMatch(/129,95\s*kr\./);
    expect(parts.missingVariables).toEqual([]);
    const human = await cli.run(['templates', 'render', 'a-order', '--data', '{"orderNo":"7"}']);
    expect(human.stdout.startsWith('Subject: Ordre #7\n\n')).toBe(true);
    expect(human.stderr).toContain('warning: missing variable: firstName');
  });

  it('push reports each failure and exits 7; an unknown template is exit 5', async () => {
    const dir = join(cli.home, 'bad');
    await writeTemplate(dir, 'ok-one', { name: 'OK', subject: 'OK' }, undefined, 'fint');
    await writeTemplate(
      dir,
      'needs-layout',
      { name: 'X', subject: 'X', layoutAlias: 'nope' },
      undefined,
      'x',
    );
    await writeTemplate(dir, 'Bad Alias', { name: 'X', subject: 'X' }, undefined, 'x');
    const result = await cli.run(['templates', 'push', dir, '--json']);
    expect(result.code).toBe(7);
    const { results } = JSON.parse(result.stdout);
    expect(results.map((r: { alias: string; status: string }) => [r.alias, r.status])).toEqual([
      ['Bad Alias', 'failed'],
      ['needs-layout', 'failed'],
      ['ok-one', 'created'],
    ]);
    expect(results[1].error).toBe('layout "nope" does not exist on the platform');
    expect(JSON.parse(result.stderr).error).toMatchObject({
      code: 'partial_failure',
      message: '2 of 3 templates failed',
    });
    expect((await cli.run(['templates', 'get', 'no-such-template'])).code).toBe(5);
  });

  it('preview serves the platform-rendered html until Ctrl-C (exit 130)', async () => {
    const controller = new AbortController();
    const out: string[] = [];
    const preview = await createSandboxCli(sandbox, {
      overrides: { signal: controller.signal, stdout: { write: (c: string) => out.push(c) } },
    });
    try {
      const running = preview.run([
        'templates',
        'preview',
        'a-order',
        '--port',
        '0',
        '--data',
        '{"firstName":"Bo","orderNo":"9","lines":[]}',
      ]);
      let url: string | undefined;
      for (let i = 0; i < 500 && !url; i++) {
        url = /(http:\/\/127\.0\.0\.1:\d+\/) /.exec(out.join(''))?.[1];
        if (!url) await new Promise((r) => setTimeout(r, 20));
      }
      expect(url).toBeDefined();
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Hej Bo');
      controller.abort();
      expect((await running).code).toBe(130);
    } finally {
      await preview.cleanup();
    }
  });
});
