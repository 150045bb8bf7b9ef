import { UsageError } from './errors.js';

/** Where the relay came from, named in errors and in `doctor`. */
export interface SmtpUrlSetting {
  value: string;
  source: string;
}

/** The relay as the SDK's `smtp` option takes it. */
export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
}

/**
 * The AUTH user of a URL without one (the SDK's default too). Set explicitly because the SDK fills
 * each field left out from MAILPLATFORM_SMTP_URL, which a `--smtp-url` or profile URL must not mix with.
 */
const DEFAULT_SMTP_USER = 'apikey';

/**
 * `smtp://[user@]host[:port]` (STARTTLS, default 587) or `smtps://[user@]host[:port]` (implicit TLS,
 * default 465): the format of the SDK's `MAILPLATFORM_SMTP_URL`. Parsed here, not by the SDK, so that a
 * bad value is a usage error (exit 2) naming its source, found before the SDK is loaded.
 */
export function parseSmtpUrl({ value, source }: SmtpUrlSetting): SmtpTarget {
  const usage = 'use smtp://[user@]host[:port] (STARTTLS) or smtps://[user@]host[:port] (implicit TLS)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source} is not a valid URL: "${value}"`, usage);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new UsageError(`${source} must start with smtp:// or smtps://, got "${value}"`, usage);
  if (url.password !== '')
    throw new UsageError(
      `${source} must not contain a password`,
      'the API key is the SMTP password (MAILPLATFORM_API_KEY or `mailplatform login`)',
    );
  if (url.hostname === '') throw new UsageError(`${source} has no host: "${value}"`, usage);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '')
    throw new UsageError(`${source} must not have a path, query or fragment: "${value}"`, usage);
  if (url.port === '0') throw new UsageError(`${source} has port 0: "${value}"`, usage);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    user: url.username === '' ? DEFAULT_SMTP_USER : decodeURIComponent(url.username),
  };
}

/** The relay the SDK will use: its own defaults (`smtp.mailplatform.dk:587`, user `apikey`) fill the gaps. */
export async function effectiveRelay(
  apiKey: string,
  smtp: Partial<SmtpTarget> | undefined,
): Promise<SmtpTarget> {
  const { smtpOptions } = await import('@mailplatform/sdk/smtp');
  const preset = smtpOptions({ apiKey, ...smtp });
  return { host: preset.host, port: preset.port, secure: preset.secure, user: preset.auth.user };
}
