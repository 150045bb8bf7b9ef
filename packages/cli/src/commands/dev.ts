import { parseInteger } from '../duration.js';
import { UsageError } from '../errors.js';
import type { Session } from '../session.js';

export interface DevOptions {
  port: string;
  smtpPort: string;
  dataDir?: string;
  demo?: boolean;
}

/** Runs the sandbox until Ctrl-C and points a "sandbox" profile at it. */
export async function dev(s: Session, o: DevOptions): Promise<void> {
  const { ctx } = s;
  let createSandbox: Awaited<ReturnType<NonNullable<typeof ctx.loadSandbox>>>;
  try {
    if (!ctx.loadSandbox) throw new Error('no sandbox loader');
    createSandbox = await ctx.loadSandbox();
  } catch {
    throw new UsageError(
      'the sandbox is not installed',
      'install it next to the CLI: npm install --save-dev @mailplatform/sandbox',
    );
  }
  const sandbox = await createSandbox({
    port: parseInteger(o.port, '--port'),
    smtpPort: parseInteger(o.smtpPort, '--smtp-port'),
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    ...(o.demo ? { demo: true } : {}),
  });
  try {
    const { store } = s.settings;
    const [config, credentials] = await Promise.all([store.readConfig(), store.readCredentials()]);
    config.profiles.sandbox = { ...config.profiles.sandbox, baseUrl: sandbox.url, mode: 'test' };
    credentials.profiles.sandbox = { apiKey: sandbox.apiKey };
    await store.writeCredentials(credentials);
    await store.writeConfig(config);
    const smtp = new URL(sandbox.smtpUrl);
    s.out.object({
      url: sandbox.url,
      inbox: `${sandbox.url.replace(/\/$/, '')}/`,
      smtpHost: smtp.hostname,
      smtpPort: Number(smtp.port),
      smtpUser: 'apikey',
      apiKey: sandbox.apiKey,
      profile: 'sandbox',
    });
    if (!s.out.machine) s.out.note('use it: mailplatform -p sandbox send …  (Ctrl-C stops the sandbox)');
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await sandbox.close();
  }
}
