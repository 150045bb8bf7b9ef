// Runs examples/nodemailer-smtp/send.mjs as its README says (`npm start` = `node send.mjs`, with
// MAILPLATFORM_API_KEY and MAILPLATFORM_SMTP_URL) against a sandbox SMTP relay on port 0.
// `--conditions=source --import tsx` lets '@mailplatform/sdk/smtp' resolve to its TypeScript sources
// through the root node_modules symlink, so no build is needed.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/index.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const EXAMPLE = join(ROOT, 'examples/nodemailer-smtp');
const SCRIPT_TIMEOUT_MS = 15_000;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface InboxHeader {
  name: string;
  value: string;
}

let sandbox: Sandbox;

function runSend(): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'MAILPLATFORM_BASE_URL']) {
    delete env[name];
  }
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['send.mjs'],
      {
        cwd: EXAMPLE,
        env: {
          ...env,
          MAILPLATFORM_API_KEY: sandbox.apiKey,
          MAILPLATFORM_SMTP_URL: sandbox.smtpUrl ?? '',
          NODE_OPTIONS: '--conditions=source --import tsx',
        },
        timeout: SCRIPT_TIMEOUT_MS,
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          fail(new Error(`send.mjs did not finish: ${error.message}\n${stderr}`));
          return;
        }
        done({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(`${sandbox.url}${path}`, {
    headers: { authorization: `Bearer ${sandbox.apiKey}` },
  });
  expect(response.status, path).toBe(200);
  return response.json();
}

beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, smtpPort: 0, smtpsPort: null });
});

afterAll(async () => {
  await sandbox?.close();
});

// Each run starts a Node process that loads the SDK sources through tsx.
describe('examples/nodemailer-smtp', { timeout: 60_000 }, () => {
  let messageId = '';

  it('send.mjs relays the order confirmation and prints the queued id', async () => {
    expect(sandbox.smtpUrl).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    const result = await runSend();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const match = /^250 2\.0\.0 Ok: queued as (msg_\w+)\n$/.exec(result.stdout);
    expect(match, result.stdout).not.toBeNull();
    messageId = match?.[1] ?? '';

    const inbox = (await getJson(`/sandbox/v1/inbox/${messageId}`)) as {
      id: string;
      to: { email: string }[];
      subject: string;
      tag: string | null;
      channel: string;
      html: string | null;
      headers: InboxHeader[];
    };
    expect(inbox).toMatchObject({
      id: messageId,
      to: [{ email: 'kunde@example.dk' }],
      subject: 'Ordrebekræftelse #1042',
      tag: 'order-confirmation',
      channel: 'smtp',
    });
    expect(inbox.html).toContain('Tak for din ordre');
    expect(inbox.headers.map((header) => header.name.toLowerCase())).toContain('subject');
    // The relay strips the control headers (tag, metadata, idempotency key) before delivery; the only
    // X-MP-* header left is the platform's own X-MP-Message-Id (platform contract §15).
    const mpHeaders = inbox.headers
      .filter((header) => /^x-mp-/i.test(header.name))
      .map((header) => [header.name.toLowerCase(), header.value]);
    expect(mpHeaders).toEqual([['x-mp-message-id', messageId]]);

    const message = (await getJson(`/v1/messages/${messageId}`)) as { metadata: Record<string, string> };
    expect(message.metadata).toEqual({ orderId: '1042' });
  });

  it('send.mjs run again with the same idempotency key gets the duplicate reply and sends nothing', async () => {
    expect(messageId).toMatch(/^msg_/);
    const result = await runSend();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`250 2.0.0 Ok: duplicate of ${messageId}\n`);

    const list = (await getJson('/sandbox/v1/inbox')) as { data: { id: string }[] };
    expect(list.data.map((message) => message.id)).toEqual([messageId]);
  });
});
