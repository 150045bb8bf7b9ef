// QA fixes in the CLI core: global flags before the command, --debug, broken pipes, error documents.
import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { createSandbox, type Sandbox } from '@mailplatform/sandbox';
import { MailPlatform } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';
import { commandPath, exitOnBrokenPipe, normalizeArgv } from '../src/run.js';
import { createTestCli, leakForms, type TestCli } from './helpers.js';
import { failNextRequests } from './sandbox-cli.js';

let sandbox: Sandbox;
let cli: TestCli;

/** A 127.0.0.1 URL nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, smtpPort: null });
  cli = await createTestCli({
    client: (o) => new MailPlatform(o),
    env: { MAILPLATFORM_API_KEY: sandbox.apiKey, MAILPLATFORM_BASE_URL: sandbox.url },
  });
});
afterAll(async () => {
  await cli.cleanup();
  await sandbox.close();
});

describe('a global option with an optional value before the command', () => {
  const program = createProgram(cli?.ctx ?? ({} as never));
  it('does not take the command name as its value', () => {
    expect(normalizeArgv(['--json', 'whoami'], program)).toEqual(['--json=', 'whoami']);
    expect(normalizeArgv(['--csv', 'stats'], program)).toEqual(['--csv=', 'stats']);
    expect(normalizeArgv(['-p', 'stats', '--debug', 'ls'], program)).toEqual([
      '-p',
      'stats',
      '--debug',
      'ls',
    ]);
    expect(normalizeArgv(['-p', 'x', '--debug', 'messages', 'ls'], program)).toEqual([
      '-p',
      'x',
      '--debug=',
      'messages',
      'ls',
    ]);
    expect(normalizeArgv(['--json=a,b', 'whoami'], program)).toEqual(['--json=a,b', 'whoami']);
    expect(normalizeArgv(['--json', 'a,b', 'whoami'], program)).toEqual(['--json', 'a,b', 'whoami']);
    expect(normalizeArgv(['whoami', '--json', 'stats'], program)).toEqual(['whoami', '--json', 'stats']);
  });

  it('`--json whoami` and `--csv stats` run the command', async () => {
    const json = await cli.run(['--json', 'whoami']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toBeTypeOf('object');
    const csv = await cli.run(['--csv', 'stats', '--since', '1d']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toContain(',sent,');
  });

  it('finds the command path behind global options', () => {
    expect(commandPath(['--json', 'a,b', '-p', 'x', 'suppressions', 'remove', 'a@b.dk'], program)).toEqual([
      'suppressions',
      'remove',
    ]);
    expect(commandPath(['--debug', '--', 'send'], program)).toEqual([]);
  });
});

describe('--debug', () => {
  it('prints each HTTP exchange on stderr with the key redacted', async () => {
    const result = await cli.run(['--debug', 'whoami', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(`^debug http: GET ${sandbox.url}/v1/\\S+ 200 \\(attempt 1, \\d+ ms, \\S+\\)$`, 'm'),
    );
    for (const form of leakForms(sandbox.apiKey)) expect(result.stderr).not.toContain(form);
    const http = await cli.run(['--debug=http', 'whoami']);
    expect(http.stderr).toContain('debug http: GET ');
    expect((await cli.run(['whoami'])).stderr).not.toContain('debug');
  });

  it('rejects an unknown topic', async () => {
    const result = await cli.run(['--debug=sql', 'whoami']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('error: unknown --debug topic "sql"\n  hint: use --debug or --debug=http\n');
  });
});

describe('a closed stdout (`| head -1`)', () => {
  it('exits 0 quietly on EPIPE and leaves other errors alone', () => {
    const stream = new EventEmitter();
    const exits: number[] = [];
    exitOnBrokenPipe(stream, (code) => exits.push(code));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(exits).toEqual([0]);
    const other = Object.assign(new Error('write EIO'), { code: 'EIO' });
    expect(() => stream.emit('error', other)).toThrow(other);
    expect(exits).toEqual([0]);
  });
});

describe('error documents', () => {
  it('a connection failure outside send has no idempotency key in its hint', async () => {
    const url = await closedPortUrl();
    const result = await cli.run(['--max-retries', '0', '--base-url', url, 'whoami']);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('  hint: a temporary failure: retry later\n');
    expect(result.stderr).not.toContain('idempotency');
  });

  it('a failed POST of another command carries no idempotency key', async () => {
    await failNextRequests(sandbox, 1);
    const result = await cli.run([
      '--max-retries',
      '0',
      'webhooks',
      'create',
      '--url',
      'http://127.0.0.1:9/hook',
      '--json',
    ]);
    expect(result.code).toBe(6);
    const { error } = JSON.parse(result.stderr);
    expect(error).toMatchObject({
      status: 503,
      idempotencyKey: null,
      hint: 'a temporary failure: retry later',
    });
  });

  it('a 404 of suppressions remove says the address is not suppressed', async () => {
    const result = await cli.run(['suppressions', 'remove', 'nobody@shop.dk']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(
      '  hint: the address is not suppressed (for this stream): see `mailplatform suppressions check`\n',
    );
  });

  it('keeps the field and the field errors of a validation failure in JSON', async () => {
    const result = await cli.run([
      'send',
      '--to',
      'kunde@',
      '--from',
      'ordre@shop.dk',
      '--subject',
      'Hej',
      '--text',
      'x',
      '--json',
    ]);
    expect(result.code).toBe(10);
    const { error } = JSON.parse(result.stderr);
    expect(error.field).toBeTypeOf('string');
    expect(error.errors).toEqual([
      expect.objectContaining({
        pointer: expect.any(String),
        code: expect.any(String),
        message: expect.any(String),
      }),
    ]);
  });

  it('names the source of a malformed key in the CLI’s words', async () => {
    const flag = await cli.run(['--api-key', 'mp_test_', 'whoami']);
    expect(flag.code).toBe(4);
    expect(flag.stderr.split('\n')[0]).toBe(
      "error: the API key from --api-key flag is malformed: expected mp_live_ or mp_test_ followed by letters, digits, '_' or '-'",
    );
    const env = await cli.run(['whoami'], { env: { MAILPLATFORM_API_KEY: 'sk_nope' } });
    expect(env.code).toBe(4);
    expect(env.stderr.split('\n')[0]).toBe(
      "error: the API key from MAILPLATFORM_API_KEY is malformed: expected mp_live_ or mp_test_ followed by letters, digits, '_' or '-'",
    );
  });
});
