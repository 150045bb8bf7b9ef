import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** A file the user named: a missing or unreadable one is a usage error (exit 2) naming the option. */
export async function readLocalFile(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${option} ${path}: ${reason(error)}`);
  }
}

/**
 * Checks, before any work, that `path` can be written: its directory exists. `path` is named as the
 * user gave it (never the temporary file the atomic write uses).
 */
export async function assertWritableTarget(path: string, option: string): Promise<void> {
  const directory = dirname(resolve(path));
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(directory)).isDirectory();
  } catch (error) {
    throw new UsageError(`${option} ${path}: directory ${dirname(path)} does not exist`, reason(error));
  }
  if (!isDirectory) throw new UsageError(`${option} ${path}: ${dirname(path)} is not a directory`);
}
