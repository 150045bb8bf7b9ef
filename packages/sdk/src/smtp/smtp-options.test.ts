import { inspect } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { resolveSmtp } from '../options.js';
import { smtpOptions } from './smtp-options.js';
import { createFakeRelay, type FakeRelay } from './testing/fake-relay.js';

const KEY = 'mp_test_presetkey4242';

describe('smtpOptions', () => {
  let relay: FakeRelay;

  beforeAll(async () => {
    relay = await createFakeRelay({ idempotency: false, password: KEY });
  });

  afterAll(async () => {
    await relay.close();
  });

  it('shows the key redacted in util.inspect and JSON.stringify', () => {
    const preset = smtpOptions({ apiKey: KEY });
    for (const text of [inspect(preset, { depth: 5 }), JSON.stringify(preset), inspect(preset.auth)]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('presetkey4242');
      expect(text).toContain('mp_test_…4242');
    }
    expect(JSON.parse(JSON.stringify(preset)).auth).toEqual({ user: 'apikey', pass: 'mp_test_…4242' });
    expect(preset.auth.pass).toBe(KEY);
    expect(Object.keys(preset.auth)).toEqual(['user', 'pass']);
  });

  it('authenticates through nodemailer with the key as the password', async () => {
    const good = nodemailer.createTransport(
      smtpOptions({ apiKey: KEY, host: '127.0.0.1', port: relay.port }),
    );
    const bad = nodemailer.createTransport(
      smtpOptions({ apiKey: 'mp_test_wrongkey999', host: '127.0.0.1', port: relay.port }),
    );
    try {
      await expect(good.verify()).resolves.toBe(true);
      await expect(bad.verify()).rejects.toMatchObject({ code: 'EAUTH' });
    } finally {
      good.close();
      bad.close();
    }
  });

  it.each([
    {},
    { port: 465 },
    { host: '[::1]', port: 4425 },
    { host: 'app.localhost', starttls: true },
    { host: 'relay.example', secure: true, starttls: false },
    { host: 'relay.example', starttls: false, allowInsecureAuth: true },
  ])('follows the client resolution for %j', (input) => {
    const resolved = resolveSmtp(input);
    expect(smtpOptions({ apiKey: KEY, ...input })).toMatchObject({
      host: resolved.host,
      port: resolved.port,
      secure: resolved.secure,
      requireTLS: !resolved.secure && resolved.starttls,
      ignoreTLS: !resolved.secure && !resolved.starttls,
      auth: { user: resolved.user, pass: KEY },
    });
  });

  it('treats a bracketed IPv6 loopback as loopback', () => {
    expect(smtpOptions({ apiKey: KEY, host: '[::1]', port: 4425 })).toMatchObject({
      requireTLS: false,
      ignoreTLS: true,
    });
  });

  it('refuses AUTH in clear text to a remote host', () => {
    expect(() => smtpOptions({ apiKey: KEY, host: 'relay.example', starttls: false })).toThrow(
      new ConfigError(
        'Refusing to send the API key in clear text to relay.example: use secure (port 465), starttls, or set allowInsecureAuth',
        { code: 'insecure_smtp_auth' },
      ),
    );
  });
});
