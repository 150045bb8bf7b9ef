import { connect } from 'node:tls';
import { createSandbox } from '@mailplatform/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { dev } from '../src/commands/dev.js';
import { InterruptedError, UsageError } from '../src/errors.js';
import { openSession, type Session } from '../src/session.js';
import { createTestCli, type TestCli } from './helpers.js';

/** The SMTP greeting read over implicit TLS (the sandbox's certificate is self-signed). */
function tlsGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      socket.once('data', (chunk: Buffer) => {
        socket.destroy();
        resolve(chunk.toString('utf8'));
      });
    });
    socket.once('error', reject);
  });
}

let cli: TestCli | undefined;
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  await cli?.cleanup();
  session = undefined;
  cli = undefined;
});

/** Runs `dev` with an already-interrupted signal: it starts, prints, then stops waiting at once. */
async function runDev(smtpsPort: string | undefined): Promise<{ error: unknown; stdout: string }> {
  const out: string[] = [];
  const interrupted = new AbortController();
  interrupted.abort();
  cli = await createTestCli({
    columns: 200,
    overrides: {
      loadSandbox: async () => createSandbox,
      stdout: { write: (chunk: string) => out.push(chunk) },
      signal: interrupted.signal,
    },
  });
  session = await openSession(cli.ctx, { output: 'table' });
  const error = await dev(session, {
    port: '0',
    smtpPort: '0',
    ...(smtpsPort === undefined ? {} : { smtpsPort }),
  }).catch((e: unknown) => e);
  return { error, stdout: out.join('') };
}

describe('dev --smtps-port', () => {
  it('0 starts the implicit-TLS listener on a free port and prints it', async () => {
    const { error, stdout } = await runDev('0');
    expect(error).toBeInstanceOf(InterruptedError);
    const port = Number(/^SMTPS port\s+(\d+)$/m.exec(stdout)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await tlsGreeting(port)).toMatch(/^220 /);
  });

  it('off (and an absent option) starts no implicit-TLS listener', async () => {
    for (const value of ['off', undefined]) {
      const { error, stdout } = await runDev(value);
      expect(error).toBeInstanceOf(InterruptedError);
      expect(stdout).toMatch(/^SMTP port\s+\d+$/m);
      expect(stdout).not.toMatch(/^SMTPS port\s+\d/m);
      await session?.close();
      await cli?.cleanup();
      session = undefined;
      cli = undefined;
    }
  });

  it('refuses a port that is not an integer', async () => {
    const { error } = await runDev('tls');
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('--smtps-port must be an integer ≥ 0, got "tls"');
  });
});
