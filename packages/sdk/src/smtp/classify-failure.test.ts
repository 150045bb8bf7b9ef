import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, SmtpError, SmtpRejectedError, SmtpTransientError } from '../errors.js';
import { classifyFailure } from './classify-failure.js';
import { OpenConnectionError } from './connection-pool.js';
import { redactSecrets, secretForms } from './transcript.js';

// No mp_ prefix: only the sender's own redaction (raw and base64 forms of the key) can find it.
const PASSWORD = 'relaysecret-abc123';
const PLAIN = Buffer.from(`\u0000apikey\u0000${PASSWORD}`).toString('base64');
const secrets = secretForms('apikey', PASSWORD);
const ctx = { dotSent: false, idempotent: false, redact: (text: string) => redactSecrets(text, secrets) };

function nodemailerError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(`Invalid login: 535 5.7.8 AUTH PLAIN ${PLAIN} refused`), fields);
}

function expectNoSecret(error: unknown): void {
  for (const text of [inspect(error, { depth: 10 }), JSON.stringify(error)]) {
    expect(text).not.toContain(PLAIN);
    expect(text).not.toContain(PASSWORD);
  }
}

describe('classifyFailure', () => {
  it('keeps a redacted copy of a failed AUTH as the cause', () => {
    const raw = nodemailerError({
      code: 'EAUTH',
      command: `AUTH PLAIN ${PLAIN}`,
      response: `535 5.7.8 ${PLAIN} refused`,
      responseCode: 535,
    });
    const { error, retry } = classifyFailure(new OpenConnectionError('auth', raw), ctx);
    expect(retry).toBe(false);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.cause).not.toBe(raw);
    expect(error.cause).toMatchObject({
      message: 'Invalid login: 535 5.7.8 AUTH PLAIN [redacted] refused',
      code: 'EAUTH',
      command: 'AUTH PLAIN [redacted]',
      response: '535 5.7.8 [redacted] refused',
      responseCode: 535,
    });
    expect((error.cause as Error).stack).not.toContain(PLAIN);
    expectNoSecret(error);
  });

  it('redacts the cause of a reply-code failure, its rejected recipients and an unknown failure', () => {
    const rejected = classifyFailure(
      nodemailerError({
        code: 'EENVELOPE',
        command: 'RCPT TO',
        responseCode: 550,
        rejectedErrors: [nodemailerError({ responseCode: 550, response: `550 ${PASSWORD}` })],
      }),
      ctx,
    ).error;
    expect(rejected).toBeInstanceOf(SmtpRejectedError);
    expectNoSecret(rejected);

    const lost = classifyFailure(nodemailerError({ code: 'ECONNECTION', command: 'DATA' }), ctx).error;
    expect(lost).toBeInstanceOf(SmtpTransientError);
    expect(lost.cause).toMatchObject({ code: 'ECONNECTION', command: 'DATA' });
    expectNoSecret(lost);

    const other = classifyFailure(nodemailerError({ code: 'ESTREAM' }), ctx).error;
    expect(other).toBeInstanceOf(SmtpError);
    expect(other.cause).toMatchObject({ code: 'ESTREAM', message: expect.stringContaining('[redacted]') });
    expectNoSecret(other);
  });
});
