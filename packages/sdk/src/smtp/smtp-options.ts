import { ConfigError } from '../errors.js';
import { DEFAULT_SMTP_HOST, isLoopbackHost } from '../options.js';

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
 */
export function smtpOptions(input: SmtpPresetInput): SmtpPreset {
  if (typeof input.apiKey !== 'string' || input.apiKey.length === 0) {
    throw new ConfigError('smtpOptions needs apiKey: the API key is the SMTP password', {
      code: 'missing_api_key',
    });
  }
  const host = input.host ?? DEFAULT_SMTP_HOST;
  const secure = input.secure ?? input.port === 465;
  const port = input.port ?? (secure ? 465 : 587);
  const local = isLoopbackHost(host);
  const starttls = input.starttls ?? (!secure && !local);
  const allowInsecureAuth = input.allowInsecureAuth ?? local;
  if (!secure && !starttls && !allowInsecureAuth) {
    throw new ConfigError(
      `Refusing to send the API key in clear text to ${host}: use secure (port 465), starttls, or set allowInsecureAuth`,
      { code: 'insecure_smtp_auth' },
    );
  }
  return {
    pool: true,
    host,
    port,
    secure,
    requireTLS: !secure && starttls,
    // on loopback without STARTTLS required the sandbox's self-signed certificate is not negotiated at all
    ignoreTLS: !secure && !starttls,
    auth: { user: input.user ?? 'apikey', pass: input.apiKey },
    ...SMTP_TIMEOUTS,
    maxConnections: 5,
    maxMessages: 100,
  };
}
