import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliClient, CliClientOptions } from '../client.js';
import { ensurePrivateDir, writeFileAtomic } from '../config/atomic-write.js';
import type { SandboxHandle, SandboxOptions } from '../context.js';
import { parseInteger } from '../duration.js';
import { UsageError } from '../errors.js';
import { startSpinner } from '../output/spinner.js';
import { maskSecret } from '../redact.js';
import type { Session } from '../session.js';
import { untilInterrupted } from '../until-interrupted.js';
import { DEMO_LAYOUT, DEMO_TEMPLATE, demoSends } from './demo-data.js';

export interface DevOptions {
  port: string;
  smtpPort: string;
  /** Implicit-TLS SMTP port, `0` for a free one, `off` for none; absent is off (the option defaults to 4465). */
  smtpsPort?: string;
  dataDir?: string;
  demo?: boolean;
  exit?: boolean;
}

export const SANDBOX_PROFILE = 'sandbox';
const KEY_FILE = 'cli-api-key';

/**
 * The sandbox's namespace is a hash of the key, so a persisted data dir is only browsable with the key
 * that wrote it: the key lives in `<data dir>/cli-api-key` (0600) and is reused on the next start.
 */
async function dataDirKey(dataDir: string | undefined, fresh: string): Promise<string> {
  if (!dataDir) return fresh;
  const path = join(dataDir, KEY_FILE);
  try {
    const stored = (await readFile(path, 'utf8')).trim();
    if (/^mp_test_[A-Za-z0-9_-]+$/.test(stored)) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await ensurePrivateDir(dataDir);
  await writeFileAtomic(path, `${fresh}\n`, { mode: 0o600 });
  return fresh;
}

async function startSandbox(s: Session, o: DevOptions): Promise<SandboxHandle> {
  const { ctx } = s;
  let createSandbox: (options: SandboxOptions) => Promise<SandboxHandle>;
  try {
    if (!ctx.loadSandbox) throw new Error('no sandbox loader');
    createSandbox = await ctx.loadSandbox();
  } catch {
    throw new UsageError(
      'the sandbox (@mailplatform/sandbox) is not installed',
      'install it next to the CLI: npm install --save-dev @mailplatform/sandbox',
    );
  }
  const port = parseInteger(o.port, '--port');
  const smtpPort = parseInteger(o.smtpPort, '--smtp-port');
  const smtpsPort =
    o.smtpsPort === undefined || o.smtpsPort === 'off' ? null : parseInteger(o.smtpsPort, '--smtps-port');
  if (o.dataDir) await ensurePrivateDir(o.dataDir);
  const spinner = await startSpinner(ctx, s.out.settings.progress, 'starting the sandbox');
  try {
    const sandbox = await createSandbox({
      port,
      smtpPort,
      smtpsPort,
      ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    });
    spinner.succeed(`sandbox on ${sandbox.url}`);
    return sandbox;
  } catch (error) {
    spinner.fail('the sandbox did not start');
    throw error;
  } finally {
    spinner.stop();
  }
}

/** Runs the sandbox and points the "sandbox" profile at it; `--demo` fills it, `--exit` stops after that. */
export async function dev(s: Session, o: DevOptions): Promise<void> {
  if (o.exit && !o.demo) throw new UsageError('--exit needs --demo');
  const sandbox = await startSandbox(s, o);
  s.onClose(() => sandbox.close());
  const apiKey = await dataDirKey(o.dataDir, sandbox.apiKey);
  s.secrets.push(apiKey);
  const smtp = sandbox.smtpUrl ? new URL(sandbox.smtpUrl) : undefined;
  const smtps = sandbox.smtpsUrl ? new URL(sandbox.smtpsUrl) : undefined;

  const { store } = s.settings;
  const [config, credentials] = await Promise.all([store.readConfig(), store.readCredentials()]);
  config.profiles[SANDBOX_PROFILE] = {
    ...config.profiles[SANDBOX_PROFILE],
    baseUrl: sandbox.url,
    mode: 'test',
    ...(sandbox.smtpUrl ? { smtpUrl: sandbox.smtpUrl } : {}),
  };
  credentials.profiles[SANDBOX_PROFILE] = { apiKey };
  await store.writeCredentials(credentials);
  await store.writeConfig(config);

  const info = {
    url: sandbox.url,
    inbox: `${sandbox.url}/`,
    smtpHost: smtp?.hostname ?? null,
    smtpPort: smtp ? Number(smtp.port) : null,
    smtpsPort: smtps ? Number(smtps.port) : null,
    smtpUser: smtp ? 'apikey' : null,
    smtpPassword: smtp ? 'the API key' : null,
    apiKey: maskSecret(apiKey),
    profile: SANDBOX_PROFILE,
    credentials: store.paths.credentials,
    dataDir: o.dataDir ?? null,
  };
  s.out.object(info, [
    { key: 'url', header: 'API' },
    { key: 'inbox' },
    { key: 'smtpHost', header: 'SMTP host' },
    { key: 'smtpPort', header: 'SMTP port' },
    { key: 'smtpsPort', header: 'SMTPS port' },
    { key: 'smtpUser', header: 'SMTP user' },
    { key: 'smtpPassword', header: 'SMTP password' },
    { key: 'apiKey', header: 'API key' },
    { key: 'profile' },
    { key: 'credentials', header: 'key stored in' },
    { key: 'dataDir', header: 'data dir' },
  ]);
  if (!s.out.machine) {
    if (smtps) {
      s.out.note(
        `SMTPS (port ${smtps.port}) is implicit TLS with a self-signed certificate: trust it only locally`,
      );
    }
    s.out.note(
      `use it: mailplatform -p ${SANDBOX_PROFILE} send …  or  export MAILPLATFORM_PROFILE=${SANDBOX_PROFILE}\n` +
        `the full test key is in ${store.paths.credentials} (profile "${SANDBOX_PROFILE}"); ` +
        `the sandbox accepts any mp_test_… key, each one its own namespace`,
    );
  }

  if (o.demo) {
    const options: CliClientOptions = {
      apiKey,
      baseUrl: sandbox.url,
      maxRetries: 0,
      ...(smtp
        ? { smtp: { host: smtp.hostname, port: Number(smtp.port), secure: false, starttls: false } }
        : {}),
      ...(s.ctx.fetch ? { fetch: s.ctx.fetch } : {}),
    };
    const client = await s.ctx.createClient(options);
    s.onClose(() => client.close());
    const demo: Session = { ...s, clientOptions: () => options, client: async () => client };
    await runDemo(demo, client, sandbox, apiKey, o);
    if (o.exit) return;
  }
  if (!s.out.machine) s.out.note('serving; Ctrl-C stops the sandbox');
  await untilInterrupted(s.ctx.signal);
}

function heading(s: Session, text: string): void {
  if (!s.out.machine) s.ctx.stdout.write(`\n${s.out.paint.bold(`== ${text}`)}\n`);
}

async function runDemo(
  s: Session,
  client: CliClient,
  sandbox: SandboxHandle,
  apiKey: string,
  o: DevOptions,
): Promise<void> {
  const { signal } = s.ctx;
  const layout = await client.templates.create(DEMO_LAYOUT, { signal });
  await client.templates.create({ ...DEMO_TEMPLATE, layoutId: layout.id }, { signal });
  const sends = demoSends(sandbox.smtpUrl !== null);
  const results = [];
  for (const item of sends) {
    const sent = await client.messages.send(item.message, {
      via: item.via,
      signal,
      idempotencyKey: `demo-${randomBytes(6).toString('hex')}`,
    });
    results.push({
      scenario: item.scenario,
      via: item.via,
      to: item.to,
      id: sent.id,
    });
  }
  heading(s, `sent ${results.length} order confirmations (API and SMTP) to the simulator`);
  s.out.list(results, [{ key: 'scenario' }, { key: 'via' }, { key: 'to' }, { key: 'id' }]);

  // Soft bounces retry for 72 h on the virtual clock: jump past that so every outcome is final.
  const fetcher = s.ctx.fetch ?? fetch;
  const response = await fetcher(`${sandbox.url}/sandbox/v1/clock`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ advance: 'PT73H' }),
    signal,
  });
  if (!response.ok) throw new Error(`advancing the sandbox clock failed: HTTP ${response.status}`);
  await response.body?.cancel();

  const [{ stats }, { bouncesList }, { reportsExport }] = await Promise.all([
    import('./stats.js'),
    import('./bounces.js'),
    import('./reports.js'),
  ]);
  heading(s, 'statistics (mailplatform stats --group-by tag --since 30d)');
  await stats(s, {
    groupBy: 'tag',
    since: '30d',
    metrics: 'sent,delivered,bouncedHard,bouncedSoft,complained,opensUnique',
  });
  heading(s, 'bounces (mailplatform bounces list --since 30d)');
  await bouncesList(s, { since: '30d' });
  heading(s, 'invalid addresses (mailplatform reports export --type invalid_addresses --wait)');
  await reportsExport(s, {
    type: 'invalid_addresses',
    format: 'csv',
    wait: true,
    pollInterval: '100ms',
    waitTimeout: '30s',
  });
  if (!s.out.machine) {
    const browse = `npx mailplatform dev${o.dataDir ? ` --data-dir ${o.dataDir}` : ''}`;
    s.ctx.stdout.write(`\nbrowse the result: ${browse}\n`);
  }
}
