import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
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
    const run = start(['--port', '0', '--smtp-port', '0', '--smtps-port', '0']);
    const banner = await run.ready();
    const url = /API\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(banner)![1]!;
    const key = /Test key\s+(mp_test_\S+)/.exec(banner)![1]!;
    expect(banner).toMatch(/SMTP\s+127\.0\.0\.1:\d+ /);
    expect(banner).toMatch(/SMTPS\s+127\.0\.0\.1:\d+ \(implicit TLS/);
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
      const run = start(['--port', String(port), '--smtp-port', 'off', '--smtps-port', 'off']);
      expect(await run.exited).toBe(1);
      expect(run.output().stderr).toBe(
        `mailplatform-sandbox: port ${port} is already in use: stop the other process or choose another port (0 picks a free one)\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('exits 1 naming --smtps-port when the SMTPS port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = start(['--port', '0', '--smtp-port', 'off', '--smtps-port', String(port)]);
      expect(await run.exited).toBe(1);
      expect(run.output().stderr).toBe(
        `mailplatform-sandbox: SMTPS port ${port} (--smtps-port) is already in use: stop the other process or choose another port (0 picks a free one)\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('--smtps-port off disables the implicit-TLS listener', async () => {
    const run = start(['--port', '0', '--smtp-port', 'off', '--smtps-port', 'off']);
    const banner = await run.ready();
    expect(banner).toContain('  SMTPS      off\n');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('--allow-remote-webhooks delivers to a host that is not a loopback literal', async () => {
    const received: IncomingMessage[] = [];
    const receiver = createHttpServer((req, res) => {
      received.push(req);
      res.end('ok');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverPort = (receiver.address() as { port: number }).port;
    try {
      const run = start([
        '--port',
        '0',
        '--smtp-port',
        'off',
        '--smtps-port',
        'off',
        '--allow-remote-webhooks',
      ]);
      const banner = await run.ready();
      const url = /API\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(banner)![1]!;
      const headers = { authorization: `Bearer ${/Test key\s+(mp_test_\S+)/.exec(banner)![1]!}` };
      // an IPv4-mapped IPv6 literal: not a loopback literal to the sandbox, yet it reaches 127.0.0.1
      const created = await fetch(`${url}/v1/webhooks`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        // 0.0.0.0 is no loopback literal, yet on Linux a connection to it stays on this machine.
        body: JSON.stringify({ url: `http://0.0.0.0:${receiverPort}/hook` }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const test = await fetch(`${url}/v1/webhooks/${id}/test`, { method: 'POST', headers });
      expect(await test.json()).toMatchObject({ responseStatus: 200, error: null });
      expect(received.map((req) => req.url)).toEqual(['/hook']);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      receiver.close();
    }
  });

  it('exits 2 on a bad option', async () => {
    const run = start(['--port', 'eighty']);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toContain('--port must be a port number (0-65535)');
  });

  it('exits 2 on a bad --smtps-port', async () => {
    const run = start(['--smtps-port', 'tls']);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toContain('--smtps-port must be a port number (0-65535)');
  });
});
