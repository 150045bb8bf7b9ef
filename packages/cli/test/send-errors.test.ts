// A send that fails transiently reports the idempotency key it used: resending with it cannot send twice.
import { createSandbox, type Sandbox } from '@mailplatform/sandbox';
import { MailPlatform } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCli, type TestCli } from './helpers.js';
import { failNextRequests } from './sandbox-cli.js';

const SIM = 'sim.mailplatform.test';
let sandbox: Sandbox;
let cli: TestCli;

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

// One attempt per send, so each send consumes exactly one injected failure.
const argv = [
  '--max-retries',
  '0',
  'send',
  '--to',
  `delivered@${SIM}`,
  '--from',
  'ordre@shop.dk',
  '--subject',
  'Hej',
  '--text',
  'x',
];

describe('a transient send failure (exit 6)', () => {
  it('carries the generated idempotency key in the JSON error', async () => {
    await failNextRequests(sandbox, 1);
    const result = await cli.run([...argv, '--json']);
    expect(result.code).toBe(6);
    const { error } = JSON.parse(result.stderr);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(error.idempotencyKey).toMatch(/^mpk_/);
    expect(error.hint).toContain('the same idempotency key is safe to reuse');
  });

  it('prints the given idempotency key in the text error', async () => {
    await failNextRequests(sandbox, 1);
    const result = await cli.run([...argv, '--idempotency-key', 'order-4711', '-o', 'plain']);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/^ {2}idempotency key: order-4711$/m);
  });

  it('--count rows name the key of each failed send', async () => {
    await failNextRequests(sandbox, 2);
    const result = await cli.run([
      ...argv,
      '--count',
      '2',
      '--concurrency',
      '1',
      '--idempotency-key',
      'load',
      '--json',
    ]);
    expect(result.code).toBe(7);
    const rows = JSON.parse(result.stdout) as { index: number; status: string; idempotencyKey: string }[];
    expect(rows.map((r) => [r.index, r.status, r.idempotencyKey])).toEqual([
      [0, 'failed', 'load:0'],
      [1, 'failed', 'load:1'],
    ]);
  });
});
