import { ConfigError } from '../errors.js';
import { decodeBase64 } from './base64.js';

/** `whsec_` + base64 (as the platform shows it), bare base64, or the raw key bytes. */
export type WebhookSecret = string | Uint8Array;

const PREFIX = 'whsec_';

function secretBytes(secret: WebhookSecret): Uint8Array<ArrayBuffer> {
  if (secret instanceof Uint8Array) {
    if (secret.length === 0)
      throw new ConfigError('The webhook secret is empty.', { code: 'invalid_webhook_secret' });
    return new Uint8Array(secret);
  }
  if (typeof secret !== 'string') {
    throw new ConfigError('The webhook secret must be a string or a Uint8Array.', {
      code: 'invalid_webhook_secret',
    });
  }
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const bytes = decodeBase64(encoded);
  if (bytes === undefined || bytes.length === 0) {
    throw new ConfigError('The webhook secret must be "whsec_" followed by non-empty base64.', {
      code: 'invalid_webhook_secret',
    });
  }
  return new Uint8Array(bytes);
}

/** An HMAC-SHA256 key for `secret`; a malformed secret is a `ConfigError` whose message never contains it. */
export function importSecret(secret: WebhookSecret): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secretBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}
