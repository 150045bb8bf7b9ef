// Regressions from QA: dry runs validate, local file errors are usage errors, flags over headers.
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFetchError } from '../src/commands/webhooks-listen.js';
import type { TestCli } from './helpers.js';
import { type SandboxCli, startSandboxCli } from './sandbox-cli.js';

let env: SandboxCli;
let cli: TestCli;
const BASE = ['send', '--from', 'ordre@shop.dk', '--subject', 'Hej'];

beforeAll(async () => {
  env = await startSandboxCli();
  cli = env.cli;
});
afterAll(async () => {
  await env.close();
});

describe('send --dry-run', () => {
  it('rejects an invalid recipient as a real send would (exit 10)', async () => {
    const result = await cli.run([...BASE, '--dry-run', '--to', 'bad', '--text', 'x']);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('to[0]');
    expect(result.code).toBe(10);
  });

  it('rejects an attachment over the size limit (exit 10)', async () => {
    const big = join(cli.home, 'big.bin');
    await writeFile(big, Buffer.alloc(11 * 1024 * 1024, 1));
    const result = await cli.run([
      ...BASE,
      '--dry-run',
      '--to',
      'a@example.dk',
      '--text',
      'x',
      '--attach',
      big,
    ]);
    expect(result.stderr).toContain('attachments[0]');
    expect(result.code).toBe(10);
  });

  it('prints the API request for a valid message', async () => {
    const result = await cli.run([...BASE, '--dry-run', '--to', 'a@example.dk', '--text', 'x', '--json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({ via: 'api', method: 'POST', url: `${env.sandbox.url}/v1/messages` });
    expect(printed.body).toMatchObject({ from: 'ordre@shop.dk', to: ['a@example.dk'], text: 'x' });
  });

  it('with --via smtp prints the relay and the envelope', async () => {
    const result = await cli.run([
      ...BASE,
      '--dry-run',
      '--via',
      'smtp',
      '--to',
      'a@example.dk',
      '--bcc',
      'b@example.dk',
      '--text',
      'x',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.relay).toBe(`${env.smtp.hostname}:${env.smtp.port}`);
    expect(printed.envelope).toEqual({ from: 'ordre@shop.dk', to: ['a@example.dk', 'b@example.dk'] });
    expect(printed).not.toHaveProperty('method');
  });
});

describe('local files', () => {
  const cases: [string, string[]][] = [
    ['--html-file', ['--to', 'a@example.dk', '--html-file', '/nonexistent/x.html']],
    ['--text-file', ['--to', 'a@example.dk', '--text-file', '/nonexistent/x.txt']],
    ['--data', ['--to', 'a@example.dk', '--template', 'welcome', '--data', '@/nonexistent/x.json']],
  ];
  for (const [option, argv] of cases) {
    it(`send ${option} with a missing file is a usage error naming it (exit 2)`, async () => {
      const result = await cli.run([...BASE, ...argv]);
      expect(result.stderr).toContain(`${option} /nonexistent/x.`);
      expect(result.stderr).toContain('no such file');
      expect(result.stderr).not.toContain('ENOENT');
      expect(result.code).toBe(2);
    });
  }

  it('suppressions import of a missing file exits 2', async () => {
    const result = await cli.run(['suppressions', 'import', '/nonexistent/x.csv']);
    expect(result.stderr).toContain('suppressions import /nonexistent/x.csv: no such file');
    expect(result.code).toBe(2);
  });

  it('messages raw --save into a missing directory exits 2 naming the path', async () => {
    const result = await cli.run(['messages', 'raw', 'msg_missing', '--save', '/nonexistent/x.eml']);
    expect(result.stderr).toContain('--save /nonexistent/x.eml: directory /nonexistent does not exist');
    expect(result.code).toBe(2);
  });

  it('reports export --out into a missing directory exits 2 before creating the export', async () => {
    const result = await cli.run([
      'reports',
      'export',
      '--type',
      'bounces',
      '--wait',
      '--out',
      '/nonexistent/x.csv',
    ]);
    expect(result.stderr).toContain('--out /nonexistent/x.csv: directory /nonexistent does not exist');
    expect(result.code).toBe(2);
  });
});

describe('send --header', () => {
  it('names the flag for an X-MP-* header (exit 2)', async () => {
    const result = await cli.run([...BASE, '--to', 'a@example.dk', '--text', 'x', '--header', 'X-MP-Tag: x']);
    expect(result.stderr).toContain('use --tag instead');
    expect(result.code).toBe(2);
  });

  it('names --idempotency-key for X-MP-Idempotency-Key', async () => {
    const result = await cli.run([
      ...BASE,
      '--to',
      'a@example.dk',
      '--text',
      'x',
      '--header',
      'X-MP-Idempotency-Key: k',
    ]);
    expect(result.stderr).toContain('use --idempotency-key instead');
    expect(result.code).toBe(2);
  });
});

describe('stats', () => {
  it('--csv has series rows only', async () => {
    const result = await cli.run(['stats', '--period', '7d', '--interval', 'day', '--csv']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]?.startsWith('start,')).toBe(true);
    expect(lines.some((line) => line.startsWith('total'))).toBe(false);
  });

  it('--timezone with an unknown zone is a usage error (exit 2)', async () => {
    const result = await cli.run(['stats', '--timezone', 'Mars/Olympus']);
    expect(result.stderr).toContain('unknown --timezone "Mars/Olympus"');
    expect(result.code).toBe(2);
  });
});

describe('templates', () => {
  it('pull --only with an unknown alias exits 5 naming it', async () => {
    const result = await cli.run(['templates', 'pull', join(cli.home, 'pulled'), '--only', 'nope']);
    expect(result.stderr).toContain('"nope"');
    expect(result.code).toBe(5);
  });

  it('push accepts a layout without a subject; --dry-run says "would create"', async () => {
    const dir = join(cli.home, 'push');
    await mkdir(join(dir, 'frame'), { recursive: true });
    await writeFile(join(dir, 'frame', 'template.json'), JSON.stringify({ alias: 'frame', layout: true }));
    await writeFile(join(dir, 'frame', 'content.html'), '<main>{{{body}}}</main>');
    const dry = await cli.run(['templates', 'push', dir, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).results).toMatchObject([{ alias: 'frame', status: 'would create' }]);
    const real = await cli.run(['templates', 'push', dir, '--json']);
    expect(JSON.parse(real.stdout).results).toMatchObject([
      { alias: 'frame', layout: true, status: 'created' },
    ]);
    expect(real.code).toBe(0);
  });
});

describe('suppressions import --dry-run', () => {
  it('exits 7 on invalid rows, as the import does', async () => {
    const file = join(cli.home, 'list.csv');
    await writeFile(file, 'email\nok@example.dk\nnot-an-address\n');
    const result = await cli.run(['suppressions', 'import', file, '--dry-run']);
    expect(result.stdout).toContain('would add 1');
    expect(result.code).toBe(7);
  });
});

describe('webhooks listen forwarding errors', () => {
  it('name the cause of a failed fetch', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await fetch(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect(describeFetchError(error)).toBe('fetch failed (ECONNREFUSED)');
  });
});
