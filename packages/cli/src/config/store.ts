import { readFile, stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from './atomic-write.js';
import type { ConfigPaths } from './paths.js';

/** Non-secret settings of one profile (config.json). */
export interface ProfileConfig {
  baseUrl?: string;
  output?: string;
  defaultFrom?: string;
  mode?: 'test' | 'live';
  /** `smtp://[user@]host[:port]` or `smtps://…`, as `MAILPLATFORM_SMTP_URL`. */
  smtpUrl?: string;
  templatesDir?: string;
}

export const PROFILE_KEYS = ['baseUrl', 'output', 'defaultFrom', 'mode', 'smtpUrl', 'templatesDir'] as const;
export type ProfileKey = (typeof PROFILE_KEYS)[number];

export function isProfileKey(key: string): key is ProfileKey {
  return (PROFILE_KEYS as readonly string[]).includes(key);
}

export interface ConfigFile {
  activeProfile?: string;
  profiles: Record<string, ProfileConfig>;
}

export interface CredentialsFile {
  profiles: Record<string, { apiKey: string }>;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON`, 'fix the file or remove it');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and writes the user config; credentials live in their own 0600 file. */
export class ConfigStore {
  /** ssh-style warnings found while reading (an unprotected credentials file); `doctor` fails on them. */
  readonly warnings: string[] = [];

  constructor(
    readonly paths: ConfigPaths,
    /** Off on Windows, where the per-user ACL of %APPDATA% protects the file and mode bits mean little. */
    private readonly checkPermissions = true,
  ) {}

  async readConfig(): Promise<ConfigFile> {
    const raw = await readJson(this.paths.config);
    if (raw === undefined) return { profiles: {} };
    if (!isObject(raw)) throw new UsageError(`${this.paths.config} must hold a JSON object`);
    const profiles = isObject(raw.profiles) ? (raw.profiles as Record<string, ProfileConfig>) : {};
    return {
      ...(typeof raw.activeProfile === 'string' ? { activeProfile: raw.activeProfile } : {}),
      profiles,
    };
  }

  async writeConfig(config: ConfigFile): Promise<void> {
    await ensurePrivateDir(this.paths.dir);
    await writeFileAtomic(this.paths.config, `${JSON.stringify(config, null, 2)}\n`);
  }

  async readCredentials(): Promise<CredentialsFile> {
    const raw = await readJson(this.paths.credentials);
    if (raw === undefined) return { profiles: {} };
    const info = await stat(this.paths.credentials);
    if (this.checkPermissions && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      this.warnings.push(
        `UNPROTECTED CREDENTIALS FILE: permissions ${mode} for '${this.paths.credentials}' are too open; ` +
          `other users may read your API key. Run: chmod 600 '${this.paths.credentials}'`,
      );
    }
    if (!isObject(raw) || !isObject(raw.profiles)) return { profiles: {} };
    const profiles: CredentialsFile['profiles'] = {};
    for (const [name, entry] of Object.entries(raw.profiles)) {
      if (isObject(entry) && typeof entry.apiKey === 'string') profiles[name] = { apiKey: entry.apiKey };
    }
    return { profiles };
  }

  async writeCredentials(credentials: CredentialsFile): Promise<void> {
    await ensurePrivateDir(this.paths.dir);
    await writeFileAtomic(this.paths.credentials, `${JSON.stringify(credentials, null, 2)}\n`, {
      mode: 0o600,
    });
  }
}
