import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

export const PROJECT_FILE = '.mailplatformrc';

/** Non-secret settings a repository may carry. */
export interface ProjectConfig {
  path: string;
  templatesDir?: string;
  defaultFrom?: string;
  forwardTo?: string;
}

const SECRET_KEY = /api[_-]?key|secret|password|token|credential/i;
const SECRET_VALUE = /\b(mp_(live|test)_|whsec_|whsk_)/;

/**
 * Finds `.mailplatformrc` (JSON) walking up from `cwd`. A file that holds a key or a password is
 * refused: project files end up in git.
 */
export async function findProjectConfig(cwd: string): Promise<ProjectConfig | undefined> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const path = join(dir, PROJECT_FILE);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) return parseProjectConfig(path, text);
    if (dirname(dir) === dir) return undefined;
  }
}

function parseProjectConfig(path: string, text: string): ProjectConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError(`${path} must hold a JSON object`);
  for (const [key, value] of Object.entries(raw)) {
    if (SECRET_KEY.test(key) || (typeof value === 'string' && SECRET_VALUE.test(value))) {
      throw new UsageError(
        `refusing ${path}: it contains a secret ("${key}")`,
        'project files are usually committed to git: remove the secret, rotate it if it was committed, ' +
          'and use `mailplatform login` or MAILPLATFORM_API_KEY instead',
      );
    }
  }
  const record = raw as Record<string, unknown>;
  const str = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
  const out: ProjectConfig = { path };
  const templatesDir = str('templatesDir');
  const defaultFrom = str('defaultFrom');
  const forwardTo = str('forwardTo');
  if (templatesDir !== undefined) out.templatesDir = templatesDir;
  if (defaultFrom !== undefined) out.defaultFrom = defaultFrom;
  if (forwardTo !== undefined) out.forwardTo = forwardTo;
  return out;
}
