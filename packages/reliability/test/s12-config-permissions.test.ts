import { spawnSync } from 'node:child_process';
import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Cli, createCli } from './cli.js';
import { report, seeded } from './helpers.js';

const prng = seeded('S12');
const KEY = 'mp_test_S12PermKeyAaaaBbbbCcccDddd1111';
const NEW_KEY = 'mp_test_S12PermKeyEeeeFfffGgggHhhh2222';
const fixture = fileURLToPath(new URL('./fixtures/login-killed-before-rename.ts', import.meta.url));
const mode = async (path: string) => (await stat(path)).mode & 0o777;

let cli: Cli;
let umask: number;
beforeEach(async () => {
  umask = process.umask();
  const account = { id: 'acc_1', name: 'Shop', mode: 'test' };
  cli = await createCli(
    {},
    async () => ({ account: { get: async () => account }, close: async () => {} }) as never,
  );
});
afterEach(async () => {
  process.umask(umask);
  await cli.cleanup();
});

/** `login` verifies the key with `GET /v1/me`; the stub client above answers it. */
async function login(key: string): Promise<{ code: number; stderr: string }> {
  return cli.run(['login', '--with-token'], { stdin: key });
}

describe('S12 config permissions', () => {
  for (const mask of [0o000, 0o022]) {
    it(`login under umask ${mask.toString(8).padStart(3, '0')} writes 0600 files in a 0700 directory`, async () => {
      process.umask(mask);
      const result = await login(KEY);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(await mode(cli.configDir)).toBe(0o700);
      expect(await mode(join(cli.configDir, 'credentials.json'))).toBe(0o600);
      expect(await mode(join(cli.configDir, 'config.json'))).toBe(0o600);
    });
  }

  it('a pre-existing 0644 credentials file produces the warning and a doctor failure', async () => {
    expect((await login(KEY)).code).toBe(0);
    const path = join(cli.configDir, 'credentials.json');
    await chmod(path, 0o644);
    const whoami = await cli.run(['whoami', '--json']);
    expect(whoami.stderr).toContain(
      `UNPROTECTED CREDENTIALS FILE: permissions 0644 for '${path}' are too open`,
    );
    const doctor = await cli.run(['doctor', '--json']);
    expect(doctor.code).toBe(8);
    expect(doctor.stdout + doctor.stderr).toContain('0644');
  });

  it('a process killed between writing and renaming leaves the old credentials intact', {
    timeout: 30_000,
  }, async () => {
    expect((await login(KEY)).code).toBe(0);
    const path = join(cli.configDir, 'credentials.json');
    const before = await readFile(path, 'utf8');
    const child = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', fixture, cli.home, NEW_KEY],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.signal).toBe('SIGKILL');
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(JSON.parse(before)).toEqual({ profiles: { default: { apiKey: KEY } } });
    expect(await mode(path)).toBe(0o600);
    // the orphaned temp file (if any) is private too
    for (const name of await readdir(cli.configDir)) {
      if (name.endsWith('.tmp')) expect(await mode(join(cli.configDir, name))).toBe(0o600);
    }
    report({
      scenario: 'S12',
      n: 4,
      seed: prng.seed,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      attemptsPerSend: 0,
    });
  });
});
