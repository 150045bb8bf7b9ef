import type { CliContext } from '../context.js';
import { parseDuration, parseInteger } from '../duration.js';
import { UsageError } from '../errors.js';
import type { GlobalOptions } from '../globals.js';
import type { SmtpUrlSetting } from '../smtp-url.js';
import { configPaths } from './paths.js';
import { findProjectConfig, type ProjectConfig } from './project-file.js';
import { type ConfigFile, ConfigStore, type CredentialsFile, type ProfileConfig } from './store.js';

export const DEFAULT_BASE_URL = 'https://api.mailplatform.dk';
export const DEFAULT_PROFILE = 'default';

export interface ApiKeySetting {
  value: string;
  /** Where it came from, for `whoami`. */
  source: string;
}

/** Every setting resolved once, with the precedence flag > env > profile > default. */
export interface Settings {
  store: ConfigStore;
  config: ConfigFile;
  credentials: CredentialsFile;
  profile: string;
  profileConfig: ProfileConfig;
  project: ProjectConfig | undefined;
  apiKey: ApiKeySetting | undefined;
  baseUrl: string;
  timeout: number | undefined;
  maxRetries: number | undefined;
  /** `--smtp-url` > `MAILPLATFORM_SMTP_URL` > the profile's `smtpUrl`; none: the SDK's default relay. */
  smtpUrl: SmtpUrlSetting | undefined;
}

export function keyMode(key: string): 'live' | 'test' | undefined {
  if (key.startsWith('mp_live_')) return 'live';
  if (key.startsWith('mp_test_')) return 'test';
  return undefined;
}

export async function resolveSettings(ctx: CliContext, globals: GlobalOptions): Promise<Settings> {
  const { env } = ctx;
  const store = new ConfigStore(configPaths(ctx, globals.config), ctx.platform !== 'win32');
  const [config, credentials, project] = await Promise.all([
    store.readConfig(),
    store.readCredentials(),
    findProjectConfig(ctx.cwd),
  ]);
  const profile = globals.profile ?? env.MAILPLATFORM_PROFILE ?? config.activeProfile ?? DEFAULT_PROFILE;
  if (globals.profile !== undefined && !/^[A-Za-z0-9_.-]+$/.test(profile)) {
    throw new UsageError(`invalid profile name "${profile}"`, 'use letters, digits, ".", "_" and "-"');
  }
  const profileConfig = config.profiles[profile] ?? {};
  const storedKey = credentials.profiles[profile]?.apiKey;
  let apiKey: ApiKeySetting | undefined;
  if (globals.apiKey) apiKey = { value: globals.apiKey, source: '--api-key flag' };
  else if (env.MAILPLATFORM_API_KEY)
    apiKey = { value: env.MAILPLATFORM_API_KEY, source: 'MAILPLATFORM_API_KEY' };
  else if (storedKey)
    apiKey = { value: storedKey, source: `profile "${profile}" (${store.paths.credentials})` };
  const timeoutText = globals.timeout ?? env.MAILPLATFORM_TIMEOUT;
  const retriesText = globals.maxRetries ?? env.MAILPLATFORM_MAX_RETRIES;
  return {
    store,
    config,
    credentials,
    profile,
    profileConfig,
    project,
    apiKey,
    baseUrl: globals.baseUrl ?? env.MAILPLATFORM_BASE_URL ?? profileConfig.baseUrl ?? DEFAULT_BASE_URL,
    timeout: timeoutText === undefined ? undefined : parseDuration(timeoutText, '--timeout'),
    maxRetries: retriesText === undefined ? undefined : parseInteger(retriesText, '--max-retries'),
    smtpUrl: globals.smtpUrl
      ? { value: globals.smtpUrl, source: '--smtp-url' }
      : env.MAILPLATFORM_SMTP_URL?.trim()
        ? { value: env.MAILPLATFORM_SMTP_URL.trim(), source: 'MAILPLATFORM_SMTP_URL' }
        : profileConfig.smtpUrl
          ? { value: profileConfig.smtpUrl, source: `the smtpUrl setting of profile "${profile}"` }
          : undefined,
  };
}
