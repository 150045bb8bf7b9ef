import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidHeaderError, ValidationError } from '../errors.js';
import { advertisesIdempotency } from './connection-pool.js';
import { mailplatformHeaders } from './mailplatform-headers.js';
import { smtpOptions } from './smtp-options.js';
import { redactClientLine, secretForms } from './transcript.js';

describe('mailplatformHeaders', () => {
  it('turns the typed extras into X-MP-* headers', () => {
    const headers = mailplatformHeaders({
      tag: 'order-confirmation',
      metadata: { orderId: '1042', note: 'blåbær' },
      tracking: { opens: false, clicks: 'none' },
      template: { alias: 'order-confirmation', version: 3, data: { orderNo: 1042 } },
      stream: 'transactional',
      idempotencyKey: 'order-1042/receipt',
      sendAt: new Date('2025-03-14T08:00:00Z'),
      simulate: 'hard-bounce',
    });
    expect(headers).toEqual({
      'X-MP-Stream': 'transactional',
      'X-MP-Tag': 'order-confirmation',
      'X-MP-Metadata': '{"orderId":"1042","note":"bl\\u00e5b\\u00e6r"}',
      'X-MP-Track-Opens': 'false',
      'X-MP-Track-Clicks': 'none',
      'X-MP-Template': 'order-confirmation@3',
      'X-MP-Template-Data': { prepared: true, value: Buffer.from('{"orderNo":1042}').toString('base64url') },
      'X-MP-Send-At': '2025-03-14T08:00:00.000Z',
      'X-MP-Idempotency-Key': 'order-1042/receipt',
      'X-MP-Simulate': 'hard-bounce',
    });
    expect(JSON.parse(headers['X-MP-Metadata'] as string)).toEqual({ orderId: '1042', note: 'blåbær' });
  });

  it('folds long template data into lines of at most 76 characters', () => {
    const data = { text: 'x'.repeat(1_000) };
    const header = mailplatformHeaders({ template: { id: 'tmpl_01ABC', data } })['X-MP-Template-Data'];
    expect(typeof header).toBe('object');
    const lines = (header as { value: string }).value.split('\r\n ');
    expect(lines.every((line) => line.length <= 76)).toBe(true);
    expect(JSON.parse(Buffer.from(lines.join(''), 'base64url').toString())).toEqual(data);
  });

  it('refuses template data over 8 KB with a pointer to the API', () => {
    expect(() =>
      mailplatformHeaders({ template: { alias: 'a', data: { blob: 'x'.repeat(7_000) } } }),
    ).toThrow(
      /template\.data: is \d+ characters as X-MP-Template-Data; the SMTP limit is 8192\. Send this message through the API/,
    );
  });

  it('refuses line breaks with InvalidHeaderError and bad values with ValidationError', () => {
    expect(() => mailplatformHeaders({ tag: 'a\r\nX-Evil: 1' })).toThrow(InvalidHeaderError);
    expect(() => mailplatformHeaders({ metadata: { 'a\nb': 'v' } })).toThrow(InvalidHeaderError);
    expect(() => mailplatformHeaders({ metadata: { a: 'v\u2028' } })).toThrow(InvalidHeaderError);
    expect(() => mailplatformHeaders({ idempotencyKey: ' padded ' })).toThrow(ValidationError);
    expect(() => mailplatformHeaders({ sendAt: 'soon' })).toThrow(
      'sendAt: expected a Date or an RFC 3339 timestamp',
    );
    expect(() => mailplatformHeaders({ template: { alias: 'a@b' } })).toThrow(
      'template.alias: must not contain "@" or whitespace over SMTP',
    );
  });
});

describe('smtpOptions', () => {
  it('is a pooled preset with the policy timeouts and TLS required for a remote host', () => {
    expect(smtpOptions({ apiKey: 'mp_live_abc123' })).toEqual({
      pool: true,
      host: 'smtp.mailplatform.dk',
      port: 587,
      secure: false,
      requireTLS: true,
      ignoreTLS: false,
      auth: { user: 'apikey', pass: 'mp_live_abc123' },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      dnsTimeout: 5_000,
      socketTimeout: 60_000,
      maxConnections: 5,
      maxMessages: 100,
    });
    expect(smtpOptions({ apiKey: 'k', port: 465 })).toMatchObject({ secure: true, requireTLS: false });
  });

  it('allows plain AUTH on loopback only', () => {
    expect(smtpOptions({ apiKey: 'k', host: '127.0.0.1', port: 4425 })).toMatchObject({
      requireTLS: false,
      ignoreTLS: true,
    });
    expect(smtpOptions({ apiKey: 'k', host: '::1', port: 4425 })).toMatchObject({ requireTLS: false });
    expect(() => smtpOptions({ apiKey: 'k', host: 'smtp.example.com', starttls: false })).toThrow(
      ConfigError,
    );
    expect(
      smtpOptions({ apiKey: 'k', host: 'relay.lan', starttls: false, allowInsecureAuth: true }),
    ).toMatchObject({
      requireTLS: false,
    });
  });
});

describe('SMTP helpers', () => {
  it('reads XMPIDEMPOTENCY from an EHLO reply', () => {
    expect(advertisesIdempotency('250-relay\r\n250-PIPELINING\r\n250 XMPIDEMPOTENCY')).toBe(true);
    expect(advertisesIdempotency('250-relay\r\n250 PIPELINING')).toBe(false);
    expect(advertisesIdempotency('250-relay\r\n250 X-XMPIDEMPOTENCY-NOT')).toBe(false);
  });

  it('redacts AUTH lines and every encoding of the password', () => {
    const secrets = secretForms('apikey', 'mp_test_secret99');
    expect(redactClientLine('AUTH PLAIN AGFwaWtleQBtcF90ZXN0X3NlY3JldDk5', secrets)).toBe(
      'AUTH PLAIN [redacted]',
    );
    expect(redactClientLine('/* secret */', secrets)).toBe('[redacted]');
    expect(redactClientLine(`NOOP ${Buffer.from('mp_test_secret99').toString('base64')}`, secrets)).toBe(
      'NOOP [redacted]',
    );
  });
});
