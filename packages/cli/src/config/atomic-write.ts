import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file-system steps a write may fail between; tests replace `rename` to simulate a crash. */
export interface AtomicWriteOps {
  rename(from: string, to: string): Promise<void>;
}

const defaultOps: AtomicWriteOps = { rename };

/** Create the directory (and parents) and force its mode, whatever the umask. */
export async function ensurePrivateDir(dir: string, mode = 0o700): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
  await chmod(dir, mode);
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename itself is still atomic.
  } finally {
    await handle.close();
  }
}

/**
 * Temp file in the same directory, fsync, chmod (ignoring the umask), rename over the target, fsync
 * the directory. A crash at any step leaves either the old file or the new one, never half of one.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number; ops?: AtomicWriteOps } = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const ops = options.ops ?? defaultOps;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, mode);
    await ops.rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDir(dir);
}
