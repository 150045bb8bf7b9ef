import { readFile } from 'node:fs/promises';
import {
  AmbiguousDeliveryError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  SmtpRejectedError,
  SmtpTransientError,
  ValidationError,
  WebhookVerificationError,
} from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/exit-codes.js';
import { VERSION } from '../src/version.js';
import { createTestCli, type TestCli } from './helpers.js';

let cli: TestCli;
beforeAll(async () => {
  cli = await createTestCli();
});
afterAll(() => cli.cleanup());

describe('program', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
    expect(await cli.run(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('an unknown command or flag is exit 2, as JSON in JSON mode', async () => {
    const result = await cli.run(['nosuch']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe("error: unknown command 'nosuch'\n");
    const json = await cli.run(['send', '--bogus', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr).error).toMatchObject({
      code: 'usage_error',
      message: "unknown option '--bogus'",
    });
  });

  it('completion scripts list the command tree', async () => {
    const bash = await cli.run(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _mailplatform mailplatform');
    expect(bash.stdout).toMatch(/"suppressions"\) words="list ls add remove check import export /);
    const fish = await cli.run(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c mailplatform -n '__fish_use_subcommand' -a send");
    expect(fish.stdout).toContain('-l to -r');
    const zsh = await cli.run(['completion', 'zsh']);
    expect(zsh.stdout.startsWith('#compdef mailplatform\n')).toBe(true);
    expect((await cli.run(['completion', 'powershell'])).code).toBe(2);
  });
});

describe('exit codes', () => {
  it('maps SDK errors to cli.md §7 (ambiguous delivery → 1)', () => {
    expect(exitCodeFor(new AuthenticationError('x', { status: 401 }))).toBe(4);
    expect(exitCodeFor(new NotFoundError('x', { status: 404 }))).toBe(5);
    expect(exitCodeFor(new RateLimitError('x', { status: 429 }))).toBe(6);
    expect(exitCodeFor(new ConnectionError('x'))).toBe(6);
    expect(exitCodeFor(new SmtpTransientError('x', { smtpCode: 451 }))).toBe(6);
    expect(exitCodeFor(new SmtpRejectedError('x', { smtpCode: 550, stage: 'rcpt' }))).toBe(10);
    expect(exitCodeFor(new SmtpRejectedError('x', { smtpCode: 535, stage: 'auth' }))).toBe(4);
    expect(exitCodeFor(new AmbiguousDeliveryError('x'))).toBe(1);
    expect(exitCodeFor(new ValidationError('x', { field: 'to' }))).toBe(10);
    expect(exitCodeFor(new WebhookVerificationError('x', 'missing_header'))).toBe(9);
    expect(exitCodeFor(new Error('x'))).toBe(1);
  });
});
