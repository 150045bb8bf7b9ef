import { ConfigError } from '../errors.js';
import { resolveSmtp } from '../options.js';
import { redactSecret } from '../redact.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export interface SmtpPresetInput {
  /** The API key; it is the SMTP password. */
  apiKey: string;
  /** Default `smtp.mailplatform.dk`. */
  host?: string;
  /** Default 465 when `secure`, else 587. */
  port?: number;
  /** Implicit TLS. Default: `port === 465`. */
  secure?: boolean;
  /** Require STARTTLS before AUTH. Default: true except on loopback hosts. */
  starttls?: boolean;
  /** Default `apikey`. */
  user?: string;
  /** Allow AUTH without TLS. Default: only on loopback hosts. */
  allowInsecureAuth?: boolean;
}

/** Options for `nodemailer.createTransport(smtpOptions(...))` (its `SMTPPool.Options`). */
export interface SmtpPreset {
  pool: true;
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
  ignoreTLS: boolean;
  auth: { user: string; pass: string };
  connectionTimeout: number;
  greetingTimeout: number;
  dnsTimeout: number;
  socketTimeout: number;
  maxConnections: number;
  maxMessages: number;
}

/** reliability.md "SMTP timeouts", replacing nodemailer's minutes-long defaults. */
export const SMTP_TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  dnsTimeout: 5_000,
  socketTimeout: 60_000,
} as const;

/**
 * A preset for an existing nodemailer app: `nodemailer.createTransport(smtpOptions({ apiKey }))`.
 * Pooled, with the policy's timeouts, TLS required except on loopback hosts, and AUTH (user
 * `apikey`, password = the key) never sent in clear text to a remote host unless `allowInsecureAuth`.
 *
 * @example
 * ```ts
 * import { smtpOptions } from '@mailplatform/sdk/smtp';
 * import nodemailer from 'nodemailer';
 *
 * const transport = nodemailer.createTransport(smtpOptions({ apiKey: process.env.MAILPLATFORM_API_KEY ?? '' }));
 * await transport.sendMail({
 *   from: 'Hyggeshop <ordre@hyggeshop.dk>',
 *   to: 'kunde@example.dk',
 *   subject: 'Din ordre #1042 er sendt',
 *   text: 'Pakken er på vej med GLS.',
 * });
 * ```
 */
export function smtpOptions(input: SmtpPresetInput): SmtpPreset {
  if (typeof input.apiKey !== 'string' || input.apiKey.length === 0) {
    throw new ConfigError('smtpOptions needs apiKey: the API key is the SMTP password', {
      code: 'missing_api_key',
    });
  }
  const { host, port, secure, starttls, user } = resolveSmtp(input);
  return {
    pool: true,
    host,
    port,
    secure,
    requireTLS: !secure && starttls,
    // on loopback without STARTTLS required the sandbox's self-signed certificate is not negotiated at all
    ignoreTLS: !secure && !starttls,
    auth: hidePassword({ user, pass: input.apiKey }),
    ...SMTP_TIMEOUTS,
    maxConnections: 5,
    maxMessages: 100,
  };
}

/** nodemailer reads `auth.pass`; `JSON.stringify`, `util.inspect` and `console.log` show it redacted. */
function hidePassword(auth: { user: string; pass: string }): { user: string; pass: string } {
  const redacted = (): { user: string; pass: string } => ({ user: auth.user, pass: redactSecret(auth.pass) });
  Object.defineProperty(auth, 'toJSON', { value: redacted, enumerable: false });
  Object.defineProperty(auth, INSPECT, {
    value: (_depth: number, options: unknown, inspect?: (value: unknown, options?: unknown) => string) =>
      inspect === undefined ? JSON.stringify(redacted()) : inspect(redacted(), options),
    enumerable: false,
  });
  return auth;
}
