// Runs the copy-paste examples in examples/node-script exactly as a user would (`node <file>.mjs`),
// against a sandbox on port 0. `--conditions=source --import tsx` lets '@mailplatform/sdk' resolve to
// its TypeScript sources through the root node_modules symlink, so no build is needed.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signWebhook } from '@mailplatform/sdk/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/index.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const EXAMPLES = join(ROOT, 'examples/node-script');
const SCRIPT_TIMEOUT_MS = 15_000;
const TIMEZONE = 'Europe/Copenhagen';
const INVALID_ADDRESS_HEADER =
  'email,reason,bounceClass,bounceType,enhancedCode,diagnostic,firstSeenAt,lastSeenAt,lastMessageId,stream,tag';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

let sandbox: Sandbox;
let workDir: string;
const children: ChildProcess[] = [];

/** The child's environment: the sandbox's key and URL, sources through tsx, and no proxy for 127.0.0.1. */
function envFor(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'MAILPLATFORM_SMTP_URL']) {
    delete env[name];
  }
  return {
    ...env,
    MAILPLATFORM_API_KEY: sandbox.apiKey,
    MAILPLATFORM_BASE_URL: sandbox.url,
    NODE_OPTIONS: '--conditions=source --import tsx',
    ...extra,
  };
}

function run(file: string, args: string[] = [], extra: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [join(EXAMPLES, file), ...args],
      { cwd: ROOT, env: envFor(extra), timeout: SCRIPT_TIMEOUT_MS },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          fail(new Error(`${file} did not finish: ${error.message}\n${stderr}`));
          return;
        }
        done({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

/** The calendar date of `instant` in Copenhagen, as the examples compute it. */
function dayIn(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(instant);
}

interface Receiver {
  url: string;
  output: () => string;
  waitForOutput: (text: string) => Promise<void>;
}

/** Starts webhook-receiver.mjs and resolves once it prints the URL it listens on. */
function startReceiver(secret: string, port = 0): Promise<Receiver> {
  const child = spawn(process.execPath, [join(EXAMPLES, 'webhook-receiver.mjs')], {
    cwd: ROOT,
    env: envFor({ MAILPLATFORM_WEBHOOK_SECRET: secret, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const check of waiters) check();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const waitForOutput = (text: string) =>
    new Promise<void>((done, fail) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        fail(new Error(`webhook-receiver.mjs did not print ${JSON.stringify(text)}; output:\n${output}`));
      }, SCRIPT_TIMEOUT_MS);
      const check = () => {
        if (!output.includes(text)) return;
        clearTimeout(timer);
        waiters.delete(check);
        done();
      };
      waiters.add(check);
      check();
    });
  return waitForOutput('Listening on http://').then(() => {
    const url = /Listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url === undefined) throw new Error(`no URL in ${output}`);
    return { url, output: () => output, waitForOutput };
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function bouncedEvent(recipient: string): string {
  return JSON.stringify({
    id: `evt_${randomBytes(8).toString('hex')}`,
    type: 'message.bounced',
    timestamp: new Date().toISOString(),
    apiVersion: 'v1',
    data: {
      messageId: 'msg_01JPA6Q3W8C2M9Y4V7T1H5K0ZD',
      recipient,
      stream: 'transactional',
      tag: 'order-confirmation',
      metadata: { orderId: '1042' },
      from: 'ordre@shop.dk',
      subject: 'Ordrebekræftelse #1042',
      bounce: { class: 'hard', type: 'mailbox_not_found' },
      suppression: { created: true, reason: 'hard_bounce' },
    },
  });
}

beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, smtpPort: null });
  workDir = await mkdtemp(join(tmpdir(), 'mailplatform-example-'));
});

afterAll(async () => {
  for (const child of children) child.kill();
  await sandbox?.close();
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

// Each test starts one to three Node processes that load the SDK sources through tsx.
describe('examples/node-script', { timeout: 60_000 }, () => {
  let firstId = '';
  let submittedAt = new Date();

  it('send-order-confirmation.mjs creates the template and sends the Danish confirmation', async () => {
    const result = await run('send-order-confirmation.mjs', ['1042', 'kunde@example.dk']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Created the template 'order-confirmation' with the layout 'shop-layout'",
    );
    const match = /^Order 1042: (msg_\w+) queued$/m.exec(result.stdout);
    expect(match).not.toBeNull();
    firstId = match?.[1] ?? '';
    const json = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
    expect(json).toMatchObject({ id: firstId, idempotencyKey: 'order-1042:confirmation', replayed: false });
    submittedAt = new Date(json.submittedAt);

    const mail = await sandbox.inbox.waitFor({ to: 'kunde@example.dk', subject: 'Ordrebekræftelse #1042' });
    expect(mail.id).toBe(firstId);
    expect(mail.html).toContain('Tak for din ordre, Søren!');
    // 1 × 1.234,50 + 2 × 89,00 + 39,00 fragt
    expect(mail.html).toContain('1.451,50\u00a0kr.');
    expect(mail.html).toContain('Køkkenbutikken ApS');
  });

  it('send-order-confirmation.mjs run again for the same order replays instead of sending twice', async () => {
    const result = await run('send-order-confirmation.mjs', ['1042', 'kunde@example.dk']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Created the template');
    expect(result.stdout).toContain(`Order 1042: ${firstId} queued (already sent earlier: no second e-mail)`);
    expect(await sandbox.inbox.list({ to: 'kunde@example.dk' })).toHaveLength(1);
  });

  it('send-order-confirmation.mjs without a key prints the ConfigError and exits 1', async () => {
    const result = await run('send-order-confirmation.mjs', [], { MAILPLATFORM_API_KEY: '' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'ConfigError (missing_api_key): No API key: set the MAILPLATFORM_API_KEY environment variable or pass { apiKey } to the client\n',
    );
  });

  it('stats.mjs prints the day in Copenhagen grouped by tag', async () => {
    const day = dayIn(submittedAt);
    const result = await run('stats.mjs', [day]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ day, timezone: TIMEZONE });
    expect(report.since.startsWith(`${day}T00:00:00`)).toBe(true);
    expect(Object.keys(report.byTag), result.stdout).toEqual(['order-confirmation']);
    expect(report.byTag['order-confirmation'].sent).toBe(1);
    expect(report.totals.sent).toBe(1);
  });

  it('stats.mjs defaults to yesterday and refuses a malformed day', async () => {
    const result = await run('stats.mjs');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const yesterday = new Date(`${dayIn(new Date())}T00:00:00Z`);
    yesterday.setUTCDate(yesterday.getUTCDate() - 1);
    expect(report.day).toBe(yesterday.toISOString().slice(0, 10));

    const bad = await run('stats.mjs', ['14-03-2025']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('Usage: node stats.mjs [YYYY-MM-DD]   (got "14-03-2025")\n');
  });

  it('invalid-addresses.mjs exports the hard-bounced address to a CSV file', async () => {
    const sent = await run('send-order-confirmation.mjs', ['1043', 'hard-bounce@sim.mailplatform.test']);
    expect(sent.code).toBe(0);
    const messageId = /^Order 1043: (msg_\w+) queued$/m.exec(sent.stdout)?.[1];
    expect(messageId).toMatch(/^msg_/);
    await sandbox.clock.advance('PT1M');

    const file = join(workDir, 'invalid-addresses.csv');
    const result = await run('invalid-addresses.mjs', [file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Export exp_\w+ started\n/);
    expect(result.stdout).toContain(`Wrote 1 address to ${file}`);
    const csv = await readFile(file, 'utf8');
    expect(csv.startsWith('\ufeff')).toBe(true);
    const lines = csv.slice(1).trimEnd().split(/\r?\n/);
    expect(lines[0]).toBe(INVALID_ADDRESS_HEADER);
    expect(lines).toHaveLength(2);
    expect(
      lines[1]?.startsWith('hard-bounce@sim.mailplatform.test,hard_bounce,hard,mailbox_not_found,'),
    ).toBe(true);
    expect(lines[1]).toContain(`,${messageId},transactional,order-confirmation`);
  });

  it('webhook-receiver.mjs handles a signed event once and rejects unsigned and altered ones', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const receiver = await startReceiver(secret);
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/mailplatform$/);
    const payload = bouncedEvent('gammel@example.dk');
    const headers = await signWebhook({ payload, secret });
    const post = (body: string, extra: Record<string, string>) =>
      fetch(receiver.url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...extra },
      });

    const first = await post(payload, headers);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('ok');
    await receiver.waitForOutput('CRM: gammel@example.dk is invalid (hard bounce)');

    const again = await post(payload, headers);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('duplicate');

    const unsigned = await post(bouncedEvent('ny@example.dk'), {});
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toBe('missing_header');

    const altered = await post(payload.replace('gammel@example.dk', 'anden@example.dk'), headers);
    expect(altered.status).toBe(400);
    expect(await altered.text()).toBe('no_matching_signature');

    await receiver.waitForOutput('Rejected a webhook: no_matching_signature');
    expect(receiver.output().match(/^CRM: /gm)).toHaveLength(1);
  });

  it('register-webhook.mjs + webhook-receiver.mjs receive the sandbox delivery of a sent order', async () => {
    const port = await freePort();
    const registered = await run('register-webhook.mjs', [`http://127.0.0.1:${port}/webhooks/mailplatform`]);
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);
    expect(registered.stdout).toMatch(
      /^Registered wh_\w+ for http:\/\/127\.0\.0\.1:\d+\/webhooks\/mailplatform$/m,
    );
    const secret = /^MAILPLATFORM_WEBHOOK_SECRET=(whsec_\S+)$/m.exec(registered.stdout)?.[1];
    expect(secret).toBeDefined();

    const receiver = await startReceiver(secret ?? '', port);
    const sent = await run('send-order-confirmation.mjs', ['1044', 'delivered@sim.mailplatform.test']);
    expect(sent.code).toBe(0);
    await sandbox.clock.advance('PT1M');
    await receiver.waitForOutput('Order 1044: delivered to delivered@sim.mailplatform.test');
    expect(receiver.output()).not.toContain('Rejected');
  });
});
