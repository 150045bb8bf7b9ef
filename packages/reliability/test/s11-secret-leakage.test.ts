import { inspect } from 'node:util';
import { MailPlatform } from '@mailplatform/sdk';
import {
  createMemoryDedupeStore,
  handleWebhookRequest,
  signWebhook,
  verifyWebhook,
} from '@mailplatform/sdk/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer, type FaultApiServer, randomFaults } from '../src/fault-api-server.js';
import { createFaultSmtpRelay, type FaultSmtpRelay } from '../src/fault-smtp-relay.js';
import { createCli } from './cli.js';
import { API_KEY, FAST_BACKOFF, refs, report, seeded, sendAll } from './helpers.js';
import { smtpSendAll, smtpSender } from './smtp.js';

const prng = seeded('S11');
const WEBHOOK_SECRET = `whsec_${Buffer.from('s11-webhook-secret-bytes-0123456789').toString('base64')}`;

/** Every form a secret could leak in: raw, base64, base64url, URL-encoded. */
function forms(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
  ];
}
const SECRETS = [
  ...forms(API_KEY),
  // the SMTP password is the API key; AUTH PLAIN sends base64("\0user\0password")
  Buffer.from(`\u0000apikey\u0000${API_KEY}`).toString('base64'),
  Buffer.from(`apikey\u0000apikey\u0000${API_KEY}`).toString('base64'),
  ...forms(WEBHOOK_SECRET),
  WEBHOOK_SECRET.slice('whsec_'.length),
];

const captured: string[] = [];
function capture(value: unknown): void {
  captured.push(typeof value === 'string' ? value : inspect(value, { depth: 8 }));
}
const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => capture([message, fields]),
  info: (message: string, fields?: Record<string, unknown>) => capture([message, fields]),
  warn: (message: string, fields?: Record<string, unknown>) => capture([message, fields]),
  error: (message: string, fields?: Record<string, unknown>) => capture([message, fields]),
};
function captureError(error: unknown): void {
  capture(error);
  capture(String((error as Error).message));
  capture(JSON.stringify(error));
  capture(inspect(error, { depth: 8, showHidden: true }));
}

let server: FaultApiServer;
let relay: FaultSmtpRelay;
beforeAll(async () => {
  server = await createFaultApiServer({
    apiKey: API_KEY,
    faults: randomFaults(
      (ref, attempt) => prng.at('s11', ref, attempt),
      [
        [0.2, { kind: 'status', status: 503 }],
        [0.05, { kind: 'commit-then-hang', ms: 1_000 }],
        [0.05, { kind: 'commit-then-reset' }],
      ],
    ),
  });
  relay = await createFaultSmtpRelay({
    password: API_KEY,
    idempotency: true,
    faults: ({ ref, attempt }) =>
      prng.at('s11-smtp', ref, attempt) < 0.2
        ? { kind: 'reply', stage: 'rcpt', code: 451, text: '4.7.1 Later' }
        : undefined,
  });
});
afterAll(async () => {
  await server.close();
  await relay.close();
});

describe('S11 secret leakage: 0 occurrences of the key, the SMTP password or the webhook secret', () => {
  it('API (S1/S3 style), SMTP with trace (S7 style), webhooks (S9 style) and the CLI with --debug and --trace', {
    timeout: 120_000,
  }, async () => {
    const mp = new MailPlatform({
      apiKey: API_KEY,
      baseUrl: server.url,
      timeout: 300,
      maxRetries: 1,
      backoff: FAST_BACKOFF,
      logger,
    });
    capture(mp);
    capture(JSON.stringify(mp));
    const outcomes = await sendAll(mp, refs('s11', 300), 20);
    for (const outcome of outcomes) if (!outcome.ok) captureError(outcome.error);
    const wrongKey = new MailPlatform({
      apiKey: 'mp_test_OtherKeyOtherKeyOther0000',
      baseUrl: server.url,
      logger,
    });
    await wrongKey.messages
      .send({ from: 'a@shop.example', to: 'b@kunde.example', subject: 's', text: 't' })
      .catch(captureError);
    await mp.close();
    await wrongKey.close();

    const sender = smtpSender(relay, { trace: (line) => captured.push(line), logger, maxRetries: 1 });
    const smtp = await smtpSendAll(sender, refs('s11smtp', 100), 10);
    for (const outcome of smtp) if (!outcome.ok) captureError(outcome.error);
    await sender.close();
    const badAuth = smtpSender(relay, {
      apiKey: 'mp_test_WrongSmtpPasswordXxxxYyyy00',
      trace: (line) => captured.push(line),
    });
    await badAuth
      .send((await import('./smtp.js')).smtpMessage('s11-auth'), { idempotencyKey: 'k-auth' })
      .catch(captureError);
    await badAuth.close();
    expect(captured.some((line) => line.startsWith('C: AUTH'))).toBe(true);

    const payload = JSON.stringify({
      id: 'evt_s11',
      type: 'message.delivered',
      timestamp: new Date().toISOString(),
      data: {},
    });
    const headers = await signWebhook({ payload, secret: WEBHOOK_SECRET, id: 'evt_s11' });
    for (const secret of [
      WEBHOOK_SECRET,
      `whsec_${Buffer.from('another-secret-entirely!').toString('base64')}`,
    ]) {
      await verifyWebhook({ payload: `${payload} `, headers, secret }).catch(captureError);
      const response = await handleWebhookRequest(
        new Request('http://127.0.0.1/hook', { method: 'POST', headers, body: `${payload} ` }),
        { secret, on: () => {}, dedupe: createMemoryDedupeStore() },
      );
      capture(await response.text());
    }
    await verifyWebhook({ payload, headers, secret: 'whsec_!!not-base64!!' }).catch(captureError);

    const cli = await createCli({ MAILPLATFORM_API_KEY: API_KEY, MAILPLATFORM_BASE_URL: server.url });
    for (const extra of [['--debug'], ['--debug', 'http'], ['--trace'], ['--json', '--debug']]) {
      const run = await cli.run([
        'send',
        '--from',
        'a@shop.example',
        '--to',
        'b@kunde.example',
        '--subject',
        's',
        '--text',
        't',
        ...extra,
      ]);
      captured.push(run.stdout, run.stderr);
    }
    const smtpRun = await cli.run(
      [
        'send',
        '--via',
        'smtp',
        '--trace',
        '--from',
        'a@shop.example',
        '--to',
        'b@kunde.example',
        '--subject',
        's',
        '--text',
        't',
      ],
      { env: { MAILPLATFORM_SMTP_URL: `smtp://127.0.0.1:${relay.port}` } },
    );
    captured.push(smtpRun.stdout, smtpRun.stderr);
    await cli.cleanup();

    const text = captured.join('\n');
    expect(text.length).toBeGreaterThan(10_000);
    const hits = SECRETS.filter((secret) => text.includes(secret));
    expect(hits).toEqual([]);
    report({
      scenario: 'S11',
      n: outcomes.length + smtp.length,
      seed: prng.seed,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      attemptsPerSend: 0,
      extra: { capturedChars: text.length, forms: SECRETS.length, hits: hits.length },
    });
  });
});
