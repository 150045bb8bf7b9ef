import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliClient, CliClientOptions } from '../src/client.js';
import type { CliContext } from '../src/context.js';
import { runCli } from '../src/run.js';

export interface TestRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestCli {
  ctx: CliContext;
  /** Directory standing in for $HOME and the cwd; removed by `cleanup()`. */
  home: string;
  configDir: string;
  clientOptions: CliClientOptions[];
  run(argv: string[], input?: { stdin?: string; env?: Record<string, string> }): Promise<TestRun>;
  cleanup(): Promise<void>;
}

export async function createTestCli(
  options: {
    client?: (options: CliClientOptions) => CliClient | Promise<CliClient>;
    env?: Record<string, string>;
    tty?: boolean;
    columns?: number;
    now?: Date;
    overrides?: Partial<CliContext>;
  } = {},
): Promise<TestCli> {
  const home = await mkdtemp(join(tmpdir(), 'mp-cli-'));
  const configDir = join(home, 'config', 'mailplatform');
  const clientOptions: CliClientOptions[] = [];
  const make = (stdin: string, env: Record<string, string>, out: string[], err: string[]): CliContext => ({
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    stdin: (async function* () {
      if (stdin !== '') yield stdin;
    })(),
    env: { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), ...options.env, ...env },
    isTTY: options.tty ?? false,
    stderrIsTTY: options.tty ?? false,
    stdinIsTTY: options.tty ?? false,
    columns: options.columns ?? 80,
    cwd: home,
    platform: 'linux',
    homeDir: home,
    now: () => options.now ?? new Date(),
    signal: new AbortController().signal,
    async createClient(clientOpts) {
      clientOptions.push(clientOpts);
      if (!options.client) throw new Error('this test has no client');
      return options.client(clientOpts);
    },
    ...options.overrides,
  });
  const cli: TestCli = {
    ctx: make('', {}, [], []),
    home,
    configDir,
    clientOptions,
    async run(argv, input = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const ctx = make(input.stdin ?? '', input.env ?? {}, out, err);
      const code = await runCli(argv, ctx);
      return { code, stdout: out.join(''), stderr: err.join('') };
    },
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
  return cli;
}

/** Every form in which a secret could leak: raw, base64, base64url, URL-encoded. */
export function leakForms(secret: string): string[] {
  const b64 = Buffer.from(secret).toString('base64');
  return [
    secret,
    b64,
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
    secret.slice(8),
  ];
}

export function expectNoLeak(text: string, secret: string): void {
  for (const form of leakForms(secret)) {
    if (text.includes(form)) throw new Error(`secret leaked in the form ${JSON.stringify(form)}`);
  }
}
