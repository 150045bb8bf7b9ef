#!/usr/bin/env node
// `npm run demo`: the whole demo through the BUILT CLI (run `npm run build` first), in a fresh data
// dir. Prints the statistics, the bounces, the invalid addresses and the command that browses the
// result, then exits with the CLI's exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
const dataDir = join('.mailplatform', 'demo');

if (!existsSync(bin)) {
  process.stderr.write(`error: ${bin} does not exist\n  hint: run \`npm run build\` first\n`);
  process.exit(1);
}
await rm(join(root, dataDir), { recursive: true, force: true });

const args = [
  bin,
  '-o',
  'table',
  'dev',
  '--demo',
  '--exit',
  '--data-dir',
  dataDir,
  '--port',
  '0',
  '--smtp-port',
  '0',
  '--smtps-port',
  'off',
];
// Piped output (CI, `| less`) has no terminal width: give the tables room instead of 80 columns.
const env = { ...process.env, COLUMNS: process.env.COLUMNS ?? '160' };
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
});
