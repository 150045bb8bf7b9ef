// One SMTP resolution for send, doctor --smtp and --trace: --smtp-url > MAILPLATFORM_SMTP_URL >
// the profile's smtpUrl > the SDK default; a malformed value is a usage error (exit 2).
import { afterEach, describe, expect, it } from 'vitest';
import type { CliClient } from '../src/client.js';
import { parseSmtpUrl } from '../src/smtp-url.js';
import { createTestCli, type TestCli } from './helpers.js';

const KEY = 'mp_test_SmtpUrlSmtpUrl1234';
const fakeClient = {
  baseUrl: 'http://127.0.0.1:9',
  messages: {
    send: async () => ({ id: 'msg_1', status: 'queued', idempotencyKey: 'mpk_1', replayed: false }),
  },
  close: async () => {},
} as unknown as CliClient;
const send = [
  'send',
  '--via',
  'smtp',
  '--to',
  'a@shop.dk',
  '--from',
  'b@shop.dk',
  '--subject',
  's',
  '--text',
  't',
];

let cli: TestCli;
afterEach(async () => {
  await cli.cleanup();
});

async function smtpOf(argv: string[], env: Record<string, string> = {}) {
  const result = await cli.run(argv, { env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return cli.clientOptions.at(-1)?.smtp;
}

describe('SMTP relay resolution', () => {
  it('takes the flag over MAILPLATFORM_SMTP_URL over the profile; none leaves the SDK default', async () => {
    cli = await createTestCli({ client: () => fakeClient, env: { MAILPLATFORM_API_KEY: KEY } });
    expect(await smtpOf(send)).toBeUndefined();
    expect((await cli.run(['config', 'set', 'smtpUrl', 'smtp://profile.example:2525'])).code).toBe(0);
    expect(await smtpOf(send)).toEqual({
      host: 'profile.example',
      port: 2525,
      secure: false,
      user: 'apikey',
    });
    const env = { MAILPLATFORM_SMTP_URL: 'smtps://relay@env.example' };
    expect(await smtpOf(send, env)).toEqual({ host: 'env.example', port: 465, secure: true, user: 'relay' });
    expect(await smtpOf([...send, '--smtp-url', 'smtp://[::1]:2526'], env)).toEqual({
      host: '::1',
      port: 2526,
      secure: false,
      user: 'apikey',
    });
  });

  it('ignores the retired MAILPLATFORM_SMTP_HOST/PORT/USER', async () => {
    cli = await createTestCli({ client: () => fakeClient, env: { MAILPLATFORM_API_KEY: KEY } });
    const env = { MAILPLATFORM_SMTP_HOST: 'h', MAILPLATFORM_SMTP_PORT: 'x', MAILPLATFORM_SMTP_USER: 'u' };
    expect(await smtpOf(send, env)).toBeUndefined();
  });

  it('a malformed value from any source is exit 2, naming the source', async () => {
    cli = await createTestCli({ client: () => fakeClient, env: { MAILPLATFORM_API_KEY: KEY } });
    const flag = await cli.run([...send, '--smtp-url', 'smtp://relay.example:99999']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^error: --smtp-url is not a valid URL: "smtp:\/\/relay\.example:99999"$/m);
    const env = await cli.run(send, { env: { MAILPLATFORM_SMTP_URL: 'relay.example:587' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(
      /^error: MAILPLATFORM_SMTP_URL must start with smtp:\/\/ or smtps:\/\/, got "relay\.example:587"$/m,
    );
    const doctor = await cli.run(['doctor', '--smtp', '--smtp-url', 'smtp://u:secret@relay.example']);
    expect(doctor.code).toBe(2);
    expect(doctor.stderr).toMatch(/^error: --smtp-url must not contain a password$/m);
    const set = await cli.run(['config', 'set', 'smtpUrl', 'smtp://relay.example:0']);
    expect(set.code).toBe(2);
    expect(set.stderr).toMatch(/^error: smtpUrl has port 0: "smtp:\/\/relay\.example:0"$/m);
    expect(cli.clientOptions).toEqual([]);
  });
});

describe('parseSmtpUrl', () => {
  it('defaults the port by scheme and rejects paths', () => {
    expect(parseSmtpUrl({ value: 'smtp://relay.example', source: 's' })).toEqual({
      host: 'relay.example',
      port: 587,
      secure: false,
      user: 'apikey',
    });
    expect(() => parseSmtpUrl({ value: 'smtp://relay.example/x', source: 's' })).toThrow(
      's must not have a path, query or fragment: "smtp://relay.example/x"',
    );
  });
});
