import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const KEY = 'mp_test_restart_fixed_key';
const dataDir = mkdtempSync(join(tmpdir(), 'mp-restart-'));
const children: ChildProcess[] = [];

/** Starts the bin on free ports and resolves with its API origin once the banner is printed (10 s at most). */
async function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', BIN, '--port', '0', '--smtp-port', '0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 10 s: ${stdout} ${stderr}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /API\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(stdout);
      if (match && stdout.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${stderr}`));
    });
  });
  return { child, url };
}

function call(url: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${KEY}`);
  headers.set('content-type', 'application/json');
  return fetch(`${url}${path}`, { ...init, headers });
}

async function json(url: string, path: string) {
  const res = await call(url, path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const first = {
  from: 'Shop <ordre@shop.dk>',
  to: ['kunde@example.dk'],
  subject: 'Ordre #1',
  text: 'Tak',
  tag: 'restart',
};
const second = { ...first, to: ['bounce@sim.mailplatform.test'], subject: 'Ordre #2' };

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kill and restart', { timeout: 40_000 }, () => {
  it('keeps messages, events and idempotency keys across a SIGKILL', async () => {
    const before = await start();
    const sendFirst = () =>
      call(before.url, '/v1/messages', {
        method: 'POST',
        body: JSON.stringify(first),
        headers: { 'idempotency-key': 'restart-1' },
      });
    const a = await sendFirst();
    expect(a.status).toBe(202);
    const { id: firstId } = await a.json();
    const b = await call(before.url, '/v1/messages', { method: 'POST', body: JSON.stringify(second) });
    expect(b.status).toBe(202);
    const { id: secondId } = await b.json();
    const eventsBefore = (await json(before.url, '/v1/events?tag=restart&order=asc')).data as {
      id: string;
    }[];
    expect(eventsBefore.length).toBeGreaterThanOrEqual(2);

    const exited = once(before.child, 'exit');
    before.child.kill('SIGKILL');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });

    const after = await start();
    expect((await json(after.url, `/v1/messages/${firstId}`)).subject).toBe('Ordre #1');
    expect((await json(after.url, `/v1/messages/${secondId}`)).subject).toBe('Ordre #2');
    const eventsAfter = (await json(after.url, '/v1/events?tag=restart&order=asc')).data as {
      id: string;
      type: string;
    }[];
    expect(eventsAfter.map((e) => e.id)).toEqual(expect.arrayContaining(eventsBefore.map((e) => e.id)));
    const queued = eventsAfter.filter((e) => e.type === 'message.queued');
    expect(queued).toHaveLength(2);

    const replay = await call(after.url, '/v1/messages', {
      method: 'POST',
      body: JSON.stringify(first),
      headers: { 'idempotency-key': 'restart-1' },
    });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await replay.json()).id).toBe(firstId);

    const inbox = (await json(after.url, '/sandbox/v1/inbox')).data as { id: string }[];
    expect(inbox.map((m) => m.id).sort()).toEqual([firstId, secondId].sort());
    after.child.kill('SIGKILL');
  });
});
