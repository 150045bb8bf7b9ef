// `send --via smtp --trace` and `doctor --smtp` against the real sandbox relay (STARTTLS, AUTH PLAIN).
import { createSandbox, type Sandbox } from '@mailplatform/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, type TestCli } from './helpers.js';
import { type SandboxCli, startSandboxCli } from './sandbox-cli.js';

let sandbox: Sandbox;
let cli: TestCli;
let key: string;
let smtp: URL;
const SIM = 'sim.mailplatform.test';

/** The SASL PLAIN blobs a trace could leak besides the forms `expectNoLeak` knows. */
function expectNoAuthBlob(text: string, user: string, secret: string): void {
  for (const blob of [`\u0000${user}\u0000${secret}`, `${user}\u0000${user}\u0000${secret}`]) {
    expect(text).not.toContain(Buffer.from(blob).toString('base64'));
  }
}

let running: SandboxCli;
beforeAll(async () => {
  running = await startSandboxCli();
  ({ sandbox, key, smtp, cli } = running);
});
afterAll(() => running.close());

describe('send --via smtp --trace', () => {
  it('prints the dialogue swaks-style on stderr, AUTH redacted, the key in no form', async () => {
    const result = await cli.run([
      'send',
      '--via',
      'smtp',
      '--trace',
      '--to',
      `delivered+smtptrace@${SIM}`,
      '--from',
      'Shop <ordre@shop.dk>',
      '--subject',
      'Ordre #1042',
      '--text',
      'Tak',
      '--idempotency-key',
      'smtp-trace-1',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const sent = JSON.parse(result.stdout) as { id: string; status: string };
    expect(sent).toMatchObject({ id: expect.stringMatching(/^msg_/), status: 'queued' });
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `=== Trying ${smtp.hostname}:${smtp.port} (user apikey, password: the API key, redacted)`,
    );
    expect(lines[1]).toMatch(/^<- {2}220 /);
    const clientLines = lines.filter((l) => l.startsWith(' -> '));
    expect(clientLines.map((l) => l.slice(4).split(' ')[0])).toEqual([
      'EHLO',
      'AUTH',
      'MAIL',
      'RCPT',
      'DATA',
      'QUIT',
    ]);
    expect(clientLines).toContain(' -> AUTH PLAIN [redacted]');
    expect(clientLines).toContain(' -> MAIL FROM:<ordre@shop.dk>');
    expect(clientLines).toContain(` -> RCPT TO:<delivered+smtptrace@${SIM}>`);
    expect(lines).toContain('<-  235 2.7.0 Authentication successful');
    expect(lines).toContain(`<-  250 2.0.0 Ok: queued as ${sent.id}`);
    expect(lines).toContain(`=== queued ${sent.id} (idempotency key smtp-trace-1)`);
    expectNoLeak(result.stderr + result.stdout, key);
    expectNoAuthBlob(result.stderr, 'apikey', key);
    const got = await cli.run(['messages', 'get', sent.id, '--json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ id: sent.id, subject: 'Ordre #1042' });
  });

  it('a refused key is exit 4, with the transcript up to AUTH and no key', async () => {
    const bad = 'mp_live_NotASandboxKey9999';
    const result = await cli.run(
      [
        'send',
        '--via',
        'smtp',
        '--trace',
        '--to',
        `delivered@${SIM}`,
        '--from',
        'ordre@shop.dk',
        '--subject',
        'S',
        '--text',
        'T',
      ],
      { env: { MAILPLATFORM_API_KEY: bad } },
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(' -> AUTH PLAIN [redacted]');
    expect(result.stderr).toContain('<-  535 5.7.8 Authentication credentials invalid');
    expect(result.stderr).not.toContain(' -> MAIL FROM');
    expectNoLeak(result.stderr + result.stdout, bad);
    expectNoAuthBlob(result.stderr, 'apikey', bad);
  });

  it('a rejection reports the SMTP stage and codes, as text and in the JSON error (exit 10)', async () => {
    const reject = async () => {
      const response = await fetch(`${sandbox.url}/sandbox/v1/chaos/next`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ phase: 'rcptTo', code: 550, message: '5.1.1 No such user here' }),
      });
      expect(response.status).toBe(204);
    };
    const argv = ['send', '--via', 'smtp', '--to', `delivered@${SIM}`, '--from', 'ordre@shop.dk'];
    await reject();
    const json = await cli.run([...argv, '--subject', 'S', '--text', 'T', '--json']);
    expect(json.code).toBe(10);
    expect(JSON.parse(json.stderr).error).toMatchObject({
      stage: 'rcpt',
      smtpCode: 550,
      enhancedCode: '5.1.1',
      retryable: false,
    });
    await reject();
    const text = await cli.run([...argv, '--subject', 'S', '--text', 'T']);
    expect(text.code).toBe(10);
    expect(text.stderr).toMatch(/^ {2}smtp: stage rcpt, 550 5\.1\.1$/m);
    expectNoLeak(json.stderr + text.stderr, key);
  });
});

describe('doctor --smtp', () => {
  const smtpRows = (stdout: string) =>
    (JSON.parse(stdout) as { checks: { check: string; status: string; detail: string }[] }).checks.filter(
      (c) => c.check.startsWith('SMTP'),
    );

  it('passes connect, EHLO, STARTTLS and AUTH with a good key', async () => {
    const result = await cli.run(['doctor', '--smtp', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = smtpRows(result.stdout);
    expect(rows.map((r) => `${r.check}:${r.status}`)).toEqual([
      'SMTP connect:pass',
      'SMTP EHLO:pass',
      'SMTP TLS:pass',
      'SMTP AUTH:pass',
    ]);
    expect(rows[0]?.detail).toMatch(new RegExp(`^${smtp.hostname}:${smtp.port}: 220 `));
    expect(rows[1]?.detail).toContain('STARTTLS');
    expect(rows[2]?.detail).toMatch(
      /^TLSv1\.[23] \S+ via STARTTLS, certificate not verified \(loopback relay\)$/,
    );
    expect(rows[3]?.detail).toBe('user apikey: 235 2.7.0 Authentication successful');
    expectNoLeak(result.stdout, key);
    expectNoAuthBlob(result.stdout, 'apikey', key);
  });

  it('fails AUTH with a bad key: exit 8, the reply shown, the key not', async () => {
    const bad = 'mp_live_NotASandboxKey9999';
    const result = await cli.run(['doctor', '--smtp', '-o', 'plain'], {
      env: { MAILPLATFORM_API_KEY: bad },
    });
    expect(result.code).toBe(8);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.filter((r) => r[0]?.startsWith('SMTP'))).toEqual([
      ['SMTP connect', 'pass', expect.stringMatching(/: 220 /)],
      ['SMTP EHLO', 'pass', expect.stringContaining('AUTH PLAIN LOGIN')],
      ['SMTP TLS', 'pass', expect.stringContaining('via STARTTLS')],
      ['SMTP AUTH', 'fail', 'user apikey: 535 5.7.8 Authentication credentials invalid'],
    ]);
    expect(result.stderr).toMatch(/^error: \d+ check\(s\) failed: .*SMTP AUTH/m);
    expectNoLeak(result.stdout + result.stderr, bad);
    expectNoAuthBlob(result.stdout + result.stderr, 'apikey', bad);
  });

  it('fails connect when nothing listens: exit 8', async () => {
    const closed = await createSandbox({ port: 0, smtpPort: 0 });
    const port = new URL(closed.smtpUrl ?? '').port;
    await closed.close();
    // The flag wins over MAILPLATFORM_SMTP_URL, which names the live relay.
    const result = await cli.run(['doctor', '--smtp', '--smtp-url', `smtp://127.0.0.1:${port}`, '--json']);
    expect(result.code).toBe(8);
    expect(smtpRows(result.stdout)).toEqual([
      {
        check: 'SMTP connect',
        status: 'fail',
        detail: expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`)),
      },
    ]);
  });
});
