import { MailPlatformError, redactSecret } from '@mailplatform/sdk';
import { describe, expect, it } from 'vitest';
import { maskSecret, redact } from './redact.js';

const SECRETS = [
  'mp_test_a1B2c3D4e5F6g7H8',
  'mp_live_ZZZZyyyyXXXXwwww_-9',
  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  'whsk_abcd',
  'mp_test_abc',
  'short',
  '',
  'plainsecretwithoutprefix',
];

describe('the CLI copy of the SDK redaction', () => {
  it('masks each secret exactly as the SDK does', () => {
    for (const secret of SECRETS) expect(maskSecret(secret), secret).toBe(redactSecret(secret));
  });

  // The SDK's redactText is not public; every SDK error message passes through it.
  const redactText = (text: string) => new MailPlatformError(text).message;

  it('redacts texts exactly as the SDK does', () => {
    const texts = [
      ...SECRETS.map((secret) => `key ${secret} in a sentence`),
      'Bearer mp_live_ZZZZyyyyXXXXwwww_-9, then whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=',
      'AUTH PLAIN plainsecretwithoutprefix twice: plainsecretwithoutprefix',
      'nothing secret here',
    ];
    for (const text of texts) {
      expect(redact(text), text).toBe(redactText(text));
    }
    expect(redact('key mp_test_a1B2c3D4e5F6g7H8 in a sentence')).toBe('key mp_test_…g7H8 in a sentence');
    expect(redact('AUTH plainsecretwithoutprefix', ['plainsecretwithoutprefix'])).toBe('AUTH …efix');
  });
});
