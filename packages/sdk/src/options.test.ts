import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MailPlatform } from './client.js';
import { ConfigError } from './errors.js';
import { DEFAULT_TIMEOUTS, readEnv, resolveOptions, resolveSmtp } from './options.js';

const KEY = 'mp_test_abcdef123456';

describe('resolveOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolveOptions({ apiKey: KEY });
    expect(resolved.apiKey).toBe(KEY);
    expect(resolved.baseUrl).toBe('https://api.mailplatform.dk');
    expect(resolved.apiUrl).toBe('https://api.mailplatform.dk/v1');
    expect(resolved.timeouts).toEqual({ send: 30_000, read: 15_000, write: 30_000, export: 60_000 });
    expect(resolved.deadline).toBe(60_000);
    expect(resolved.maxRetries).toBe(2);
    expect(resolved.maxRetryAfter).toBe(60_000);
    expect(resolved.backoff).toEqual({ initialDelayMs: 500, maxDelayMs: 8_000, maxHintMs: 60_000 });
    expect(resolved.proxy).toBeUndefined();
    expect(resolved.smtp).toEqual({
      host: 'smtp.mailplatform.dk',
      port: 587,
      secure: false,
      starttls: true,
      user: 'apikey',
      allowInsecureAuth: false,
    });
  });

  it('prefers explicit options over the environment', () => {
    const env = {
      MAILPLATFORM_API_KEY: 'mp_live_fromenv1234',
      MAILPLATFORM_BASE_URL: 'http://127.0.0.1:4400',
      MAILPLATFORM_SMTP_URL: 'smtp://127.0.0.1:4425',
    };
    const resolved = resolveOptions(
      { apiKey: KEY, baseUrl: 'https://api.example.test', smtp: { host: 'relay.example.test', port: 2525 } },
      env,
    );
    expect(resolved.apiKey).toBe(KEY);
    expect(resolved.apiUrl).toBe('https://api.example.test/v1');
    expect(resolved.smtp.host).toBe('relay.example.test');
    expect(resolved.smtp.port).toBe(2525);
  });

  it('falls back to the environment', () => {
    const resolved = resolveOptions(
      {},
      {
        MAILPLATFORM_API_KEY: 'mp_live_fromenv1234',
        MAILPLATFORM_BASE_URL: 'http://127.0.0.1:4400/',
        MAILPLATFORM_SMTP_URL: 'smtps://me@127.0.0.1:4465',
      },
    );
    expect(resolved.apiKey).toBe('mp_live_fromenv1234');
    expect(resolved.apiUrl).toBe('http://127.0.0.1:4400/v1');
    expect(resolved.smtp).toEqual({
      host: '127.0.0.1',
      port: 4465,
      secure: true,
      starttls: false,
      user: 'me',
      allowInsecureAuth: true,
    });
  });

  it.each([
    ['https://api.mailplatform.dk', 'https://api.mailplatform.dk/v1'],
    ['https://api.mailplatform.dk/', 'https://api.mailplatform.dk/v1'],
    ['https://api.mailplatform.dk/v1', 'https://api.mailplatform.dk/v1'],
    ['https://api.mailplatform.dk/v1/', 'https://api.mailplatform.dk/v1'],
    ['http://127.0.0.1:4400', 'http://127.0.0.1:4400/v1'],
    ['https://gateway.example.test/mail/', 'https://gateway.example.test/mail/v1'],
  ])('normalizes baseUrl %s → %s', (baseUrl, apiUrl) => {
    expect(resolveOptions({ apiKey: KEY, baseUrl }).apiUrl).toBe(apiUrl);
  });

  it('throws ConfigError naming the env var when the key is missing', () => {
    expect(() => resolveOptions({}, {})).toThrow(
      new ConfigError(
        'No API key: set the MAILPLATFORM_API_KEY environment variable or pass { apiKey } to the client',
        { code: 'missing_api_key' },
      ),
    );
    try {
      resolveOptions({}, { MAILPLATFORM_API_KEY: '  ' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('missing_api_key');
    }
  });

  it('rejects a malformed key without echoing it', () => {
    const secret = 'sk_live_totally_secret_value';
    try {
      resolveOptions({ apiKey: secret });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('invalid_api_key');
      expect((error as Error).message).toBe(
        "The API key from the apiKey option is malformed: expected mp_live_… or mp_test_… followed by letters, digits, '_' or '-'",
      );
    }
    expect(() => resolveOptions({}, { MAILPLATFORM_API_KEY: 'mp_prod_abc' })).toThrow(
      /from MAILPLATFORM_API_KEY/,
    );
    expect(() => resolveOptions({ apiKey: 'mp_test_' })).toThrow(ConfigError);
    expect(() => resolveOptions({ apiKey: 'mp_test_abc def' })).toThrow(ConfigError);
  });

  it.each([
    [{ baseUrl: 'not a url' }, 'invalid_base_url', 'baseUrl is not a valid URL: "not a url"'],
    [{ baseUrl: 'ftp://api.example.test' }, 'invalid_base_url', 'baseUrl must be http(s), got ftp:'],
    [
      { baseUrl: 'https://u:p@api.example.test' },
      'invalid_base_url',
      'baseUrl must not contain credentials, a query or a fragment',
    ],
    [{ timeout: 0 }, 'invalid_option', 'timeout must be a number of milliseconds ≥ 1, got 0'],
    [{ deadline: Number.NaN }, 'invalid_option', 'deadline must be a number of milliseconds ≥ 1, got NaN'],
    [{ maxRetries: -1 }, 'invalid_option', 'maxRetries must be a whole number ≥ 0, got -1'],
    [{ maxRetries: 1.5 }, 'invalid_option', 'maxRetries must be a whole number ≥ 0, got 1.5'],
    [{ smtp: { port: 70_000 } }, 'invalid_option', 'smtp.port must be 1–65535, got 70000'],
    [{ userAgent: 'x\r\ny' }, 'invalid_option', 'userAgent must not contain control characters'],
  ])('rejects %j', (options, code, message) => {
    expect(() => resolveOptions({ apiKey: KEY, ...options })).toThrow(new ConfigError(message, { code }));
  });

  it.each([
    ['http://127.0.0.1:4425', 'MAILPLATFORM_SMTP_URL must start with smtp:// or smtps://, got http://'],
    [
      'smtp://apikey:mp_test_secret@127.0.0.1:4425',
      'MAILPLATFORM_SMTP_URL must not contain a password: the API key is the SMTP password (MAILPLATFORM_API_KEY)',
    ],
  ])('rejects MAILPLATFORM_SMTP_URL=%s', (url, message) => {
    expect(() => resolveOptions({ apiKey: KEY }, { MAILPLATFORM_SMTP_URL: url })).toThrow(
      new ConfigError(message, { code: 'invalid_smtp_url' }),
    );
  });

  it('uses one timeout for every kind when timeout is given', () => {
    expect(resolveOptions({ apiKey: KEY, timeout: 300 }).timeouts).toEqual({
      send: 300,
      read: 300,
      write: 300,
      export: 300,
    });
    expect(DEFAULT_TIMEOUTS.read).toBe(15_000);
  });

  it('scales the backoff and carries maxRetryAfter into the hint limit', () => {
    const resolved = resolveOptions({
      apiKey: KEY,
      maxRetryAfter: 10_000,
      backoff: { initialDelayMs: 5, maxDelayMs: 50 },
    });
    expect(resolved.backoff).toEqual({ initialDelayMs: 5, maxDelayMs: 50, maxHintMs: 10_000 });
  });

  it('reads proxy settings: the option wins, else HTTPS_PROXY/HTTP_PROXY/NO_PROXY (either case)', () => {
    expect(
      resolveOptions({ apiKey: KEY, proxy: 'http://proxy.test:3128' }, { HTTPS_PROXY: 'http://x' }).proxy,
    ).toEqual({ url: 'http://proxy.test:3128' });
    expect(
      resolveOptions(
        { apiKey: KEY },
        { https_proxy: 'http://p:1', HTTP_PROXY: 'http://q:2', no_proxy: 'localhost' },
      ).proxy,
    ).toEqual({ httpsProxy: 'http://p:1', httpProxy: 'http://q:2', noProxy: 'localhost' });
    expect(resolveOptions({ apiKey: KEY }, { NO_PROXY: 'localhost' }).proxy).toBeUndefined();
  });

  it('wraps a single ca string in an array', () => {
    expect(resolveOptions({ apiKey: KEY, ca: 'PEM' }).ca).toEqual(['PEM']);
    expect(resolveOptions({ apiKey: KEY }).ca).toBeUndefined();
  });

  it('never shows the key in JSON.stringify or util.inspect', () => {
    const resolved = resolveOptions({ apiKey: KEY });
    const json = JSON.stringify(resolved);
    const shown = inspect(resolved, { depth: 5 });
    for (const text of [json, shown]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('abcdef123456');
      expect(text).toContain('mp_test_…3456');
    }
    expect(resolved.apiKey).toBe(KEY);
  });

  it('readEnv returns process.env on Node', () => {
    expect(readEnv()).toBe(process.env);
  });
});

describe('resolveSmtp', () => {
  const trace = (): void => {};

  it('keeps MAILPLATFORM_SMTP_URL when only other smtp fields are given', () => {
    const resolved = resolveOptions(
      { apiKey: KEY, smtp: { trace } },
      { MAILPLATFORM_SMTP_URL: 'smtps://me@relay.example.test:4465' },
    );
    expect(resolved.smtp).toEqual({
      host: 'relay.example.test',
      port: 4465,
      secure: true,
      starttls: false,
      user: 'me',
      allowInsecureAuth: false,
      trace,
    });
  });

  it('takes each field from the options, else the URL, else the default', () => {
    const env = 'smtps://me@relay.example.test';
    expect(resolveSmtp({ port: 2525 }, env)).toEqual({
      host: 'relay.example.test',
      port: 2525,
      secure: true,
      starttls: false,
      user: 'me',
      allowInsecureAuth: false,
      trace: undefined,
    });
    expect(resolveSmtp({ host: '127.0.0.1', user: 'other' }, env)).toMatchObject({
      host: '127.0.0.1',
      port: 465,
      secure: true,
      user: 'other',
      allowInsecureAuth: true,
    });
    expect(resolveSmtp({ host: undefined, secure: true }, 'smtp://relay.example.test')).toMatchObject({
      host: 'relay.example.test',
      port: 465,
      secure: true,
    });
    expect(resolveSmtp({ port: 465 }, '  ')).toMatchObject({ host: 'smtp.mailplatform.dk', secure: true });
  });

  it.each(['[::1]', '::1', '127.0.0.2', 'localhost', 'app.localhost', '[::ffff:127.0.0.1]'])(
    'treats %s as loopback: no STARTTLS required, AUTH allowed in clear text',
    (host) => {
      expect(resolveSmtp({ host, port: 4425 })).toMatchObject({
        host,
        starttls: false,
        allowInsecureAuth: true,
      });
    },
  );

  it('treats a bracketed IPv6 loopback in MAILPLATFORM_SMTP_URL as loopback', () => {
    expect(resolveSmtp({}, 'smtp://[::1]:4425')).toMatchObject({
      host: '::1',
      starttls: false,
      allowInsecureAuth: true,
    });
  });

  const insecure = new ConfigError(
    'Refusing to send the API key in clear text to relay.example: use secure (port 465), starttls, or set allowInsecureAuth',
    { code: 'insecure_smtp_auth' },
  );

  it('rejects AUTH in clear text to a remote host when the client is constructed', () => {
    expect(() => new MailPlatform({ apiKey: KEY, smtp: { host: 'relay.example', starttls: false } })).toThrow(
      insecure,
    );
    expect(() =>
      resolveOptions(
        { apiKey: KEY, smtp: { starttls: false } },
        { MAILPLATFORM_SMTP_URL: 'smtp://relay.example' },
      ),
    ).toThrow(insecure);
  });

  it('accepts clear-text AUTH to a remote host with allowInsecureAuth, or with TLS', () => {
    expect(resolveSmtp({ host: 'relay.example', starttls: false, allowInsecureAuth: true })).toMatchObject({
      starttls: false,
      allowInsecureAuth: true,
    });
    expect(resolveSmtp({ host: 'relay.example', secure: true, starttls: false })).toMatchObject({
      port: 465,
      secure: true,
    });
  });
});
