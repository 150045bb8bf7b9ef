import { ConfigError, WebhookVerificationError } from '../errors.js';
import { decodeBase64 } from './base64.js';
import { type EventEnvelope, isEventEnvelope, type MailEvent } from './event.js';
import { importSecret, type WebhookSecret } from './secret.js';
import { hmacSignature, payloadBytes } from './sign.js';

export type WebhookHeaderInput = Headers | Record<string, string | readonly string[] | undefined>;

export interface VerifyWebhookInput {
  /** The RAW body exactly as received; never a re-serialised object. */
  payload: string | Uint8Array;
  /** Header names are matched case-insensitively. */
  headers: WebhookHeaderInput;
  /** One secret, or several during a rotation (any of them may match). */
  secret: WebhookSecret | readonly WebhookSecret[];
  /** Allowed clock difference in seconds, in both directions. Default 300. */
  tolerance?: number;
  /** Current time in ms since the epoch (injected by tests). Default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

const TIMESTAMP_PATTERN = /^[0-9]{1,15}$/;
const decoder = new TextDecoder('utf-8', { fatal: true });

function readHeader(headers: WebhookHeaderInput, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | readonly string[] | undefined>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== name) continue;
    const value = record[key];
    return typeof value === 'string' ? value : value?.join(' ');
  }
  return undefined;
}

function requiredHeader(headers: WebhookHeaderInput, name: string): string {
  const value = readHeader(headers, name);
  if (!value) throw new WebhookVerificationError(`The ${name} header is missing.`, 'missing_header');
  return value;
}

/** Constant-time for equal lengths; the length of an HMAC-SHA256 is public. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function v1Signatures(header: string): Uint8Array[] {
  const signatures: Uint8Array[] = [];
  for (const entry of header.split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const bytes = decodeBase64(entry.slice(comma + 1));
    if (bytes !== undefined) signatures.push(bytes);
  }
  return signatures;
}

function parseEvent(payload: Uint8Array): EventEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(payload));
  } catch {
    throw new WebhookVerificationError('The webhook body is not UTF-8 JSON.', 'malformed_payload');
  }
  if (!isEventEnvelope(parsed)) {
    throw new WebhookVerificationError('The webhook body is not an event envelope.', 'malformed_payload');
  }
  return parsed;
}

/**
 * Verifies a Standard Webhooks signature over the raw body and only then parses it. Throws
 * `WebhookVerificationError` with `reason` `missing_header`, `invalid_timestamp`,
 * `timestamp_out_of_tolerance`, `no_matching_signature` or `malformed_payload`.
 *
 * @example
 * ```ts
 * import { verifyWebhook, WebhookVerificationError } from '@mailplatform/sdk';
 *
 * export async function POST(request: Request): Promise<Response> {
 *   const payload = await request.text(); // the raw body, never re-serialised JSON
 *   try {
 *     const event = await verifyWebhook({
 *       payload,
 *       headers: request.headers,
 *       secret: process.env.MAILPLATFORM_WEBHOOK_SECRET ?? '',
 *     });
 *     if (event.type === 'message.bounced' && event.data.bounce.class === 'hard') {
 *       await markInvalid(event.data.recipient);
 *     }
 *     return new Response(null, { status: 204 });
 *   } catch (error) {
 *     if (error instanceof WebhookVerificationError) return new Response(null, { status: 400 });
 *     throw error;
 *   }
 * }
 * ```
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<MailEvent> {
  return (await verifyWebhookEnvelope(input)) as MailEvent;
}

/** `verifyWebhook` without claiming that the type is one this SDK version knows (the handler checks). */
export async function verifyWebhookEnvelope(input: VerifyWebhookInput): Promise<EventEnvelope> {
  const id = requiredHeader(input.headers, 'webhook-id');
  const timestamp = requiredHeader(input.headers, 'webhook-timestamp');
  const signatureHeader = requiredHeader(input.headers, 'webhook-signature');

  if (!TIMESTAMP_PATTERN.test(timestamp)) {
    throw new WebhookVerificationError(
      'The webhook-timestamp header is not integer unix seconds.',
      'invalid_timestamp',
    );
  }
  const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000);
  const tolerance = input.tolerance ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) {
    throw new WebhookVerificationError(
      `The webhook timestamp is more than ${tolerance} s away from now.`,
      'timestamp_out_of_tolerance',
    );
  }

  const secrets: readonly WebhookSecret[] = Array.isArray(input.secret)
    ? input.secret
    : [input.secret as WebhookSecret];
  if (secrets.length === 0) {
    throw new ConfigError('No webhook secret was given.', { code: 'invalid_webhook_secret' });
  }
  const keys = await Promise.all(secrets.map(importSecret));
  const signatures = v1Signatures(signatureHeader);
  const body = payloadBytes(input.payload);
  let matched = false;
  for (const key of keys) {
    const expected = await hmacSignature(key, id, timestamp, body);
    for (const signature of signatures) {
      if (equalBytes(signature, expected)) matched = true;
    }
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'No webhook signature matched: the secret is wrong or the body changed.',
      'no_matching_signature',
    );
  }
  return parseEvent(body);
}
