import { DEFAULT_BASE_URL } from '../config/settings.js';
import { isProfileKey, PROFILE_KEYS, type ProfileConfig, type ProfileKey } from '../config/store.js';
import { UsageError } from '../errors.js';
import { isOutputMode, OUTPUT_MODES } from '../output/mode.js';
import { maskSecret } from '../redact.js';
import type { Session } from '../session.js';
import { parseSmtpUrl } from '../smtp-url.js';

function profileKey(key: string): ProfileKey {
  if (key === 'apiKey' || key === 'api_key') {
    throw new UsageError(
      'the API key is not a config setting',
      'use `mailplatform login` (stored 0600) or MAILPLATFORM_API_KEY',
    );
  }
  if (!isProfileKey(key))
    throw new UsageError(`unknown setting "${key}"`, `settings: ${PROFILE_KEYS.join(', ')}`);
  return key;
}

function checkValue(key: ProfileKey, value: string): void {
  if (key === 'output' && !isOutputMode(value))
    throw new UsageError(`output must be one of ${OUTPUT_MODES.join(', ')}`);
  if (key === 'mode' && value !== 'test' && value !== 'live')
    throw new UsageError('mode must be test or live');
  if (key === 'baseUrl' && !/^https?:\/\/[^\s/]+/.test(value))
    throw new UsageError(`baseUrl must be an http(s) URL, got "${value}"`);
  if (key === 'smtpUrl') parseSmtpUrl({ value, source: 'smtpUrl' });
}

export async function configGet(s: Session, _options: object, [key = '']: string[]): Promise<void> {
  const name = profileKey(key);
  const value = s.settings.profileConfig[name] ?? null;
  if (s.out.machine) s.out.object({ key: name, value, profile: s.settings.profile });
  else s.ctx.stdout.write(`${value ?? ''}\n`);
}

export async function configSet(
  s: Session,
  _options: object,
  [key = '', value = '']: string[],
): Promise<void> {
  const name = profileKey(key);
  checkValue(name, value);
  const { store, profile } = s.settings;
  const config = await store.readConfig();
  const entry: ProfileConfig = { ...config.profiles[profile] };
  if (name === 'mode') entry.mode = value as 'test' | 'live';
  else entry[name] = value;
  config.profiles[profile] = entry;
  await store.writeConfig(config);
  s.out.result({ profile, key: name, value }, `Set ${name} = ${value} in profile "${profile}"`);
}

export async function configUnset(s: Session, _options: object, [key = '']: string[]): Promise<void> {
  const name = profileKey(key);
  const { store, profile } = s.settings;
  const config = await store.readConfig();
  const entry = config.profiles[profile];
  if (entry && name in entry) {
    delete entry[name];
    await store.writeConfig(config);
  }
  s.out.result({ profile, key: name, value: null }, `Unset ${name} in profile "${profile}"`);
}

export async function configList(s: Session): Promise<void> {
  const { settings, globals, ctx } = s;
  const source = (flag: unknown, envName: string, inProfile: boolean) =>
    flag !== undefined
      ? 'flag'
      : ctx.env[envName]
        ? envName
        : inProfile
          ? `profile "${settings.profile}"`
          : 'default';
  const rows: { key: string; value: string | null; source: string }[] = [
    {
      key: 'profile',
      value: settings.profile,
      source: source(globals.profile, 'MAILPLATFORM_PROFILE', settings.config.activeProfile !== undefined),
    },
    {
      key: 'apiKey',
      value: settings.apiKey ? maskSecret(settings.apiKey.value) : null,
      source: settings.apiKey?.source ?? 'none',
    },
    {
      key: 'baseUrl',
      value: settings.baseUrl,
      source:
        settings.baseUrl === DEFAULT_BASE_URL && settings.profileConfig.baseUrl === undefined
          ? 'default'
          : source(globals.baseUrl, 'MAILPLATFORM_BASE_URL', settings.profileConfig.baseUrl !== undefined),
    },
  ];
  for (const key of PROFILE_KEYS) {
    if (key === 'baseUrl') continue;
    const value = settings.profileConfig[key];
    if (value !== undefined) rows.push({ key, value, source: `profile "${settings.profile}"` });
  }
  if (settings.project) {
    for (const key of ['templatesDir', 'defaultFrom', 'forwardTo'] as const) {
      const value = settings.project[key];
      if (value !== undefined) rows.push({ key, value, source: settings.project.path });
    }
  }
  s.out.list(rows, [{ key: 'key' }, { key: 'value' }, { key: 'source' }]);
}

export async function configPath(s: Session): Promise<void> {
  const { paths } = s.settings.store;
  if (s.out.machine) s.out.object({ ...paths });
  else s.ctx.stdout.write(`${paths.config}\n`);
}

export async function profilesList(s: Session): Promise<void> {
  const { config, credentials, profile } = s.settings;
  const names = [...new Set([...Object.keys(config.profiles), ...Object.keys(credentials.profiles)])].sort();
  s.out.list(
    names.map((name) => ({
      name,
      active: name === profile,
      mode: config.profiles[name]?.mode ?? null,
      baseUrl: config.profiles[name]?.baseUrl ?? null,
      hasKey: name in credentials.profiles,
    })),
    [
      { key: 'name' },
      { key: 'active' },
      { key: 'mode' },
      { key: 'baseUrl', header: 'base url' },
      { key: 'hasKey', header: 'key' },
    ],
  );
}

export async function profilesUse(s: Session, _options: object, [name = '']: string[]): Promise<void> {
  const { store, config, credentials } = s.settings;
  if (!(name in config.profiles) && !(name in credentials.profiles)) {
    const known = [...new Set([...Object.keys(config.profiles), ...Object.keys(credentials.profiles)])];
    throw new UsageError(
      `no profile "${name}"`,
      known.length ? `profiles: ${known.join(', ')}` : 'create one with `mailplatform login --profile NAME`',
    );
  }
  const fresh = await store.readConfig();
  fresh.activeProfile = name;
  fresh.profiles[name] ??= {};
  await store.writeConfig(fresh);
  s.out.result({ activeProfile: name }, `Active profile: ${name}`);
}
