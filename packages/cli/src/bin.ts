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
const { runCli } = await import('./run.js');
const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
});

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
  process.exitCode = interrupted ? 130 : code;
});
