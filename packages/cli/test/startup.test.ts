// cli.md §10 start-up budget: `--version` and `--help` must not load the SDK (and its HTTP stack),
// the sandbox or nodemailer. The bin runs from source in a child process with a module recorder
// (scripts/record-modules.mjs); time is measured in bench/cli-startup.mjs, not here.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const FORBIDDEN = [
  /\/packages\/sdk\//,
  /\/packages\/sandbox\//,
  /\/node_modules\/(nodemailer|undici|smtp-server|better-sqlite3|ora|chalk)\//,
];
let dir: string;
let runs = 0;

/** Runs the source bin with `args` and returns the URLs of every module it loaded. */
async function loadedModules(args: string[]): Promise<{ modules: string[]; stdout: string }> {
  const log = join(dir, `modules-${runs++}.txt`);
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        '--import',
        './scripts/record-modules.mjs',
        'src/bin.ts',
        ...args,
      ],
      {
        cwd: cliDir,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          XDG_CONFIG_HOME: dir,
          MAILPLATFORM_MODULE_LOG: log,
          MAILPLATFORM_API_KEY: 'mp_test_StartupStartup1234',
          MAILPLATFORM_BASE_URL: 'http://127.0.0.1:1',
          MAILPLATFORM_MAX_RETRIES: '0',
        },
      },
      // exit codes are not the point here: the control command fails to connect (exit 6)
      (_error, out) => resolve(String(out)),
    ).on('error', reject);
  });
  const modules = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { modules, stdout };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-cli-startup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('start-up', () => {
  it('--version loads neither commander nor the program', async () => {
    const { modules, stdout } = await loadedModules(['--version']);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(modules.some((m) => m.endsWith('/packages/cli/src/version.ts'))).toBe(true);
    expect(
      modules.filter((m) => FORBIDDEN.some((f) => f.test(m)) || /\/commander\/|\/src\/program\.ts$/.test(m)),
    ).toEqual([]);
  });

  it('--help loads commander and the program only', async () => {
    const { modules, stdout } = await loadedModules(['--help']);
    expect(stdout).toMatch(/^Usage: mailplatform /);
    expect(modules.some((m) => m.endsWith('/packages/cli/src/program.ts'))).toBe(true);
    expect(modules.some((m) => m.includes('/commander/'))).toBe(true);
    expect(modules.filter((m) => FORBIDDEN.some((f) => f.test(m)))).toEqual([]);
    expect(modules.filter((m) => m.includes('/src/commands/'))).toEqual([]);
  });

  it('the recorder does see the SDK when a command needs it (control)', async () => {
    const { modules } = await loadedModules(['messages', 'list']);
    expect(modules.some((m) => m.includes('/packages/sdk/src/'))).toBe(true);
    expect(modules.some((m) => m.endsWith('/src/commands/messages.ts'))).toBe(true);
  });
});
