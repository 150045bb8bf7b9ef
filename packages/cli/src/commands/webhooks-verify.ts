import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseInteger } from '../duration.js';
import { UsageError, VerificationFailedError } from '../errors.js';
import { readAll } from '../prompt.js';
import type { Session } from '../session.js';

export interface VerifyOptions {
  secret?: string;
  payload: string;
  header?: string[];
  tolerance: string;
}

const REQUIRED = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function parseHeaders(lines: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`invalid --header "${line}"`, "use --header 'webhook-id: msg_…'");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function secretBytes(secret: string): Buffer {
  const body = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length === 0)
    throw new UsageError('the secret is empty or not base64', 'secrets look like whsec_MfKQ9r8…');
  return bytes;
}

function sign(secret: Buffer, id: string, timestamp: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${id}.${timestamp}.${payload}`).digest();
}

function matches(expected: Buffer, signatures: readonly Buffer[]): boolean {
  return signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected));
}

/** Why a JSON body probably differs from what was signed: a parser re-serialised it. */
function reserialisationHint(payload: string, signed: (candidate: string) => boolean): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const compact = JSON.stringify(parsed);
  if (compact !== payload && signed(compact)) {
    return 'the signature matches the compact form of this JSON: the body was re-serialised after signing (whitespace). Verify the raw request body, before any JSON parser touches it';
  }
  if (/\n\s+"/.test(payload) || /": /.test(payload) || payload !== payload.trim()) {
    return 'the body looks like reformatted JSON (indentation, spaces or a trailing newline): verify the raw bytes as received, not JSON.stringify(req.body)';
  }
  return undefined;
}

/** Offline, deterministic verification of one Standard Webhooks delivery, saying why it fails. */
export async function webhooksVerify(s: Session, options: VerifyOptions): Promise<void> {
  const secretText = options.secret ?? s.ctx.env.MAILPLATFORM_WEBHOOK_SECRET;
  if (!secretText)
    throw new UsageError('no secret', 'pass --secret whsec_… or set MAILPLATFORM_WEBHOOK_SECRET');
  const secrets = secretText
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  s.secrets.push(...secrets);
  const keys = secrets.map(secretBytes);
  const tolerance = parseInteger(options.tolerance, '--tolerance');
  const payload = options.payload === '-' ? await readAll(s.ctx) : await readFile(options.payload, 'utf8');
  const headers = parseHeaders(options.header ?? []);

  const missing = REQUIRED.filter((name) => !headers.get(name));
  if (missing.length > 0) {
    throw new VerificationFailedError(
      `missing header ${missing.join(', ')}`,
      'missing_header',
      "pass every header the platform sent: --header 'webhook-id: …' --header 'webhook-timestamp: …' --header 'webhook-signature: v1,…'. A proxy that drops unknown headers causes this too",
    );
  }
  const id = headers.get('webhook-id')!;
  const timestamp = headers.get('webhook-timestamp')!;
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new VerificationFailedError(
      `webhook-timestamp "${timestamp}" is not unix seconds`,
      'invalid_timestamp',
      'the timestamp is an integer number of seconds, e.g. 1741939204',
    );
  }
  const skew = Math.round(s.ctx.now().getTime() / 1000) - Number(timestamp);
  if (Math.abs(skew) > tolerance) {
    const when = skew > 0 ? `${skew} s in the past` : `${-skew} s in the future`;
    throw new VerificationFailedError(
      `the timestamp is ${when} (tolerance ±${tolerance} s)`,
      'timestamp_out_of_tolerance',
      skew > 0
        ? 'an old delivery (a replay, or a saved payload): raise --tolerance to check the signature anyway, or check this clock'
        : "this machine's clock is behind: check NTP",
    );
  }
  const signatures = headers
    .get('webhook-signature')!
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  if (signatures.length === 0) {
    throw new VerificationFailedError(
      'webhook-signature holds no v1 signature',
      'no_matching_signature',
      'the header is a space-separated list of v1,<base64>',
    );
  }
  const matched = keys.findIndex((key) => matches(sign(key, id, timestamp, payload), signatures));
  if (matched < 0) {
    const hint = reserialisationHint(payload, (candidate) =>
      keys.some((key) => matches(sign(key, id, timestamp, candidate), signatures)),
    );
    throw new VerificationFailedError(
      'no signature matched: the secret is wrong or the body changed',
      'no_matching_signature',
      hint ??
        'check that the secret belongs to this endpoint (a rotated secret stays valid 24 h) and that the body is byte-for-byte the one received',
    );
  }
  let type: string | null = null;
  try {
    const event = JSON.parse(payload) as { type?: unknown };
    type = typeof event.type === 'string' ? event.type : null;
  } catch {
    type = null;
  }
  s.out.result(
    { valid: true, id, timestamp: Number(timestamp), skewSeconds: skew, type, secretIndex: matched },
    `valid: ${id}${type ? ` (${type})` : ''}, signed ${skew} s ago${secrets.length > 1 ? ` with secret #${matched + 1}` : ''}`,
  );
}
