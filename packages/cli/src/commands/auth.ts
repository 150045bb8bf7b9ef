import { DEFAULT_BASE_URL, keyMode } from '../config/settings.js';
import { UsageError } from '../errors.js';
import { readAll, readLine } from '../prompt.js';
import { maskSecret } from '../redact.js';
import type { Session } from '../session.js';

export interface LoginOptions {
  withToken?: boolean;
}

export async function login(s: Session, options: LoginOptions): Promise<void> {
  let key: string;
  if (options.withToken) key = (await readAll(s.ctx)).trim();
  else if (s.canPrompt())
    key = (await readLine(s.ctx, 'Paste your API key (mp_live_… or mp_test_…): ')).trim();
  else {
    throw new UsageError(
      'no key given and no terminal to ask on',
      'pipe it in: `mailplatform login --with-token < key.txt`',
    );
  }
  if (key === '') throw new UsageError('the key is empty');
  const mode = keyMode(key);
  if (!mode)
    throw new UsageError(
      `"${maskSecret(key)}" is not a mailplatform API key`,
      'keys start with mp_live_ or mp_test_',
    );
  s.secrets.push(key);
  const { settings } = s;
  const client = await s.ctx.createClient({
    apiKey: key,
    baseUrl: settings.baseUrl,
    ...(s.ctx.fetch ? { fetch: s.ctx.fetch } : {}),
  });
  const account = await client.account.get({ signal: s.ctx.signal });
  const credentials = await settings.store.readCredentials();
  credentials.profiles[settings.profile] = { apiKey: key };
  await settings.store.writeCredentials(credentials);
  const config = await settings.store.readConfig();
  const profile = { ...config.profiles[settings.profile], mode };
  if (s.globals.baseUrl) profile.baseUrl = s.globals.baseUrl;
  config.profiles[settings.profile] = profile;
  config.activeProfile ??= settings.profile;
  await settings.store.writeConfig(config);
  s.out.result(
    { profile: settings.profile, key: maskSecret(key), mode, baseUrl: settings.baseUrl, account },
    `Logged in: profile "${settings.profile}" now uses ${maskSecret(key)} (${mode} mode)` +
      (settings.baseUrl === DEFAULT_BASE_URL ? '' : ` at ${settings.baseUrl}`),
  );
  if (s.ctx.env.MAILPLATFORM_API_KEY) {
    s.out.warn('MAILPLATFORM_API_KEY is set and wins over the stored key');
  }
}

export interface LogoutOptions {
  all?: boolean;
}

export async function logout(s: Session, options: LogoutOptions): Promise<void> {
  const { store, profile } = s.settings;
  const credentials = await store.readCredentials();
  const removed = options.all
    ? Object.keys(credentials.profiles)
    : profile in credentials.profiles
      ? [profile]
      : [];
  for (const name of removed) delete credentials.profiles[name];
  if (removed.length > 0) await store.writeCredentials(credentials);
  s.out.result(
    { removed },
    removed.length === 0
      ? `No stored key for profile "${profile}"`
      : `Removed the stored key of ${removed.map((n) => `"${n}"`).join(', ')}`,
  );
}

export async function whoami(s: Session): Promise<void> {
  const client = await s.client();
  const account = await client.account.get({ signal: s.ctx.signal });
  const key = s.settings.apiKey!;
  s.out.object({
    ...account,
    key: maskSecret(key.value),
    keySource: key.source,
    mode: keyMode(key.value) ?? 'unknown',
    profile: s.settings.profile,
    baseUrl: s.settings.baseUrl,
  });
}
