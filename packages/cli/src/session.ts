import type { CliClient, CliClientOptions } from './client.js';
import { keyMode, resolveSettings, type Settings } from './config/settings.js';
import type { CliContext } from './context.js';
import { CancelledError, CredentialsError, UsageError } from './errors.js';
import type { GlobalOptions } from './globals.js';
import { resolveOutput } from './output/mode.js';
import { loadPaint, Printer } from './output/printer.js';
import { redact } from './redact.js';
import { parseSmtpUrl } from './smtp-url.js';

/** The SDK's key format (its ConfigError names SDK options, not the CLI's flags, so the CLI checks first). */
const API_KEY_PATTERN = /^mp_(live|test)_[A-Za-z0-9_-]+$/;

/** `--debug`, `--debug=` and `--debug http` turn on HTTP diagnostics; nothing else is known yet. */
function debugsHttp(debug: GlobalOptions['debug']): boolean {
  if (debug === undefined || debug === false) return false;
  if (debug === true || debug === '' || debug === 'http') return true;
  throw new UsageError(`unknown --debug topic "${debug}"`, 'use --debug or --debug=http');
}

/** The SDK's request log (method, URL, status, attempt, ms, request id) on stderr, the key redacted. */
function httpLogger(ctx: CliContext, secrets: readonly string[]): NonNullable<CliClientOptions['logger']> {
  return {
    debug: (message) => {
      ctx.stderr.write(`debug http: ${redact(message, secrets)}\n`);
    },
  };
}

/** What every command receives: the context, the resolved settings, a printer and a lazy client. */
export interface Session {
  ctx: CliContext;
  globals: GlobalOptions;
  settings: Settings;
  out: Printer;
  /** Secrets to mask in anything the command prints. */
  secrets: string[];
  /** The options the session's client is built from (checks the key and its mode first). */
  clientOptions(): CliClientOptions;
  client(): Promise<CliClient>;
  /** Run `close` when the command ends (clients, servers). */
  onClose(close: () => Promise<void>): void;
  close(): Promise<void>;
  /** May the command prompt? Never without a TTY, with `--no-input`, `MAILPLATFORM_NO_INPUT` or `CI`. */
  canPrompt(): boolean;
  /** Ask yes/no on stderr; `--yes` accepts, no TTY without `--yes` is a usage error. */
  confirm(question: string): Promise<void>;
}

export async function openSession(ctx: CliContext, globals: GlobalOptions): Promise<Session> {
  if (globals.live && globals.test) throw new UsageError('--live and --test cannot be combined');
  const debugHttp = debugsHttp(globals.debug);
  const settings = await resolveSettings(ctx, globals);
  const output = resolveOutput({
    globals,
    env: ctx.env,
    isTTY: ctx.isTTY,
    stderrIsTTY: ctx.stderrIsTTY,
    columns: ctx.columns,
    profileOutput: settings.profileConfig.output,
  });
  const out = new Printer(ctx, output, await loadPaint(output.color));
  for (const warning of settings.store.warnings) out.warn(warning);
  const secrets = settings.apiKey ? [settings.apiKey.value] : [];
  let client: Promise<CliClient> | undefined;
  const closers: (() => Promise<void>)[] = [];
  let warned = false;

  const clientOptions = (): CliClientOptions => {
    const key = settings.apiKey;
    if (!key) {
      throw new CredentialsError(
        `no API key for profile "${settings.profile}"`,
        'missing_api_key',
        'run `mailplatform login`, or set MAILPLATFORM_API_KEY',
      );
    }
    if (!API_KEY_PATTERN.test(key.value)) {
      throw new CredentialsError(
        `the API key from ${key.source} is malformed: expected mp_live_ or mp_test_ followed by letters, digits, '_' or '-'`,
        'invalid_api_key',
      );
    }
    const mode = keyMode(key.value);
    const wanted = globals.live ? 'live' : globals.test ? 'test' : undefined;
    if (wanted && mode !== wanted) {
      throw new CredentialsError(
        `--${wanted} given, but the key (${key.source}) is a ${mode ?? 'unknown-mode'} key`,
        'mode_mismatch',
      );
    }
    if (!warned) {
      warned = true;
      if (globals.apiKey) {
        out.warn(
          '--api-key is visible to other users in `ps`; prefer MAILPLATFORM_API_KEY or `mailplatform login`',
        );
      }
      if (mode === 'live' && ctx.stderrIsTTY)
        ctx.stderr.write(`${out.paint.red(out.paint.bold(' LIVE '))}\n`);
    }
    // Every field explicit: the SDK takes a field from MAILPLATFORM_SMTP_URL only when it is missing.
    const smtp = settings.smtpUrl ? parseSmtpUrl(settings.smtpUrl) : undefined;
    return {
      apiKey: key.value,
      baseUrl: settings.baseUrl,
      ...(smtp ? { smtp } : {}),
      ...(settings.timeout === undefined ? {} : { timeout: settings.timeout }),
      ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }),
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      ...(debugHttp ? { logger: httpLogger(ctx, [key.value]) } : {}),
    };
  };

  const canPrompt = () =>
    ctx.stdinIsTTY &&
    ctx.stderrIsTTY &&
    globals.input !== false &&
    !ctx.env.MAILPLATFORM_NO_INPUT &&
    ctx.env.CI !== 'true' &&
    ctx.env.CI !== '1';

  return {
    ctx,
    globals,
    settings,
    out,
    secrets,
    canPrompt,
    async confirm(question) {
      if (globals.yes) return;
      if (!canPrompt())
        throw new UsageError(`${question}: confirmation needed`, 'pass --yes to confirm without a prompt');
      const { readLine } = await import('./prompt.js');
      const answer = await readLine(ctx, `${question} [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) throw new CancelledError('declined');
    },
    clientOptions,
    client() {
      client ??= (async () => {
        const created = await ctx.createClient(clientOptions());
        closers.push(() => created.close());
        return created;
      })();
      return client;
    },
    onClose(close) {
      closers.push(close);
    },
    async close() {
      const all = closers.splice(0).reverse();
      await Promise.allSettled(all.map(async (close) => close()));
    },
  };
}
