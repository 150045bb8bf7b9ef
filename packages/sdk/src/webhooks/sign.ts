import { ValidationError } from '../errors.js';
import { encodeBase64 } from './base64.js';
import { importSecret, type WebhookSecret } from './secret.js';

export interface SignWebhookInput {
  /** The exact body that will be sent. */
  payload: string | Uint8Array;
  secret: WebhookSecret;
  /** `webhook-id`; the platform uses the event id. Defaults to a random `msg_…` id. */
  id?: string;
  /** `webhook-timestamp` in unix seconds (or a `Date`); defaults to now. */
  timestamp?: number | Date;
}

/** A type alias (not an interface) so that it fits `Record<string, string>` and `HeadersInit`. */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

const encoder = new TextEncoder();
/** Printable ASCII without `.` (the separator of the signed content). */
const ID_PATTERN = /^[\x21-\x2d\x2f-\x7e]+$/;

export function payloadBytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === 'string' ? encoder.encode(payload) : payload;
}

/** HMAC-SHA256 over `${id}.${timestamp}.${payload}` (Standard Webhooks v1). */
export async function hmacSignature(
  key: CryptoKey,
  id: string,
  timestamp: string,
  payload: Uint8Array,
): Promise<Uint8Array> {
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + payload.length);
  content.set(prefix);
  content.set(payload, prefix.length);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, content));
}

function timestampSeconds(timestamp: number | Date | undefined): number {
  if (timestamp === undefined) return Math.floor(Date.now() / 1000);
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new ValidationError('The webhook timestamp must be a non-negative integer of unix seconds.', {
      field: 'timestamp',
    });
  }
  return seconds;
}

function randomId(): string {
  return `msg_${crypto.randomUUID().replaceAll('-', '')}`;
}

/**
 * Signs a webhook body the way the platform does and returns the three Standard Webhooks headers:
 * for testing your own receiver.
 *
 * @example
 * ```ts
 * import { signWebhook } from '@mailplatform/sdk';
 *
 * const payload = JSON.stringify({
 *   id: 'evt_01HTEST',
 *   type: 'message.delivered',
 *   timestamp: '2026-03-14T08:00:03.000Z',
 *   data: { messageId: 'msg_01HTEST', recipient: 'kunde@example.dk' },
 * });
 * const headers = await signWebhook({ payload, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
 * const response = await fetch('http://127.0.0.1:3000/webhooks/mailplatform', {
 *   method: 'POST',
 *   headers: { ...headers, 'content-type': 'application/json' },
 *   body: payload,
 * });
 * ```
 */
export async function signWebhook(input: SignWebhookInput): Promise<WebhookHeaders> {
  const id = input.id ?? randomId();
  if (!ID_PATTERN.test(id)) {
    throw new ValidationError('The webhook id must be non-empty printable ASCII without ".".', {
      field: 'id',
    });
  }
  const timestamp = String(timestampSeconds(input.timestamp));
  const key = await importSecret(input.secret);
  const signature = await hmacSignature(key, id, timestamp, payloadBytes(input.payload));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${encodeBase64(signature)}`,
  };
}
