import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliContext, runCli } from '@mailplatform/cli';
import { MailPlatform } from '@mailplatform/sdk';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Cli {
  home: string;
  configDir: string;
  run(argv: readonly string[], input?: { env?: Record<string, string>; stdin?: string }): Promise<CliRun>;
  cleanup(): Promise<void>;
}

/** The CLI with fake streams and a real SDK client, the way bin.ts builds it. */
export async function createCli(
  env: Record<string, string> = {},
  createClient: CliContext['createClient'] = async (options) => new MailPlatform(options),
): Promise<Cli> {
  const home = await mkdtemp(join(tmpdir(), 'mp-reliability-'));
  const configDir = join(home, 'config', 'mailplatform');
  return {
    home,
    configDir,
    async run(argv, input = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const stdin = input.stdin ?? '';
      const ctx: CliContext = {
        stdout: { write: (chunk: string) => out.push(chunk) },
        stderr: { write: (chunk: string) => err.push(chunk) },
        stdin: (async function* () {
          if (stdin !== '') yield stdin;
        })(),
        env: { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), ...env, ...input.env },
        isTTY: false,
        stderrIsTTY: false,
        stdinIsTTY: false,
        columns: 80,
        cwd: home,
        platform: 'linux',
        homeDir: home,
        now: () => new Date(),
        signal: new AbortController().signal,
        createClient,
      };
      const code = await runCli(argv, ctx);
      return { code, stdout: out.join(''), stderr: err.join('') };
    },
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}
