#!/usr/bin/env node
import { homedir } from 'node:os';
import { isatty } from 'node:tty';
import type { CliContext } from './context.js';
import { VERSION } from './version.js';

// The only file that touches `process`. The SDK, the sandbox and nodemailer load inside the commands;
// a bare `--version` does not even load commander (cli.md §10 start-up budget).
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}
const { exitOnBrokenPipe, runCli } = await import('./run.js');
// `mailplatform stats | head -1`: the reader is gone, so stop quietly with 0 (as `gh` does).
exitOnBrokenPipe(process.stdout, (code) => process.exit(code));

// Ctrl-C (130) and SIGTERM (143) abort the context, so waits, spinners and servers stop and clean up;
// a second signal, or a command still running 3 s after SIGTERM, ends the process at once.
const controller = new AbortController();
let signalled: 130 | 143 | undefined;
const onSignal = (code: 130 | 143) => () => {
  if (signalled !== undefined) process.exit(code);
  signalled = code;
  controller.abort();
  if (code === 143) setTimeout(() => process.exit(143), 3000).unref();
};
process.on('SIGINT', onSignal(130));
process.on('SIGTERM', onSignal(143));

const ctx: CliContext = {
  stdout: process.stdout,
  stderr: process.stderr,
  // process.stdin is created on first use only: most commands never read it.
  stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  ...(process.stderr.isTTY ? { spinnerStream: process.stderr } : {}),
  stdinIsTTY: isatty(0),
  columns: process.stdout.columns ?? (Number(process.env.COLUMNS) || 80),
  cwd: process.cwd(),
  platform: process.platform,
  homeDir: homedir(),
  now: () => new Date(),
  signal: controller.signal,
  async createClient(options) {
    const { MailPlatform } = await import('@mailplatform/sdk');
    return new MailPlatform(options);
  },
  async loadSandbox() {
    const { createSandbox } = await import('@mailplatform/sandbox');
    return createSandbox;
  },
  async loadResolver() {
    return import('node:dns/promises');
  },
};

runCli(argv, ctx).then((code) => {
  process.exitCode = signalled ?? code;
});
