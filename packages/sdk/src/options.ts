import { ConfigError } from './errors.js';
import { type BackoffSettings, DEFAULT_BACKOFF } from './http/backoff.js';
import type { Clock, Logger, RequestKind, Transport } from './http/types.js';
import { isLoopbackHost } from './is-loopback-host.js';
import { redactSecret } from './redact.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export const DEFAULT_BASE_URL = 'https://api.mailplatform.dk';
export const DEFAULT_SMTP_HOST = 'smtp.mailplatform.dk';
export const DEFAULT_SMTP_PORT = 587;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_DEADLINE_MS = 60_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
/** Per-attempt timeouts by kind of request (reliability.md "Timeout defaults"). */
export const DEFAULT_TIMEOUTS: Readonly<Record<RequestKind, number>> = {
  send: 30_000,
  read: 15_000,
  write: 30_000,
  export: 60_000,
};

const API_KEY_PATTERN = /^mp_(live|test)_[A-Za-z0-9_-]+$/;

export interface SmtpOptions {
  host?: string;
  port?: number;
  /** Implicit TLS (port 465). Default: `port === 465`. */
  secure?: boolean;
  /** Require STARTTLS before AUTH. Default: `!secure`, except on loopback hosts. */
  starttls?: boolean;
  /** AUTH user name; the password is always the API key. Default `apikey`. */
  user?: string;
  /** Allow AUTH without TLS. Default: only on loopback hosts (127.0.0.0/8, `::1`, `localhost`, `*.localhost`). */
  allowInsecureAuth?: boolean;
  /** Receives the SMTP dialogue line by line (`C: ...`, `S: ...`), AUTH lines as `[redacted]` (the CLI's `--trace`). */
  trace?: (line: string) => void;
}

export interface ResolvedSmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  starttls: boolean;
  user: string;
  allowInsecureAuth: boolean;
  trace?: ((line: string) => void) | undefined;
}

/** Proxy settings for the Node transport; `url` (the `proxy` option) wins over the environment. */
export interface ProxySettings {
  url?: string;
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export interface ClientOptions {
  /** `mp_live_...` or `mp_test_...`. Default: `MAILPLATFORM_API_KEY`. */
  apiKey?: string;
  /** The API origin; `/v1` is added (a URL ending in `/v1` is accepted). Default: `MAILPLATFORM_BASE_URL`, else `https://api.mailplatform.dk`. */
  baseUrl?: string;
  /** Per-attempt timeout in ms for every kind of request. Default: send/write 30 s, read 15 s, export 60 s. */
  timeout?: number;
  /** Deadline of a whole call, backoff included, in ms. Default 60 s. */
  deadline?: number;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** A 429 asking to wait longer than this (ms) fails fast with `RateLimitError`. Default 60 s. */
  maxRetryAfter?: number;
  /** A fetch implementation; the edge build's transport uses it (default: the global `fetch`). */
  fetch?: typeof globalThis.fetch;
  /** A complete transport; wins over `fetch`. */
  transport?: Transport;
  /** Receives redacted debug lines (method, url, status, attempt, ms, requestId). */
  logger?: Logger;
  /** Extra CA certificate(s), PEM, for the Node transport (`NODE_EXTRA_CA_CERTS` also works). */
  ca?: string | readonly string[];
  /** Proxy URL for the Node transport. Default: `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`. */
  proxy?: string;
  /** SMTP relay settings for `via: 'smtp'`; each field unset here comes from `MAILPLATFORM_SMTP_URL`, else its default (`smtp.mailplatform.dk:587`). */
  smtp?: SmtpOptions;
  /** Appended to the `User-Agent` (for example `my-shop/1.2`). */
  userAgent?: string;
  /** @internal Testing hook: the clock used for deadlines and backoff sleeps. */
  clock?: Clock;
  /** @internal Testing hook: the random source of the backoff jitter, in [0, 1). */
  random?: () => number;
  /** @internal Testing hook: scales the backoff (the fault-injection suite uses 5 ms / 50 ms). */
  backoff?: Partial<BackoffSettings>;
}

export interface ResolvedOptions {
  apiKey: string;
  /** The origin as given, without a trailing `/v1`. */
  baseUrl: string;
  /** `baseUrl` + `/v1`, without a trailing slash. */
  apiUrl: string;
  timeouts: Readonly<Record<RequestKind, number>>;
  deadline: number;
  maxRetries: number;
  maxRetryAfter: number;
  fetch: typeof globalThis.fetch | undefined;
  transport: Transport | undefined;
  logger: Logger | undefined;
  ca: readonly string[] | undefined;
  proxy: ProxySettings | undefined;
  smtp: ResolvedSmtpOptions;
  userAgent: string | undefined;
  clock: Clock | undefined;
  random: () => number;
  backoff: BackoffSettings;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** `process.env` where it exists (Node, some edge runtimes), else an empty object. Never imports `node:*`. */
export function readEnv(): Env {
  return globalThis.process?.env ?? {};
}

/**
 * Merges explicit options > environment (`MAILPLATFORM_API_KEY`, `MAILPLATFORM_BASE_URL`,
 * `MAILPLATFORM_SMTP_URL`, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`) >
 * defaults. This is the only place the SDK reads its environment.
 *
 * Throws `ConfigError` here, at client construction rather than at the first request, when the key
 * is missing or malformed or another option is invalid: a misconfigured service fails at start-up,
 * not on the first order confirmation.
 */
export function resolveOptions(options: ClientOptions = {}, env: Env = {}): ResolvedOptions {
  const apiKey = resolveApiKey(options.apiKey, env.MAILPLATFORM_API_KEY);
  const baseUrl = normalizeBaseUrl(
    options.baseUrl ?? nonEmpty(env.MAILPLATFORM_BASE_URL) ?? DEFAULT_BASE_URL,
  );
  const timeout = options.timeout;
  if (timeout !== undefined) checkDuration('timeout', timeout, 1);
  const deadline = options.deadline ?? DEFAULT_DEADLINE_MS;
  checkDuration('deadline', deadline, 1);
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new ConfigError(`maxRetries must be a whole number ≥ 0, got ${maxRetries}`, {
      code: 'invalid_option',
    });
  }
  const maxRetryAfter = options.maxRetryAfter ?? DEFAULT_MAX_RETRY_AFTER_MS;
  checkDuration('maxRetryAfter', maxRetryAfter, 0);
  const backoff = { ...DEFAULT_BACKOFF, maxHintMs: maxRetryAfter, ...options.backoff };
  checkDuration('backoff.initialDelayMs', backoff.initialDelayMs, 0);
  checkDuration('backoff.maxDelayMs', backoff.maxDelayMs, backoff.initialDelayMs);
  if (options.userAgent !== undefined && /[\u0000-\u001f\u007f]/.test(options.userAgent)) {
    throw new ConfigError('userAgent must not contain control characters', { code: 'invalid_option' });
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigError('fetch must be a function', { code: 'invalid_option' });
  }

  const resolved: ResolvedOptions = {
    apiKey,
    baseUrl,
    apiUrl: `${baseUrl}/v1`,
    timeouts:
      timeout === undefined
        ? DEFAULT_TIMEOUTS
        : { send: timeout, read: timeout, write: timeout, export: timeout },
    deadline,
    maxRetries,
    maxRetryAfter,
    fetch: options.fetch,
    transport: options.transport,
    logger: options.logger,
    ca:
      options.ca === undefined ? undefined : typeof options.ca === 'string' ? [options.ca] : [...options.ca],
    proxy: resolveProxy(options.proxy, env),
    smtp: resolveSmtp(options.smtp, env.MAILPLATFORM_SMTP_URL),
    userAgent: options.userAgent,
    clock: options.clock,
    random: options.random ?? Math.random,
    backoff,
  };
  return hideApiKey(resolved);
}

function resolveApiKey(explicit: string | undefined, fromEnv: string | undefined): string {
  const source = explicit !== undefined ? 'the apiKey option' : 'MAILPLATFORM_API_KEY';
  const key = explicit ?? nonEmpty(fromEnv);
  if (key === undefined || key === '') {
    throw new ConfigError(
      'No API key: set the MAILPLATFORM_API_KEY environment variable or pass { apiKey } to the client',
      { code: 'missing_api_key' },
    );
  }
  if (!API_KEY_PATTERN.test(key)) {
    throw new ConfigError(
      `The API key from ${source} is malformed: expected mp_live_… or mp_test_… followed by letters, digits, '_' or '-'`,
      { code: 'invalid_api_key' },
    );
  }
  return key;
}

function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`baseUrl is not a valid URL: ${JSON.stringify(raw)}`, { code: 'invalid_base_url' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`baseUrl must be http(s), got ${url.protocol}`, { code: 'invalid_base_url' });
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigError('baseUrl must not contain credentials, a query or a fragment', {
      code: 'invalid_base_url',
    });
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}

function resolveProxy(explicit: string | undefined, env: Env): ProxySettings | undefined {
  if (explicit !== undefined) return { url: explicit };
  const httpsProxy = nonEmpty(env.HTTPS_PROXY) ?? nonEmpty(env.https_proxy);
  const httpProxy = nonEmpty(env.HTTP_PROXY) ?? nonEmpty(env.http_proxy);
  if (httpsProxy === undefined && httpProxy === undefined) return undefined;
  return { httpProxy, httpsProxy, noProxy: nonEmpty(env.NO_PROXY) ?? nonEmpty(env.no_proxy) };
}

/**
 * The one rule set of the SMTP settings, for the client and `smtpOptions()`: each field from the
 * explicit options, else from `MAILPLATFORM_SMTP_URL`, else its default. Throws `ConfigError` when
 * AUTH would send the API key in clear text to a host that is not loopback.
 */
export function resolveSmtp(explicit: SmtpOptions = {}, fromEnv?: string): ResolvedSmtpOptions {
  const url = nonEmpty(fromEnv);
  const env = url === undefined ? {} : parseSmtpUrl(url);
  const host = explicit.host ?? env.host ?? DEFAULT_SMTP_HOST;
  const port = explicit.port ?? env.port;
  const secure = explicit.secure ?? env.secure ?? port === 465;
  const resolvedPort = port ?? (secure ? 465 : DEFAULT_SMTP_PORT);
  if (!Number.isInteger(resolvedPort) || resolvedPort < 1 || resolvedPort > 65_535) {
    throw new ConfigError(`smtp.port must be 1–65535, got ${resolvedPort}`, { code: 'invalid_option' });
  }
  const local = isLoopbackHost(host);
  const starttls = explicit.starttls ?? (!secure && !local);
  const allowInsecureAuth = explicit.allowInsecureAuth ?? local;
  if (!secure && !starttls && !allowInsecureAuth) {
    throw new ConfigError(
      `Refusing to send the API key in clear text to ${host}: use secure (port 465), starttls, or set allowInsecureAuth`,
      { code: 'insecure_smtp_auth' },
    );
  }
  return {
    host,
    port: resolvedPort,
    secure,
    starttls,
    user: explicit.user ?? env.user ?? 'apikey',
    allowInsecureAuth,
    trace: explicit.trace,
  };
}

/** `smtp://[user@]host[:port]` (STARTTLS) or `smtps://[user@]host[:port]` (implicit TLS); a missing port stays unset. */
function parseSmtpUrl(raw: string): SmtpOptions {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('MAILPLATFORM_SMTP_URL is not a valid URL', { code: 'invalid_smtp_url' });
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError(
      `MAILPLATFORM_SMTP_URL must start with smtp:// or smtps://, got ${url.protocol}//`,
      {
        code: 'invalid_smtp_url',
      },
    );
  }
  if (url.password !== '') {
    throw new ConfigError(
      'MAILPLATFORM_SMTP_URL must not contain a password: the API key is the SMTP password (MAILPLATFORM_API_KEY)',
      { code: 'invalid_smtp_url' },
    );
  }
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    secure: url.protocol === 'smtps:',
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    ...(url.username === '' ? {} : { user: decodeURIComponent(url.username) }),
  };
}

function checkDuration(name: string, value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigError(`${name} must be a number of milliseconds ≥ ${min}, got ${String(value)}`, {
      code: 'invalid_option',
    });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** `JSON.stringify` and `util.inspect` of the resolved options show the key redacted (`mp_test_…a1b2`). */
function hideApiKey(resolved: ResolvedOptions): ResolvedOptions {
  const redacted = (): Record<string, unknown> => ({ ...resolved, apiKey: redactSecret(resolved.apiKey) });
  Object.defineProperty(resolved, 'toJSON', { value: redacted, enumerable: false });
  Object.defineProperty(resolved, INSPECT, {
    value: (_depth: number, options: unknown, inspect?: (value: unknown, options?: unknown) => string) =>
      inspect === undefined ? JSON.stringify(redacted()) : inspect(redacted(), options),
    enumerable: false,
  });
  return resolved;
}
