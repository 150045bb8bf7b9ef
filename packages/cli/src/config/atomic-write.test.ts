import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ensurePrivateDir, writeFileAtomic } from './atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-atomic-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it('keeps the old file intact when the rename never happens', async () => {
  const path = join(dir, 'credentials.json');
  await writeFile(path, 'old');
  const crash = { rename: async () => Promise.reject(new Error('killed before rename')) };
  await expect(writeFileAtomic(path, 'new', { ops: crash })).rejects.toThrow('killed before rename');
  expect(await readFile(path, 'utf8')).toBe('old');
  expect(await readdir(dir)).toEqual(['credentials.json']);
});

it('replaces the file with mode 0600 whatever the umask', async () => {
  const previous = process.umask(0o000);
  try {
    const path = join(dir, 'a.json');
    await writeFile(path, 'old', { mode: 0o666 });
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await ensurePrivateDir(join(dir, 'x', 'y'));
    expect((await stat(join(dir, 'x', 'y'))).mode & 0o777).toBe(0o700);
  } finally {
    process.umask(previous);
  }
});
