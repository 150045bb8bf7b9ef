import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const children: ChildProcess[] = [];

function start(args: string[]) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const ready = () =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (stdout.includes('Press Ctrl+C')) resolve(stdout);
      };
      child.stdout!.on('data', check);
      check();
      void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('mailplatform-sandbox', { timeout: 20_000 }, () => {
  it('starts on free ports, prints how to connect, serves the API and stops on SIGTERM', async () => {
    const run = start(['--port', '0', '--smtp-port', '0']);
    const banner = await run.ready();
    const url = /API\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(banner)![1]!;
    const key = /Test key\s+(mp_test_\S+)/.exec(banner)![1]!;
    expect(banner).toMatch(/SMTP\s+127\.0\.0\.1:\d+ /);
    expect(banner).toContain(`Inbox      ${url}/sandbox/v1/inbox`);
    const inbox = await fetch(`${url}/sandbox/v1/inbox`, { headers: { authorization: `Bearer ${key}` } });
    expect(await inbox.json()).toEqual({ data: [], hasMore: false, nextCursor: null });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = start(['--port', String(port), '--smtp-port', 'off']);
      expect(await run.exited).toBe(1);
      expect(run.output().stderr).toBe(
        `mailplatform-sandbox: port ${port} is already in use: stop the other process or choose another port (0 picks a free one)\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('exits 2 on a bad option', async () => {
    const run = start(['--port', 'eighty']);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toContain('--port must be a port number (0-65535)');
  });
});
