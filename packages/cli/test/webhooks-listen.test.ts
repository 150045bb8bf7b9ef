// The sandbox has no GET /v1/events/stream yet: a tiny SSE server stands in, written to the contract
// (text/event-stream, `id:` = event id, `data:` = event JSON, resume with Last-Event-ID).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MailPlatform } from '@mailplatform/sdk';
import { verifyWebhook } from '@mailplatform/sdk/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseParser } from '../src/commands/webhooks-listen.js';
import { createTestCli, expectNoLeak } from './helpers.js';

const KEY = 'mp_test_ListenListenListen1234';
const event = (n: number) => ({
  id: `evt_0${n}`,
  type: 'message.delivered',
  timestamp: `2025-03-14T08:00:0${n}.000Z`,
  data: { messageId: `msg_${n}`, recipient: `kunde${n}@example.dk` },
});
const streamRequests: IncomingHttpHeaders[] = [];
const forwarded: { headers: IncomingHttpHeaders; body: string }[] = [];
let open: ServerResponse | undefined;
let stream: Server;
let target: Server;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

beforeAll(async () => {
  stream = createServer((req, res) => {
    streamRequests.push(req.headers);
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (n: number) => res.write(`id: evt_0${n}\ndata: ${JSON.stringify(event(n))}\n\n`);
    if (streamRequests.length === 1) {
      res.write(': keep-alive\n\n');
      send(1);
      send(2);
      res.end();
    } else {
      send(3);
      open = res;
    }
  });
  target = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    forwarded.push({ headers: req.headers, body });
    res.writeHead(forwarded.length === 2 ? 500 : 204).end();
  });
});
afterAll(async () => {
  open?.end();
  stream.closeAllConnections();
  target.closeAllConnections();
  await Promise.all([stream, target].map((s) => new Promise((r) => s.close(r))));
});

describe('SseParser', () => {
  it('joins data lines, keeps the last id, ignores comments, handles CRLF and split chunks', () => {
    const parser = new SseParser();
    expect(parser.feed(': hi\r\nid: 1\r\ndata: a\r\nda')).toEqual([]);
    expect(parser.feed('ta: b\r\n\r\ndata: c\n\n')).toEqual([
      { id: '1', data: 'a\nb' },
      { id: '1', data: 'c' },
    ]);
  });
});

describe('webhooks listen', () => {
  it('forwards each event re-signed, resumes with Last-Event-ID, and Ctrl-C exits 130', async () => {
    const base = await listen(stream);
    const forwardTo = `${await listen(target)}/hooks`;
    const controller = new AbortController();
    const out: string[] = [];
    const err: string[] = [];
    const cli = await createTestCli({
      client: (o) => new MailPlatform(o),
      env: { MAILPLATFORM_API_KEY: KEY, MAILPLATFORM_BASE_URL: base },
      overrides: {
        signal: controller.signal,
        stdout: { write: (c: string) => out.push(c) },
        stderr: { write: (c: string) => err.push(c) },
      },
    });
    try {
      const running = cli.run(['webhooks', 'listen', '--forward-to', forwardTo, '--max-backoff', '20ms']);
      for (let i = 0; i < 1500 && forwarded.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      expect((await running).code).toBe(130);
      expect(streamRequests.length).toBe(2);
      expect(streamRequests[0]?.['last-event-id']).toBeUndefined();
      expect(streamRequests[1]?.['last-event-id']).toBe('evt_02');
      const secret = /secret[^:]*: (whsec_\S+)/.exec(err.join(''))?.[1];
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
      expect(forwarded.map((f) => JSON.parse(f.body).id)).toEqual(['evt_01', 'evt_02', 'evt_03']);
      for (const f of forwarded) {
        const verified = await verifyWebhook({
          payload: f.body,
          headers: f.headers as Record<string, string>,
          secret: secret!,
        });
        expect(verified.id).toBe(JSON.parse(f.body).id);
        expect(f.headers['webhook-id']).toBe(verified.id);
      }
      const lines = out.join('').trim().split('\n');
      expect(lines[0]).toMatch(
        /^2025-03-14T08:00:01\.000Z {2}message\.delivered {2}evt_01 {2}→ 204 \(\d+ ms\)$/,
      );
      expect(lines[1]).toMatch(/ evt_02 {2}→ 500 /);
      expect(lines).toHaveLength(3);
      expectNoLeak(out.join('') + err.join(''), KEY);
    } finally {
      await cli.cleanup();
    }
  });

  it('a stream that never answers times out its connect and reconnects', async () => {
    const silent = createServer(() => {});
    const base = await listen(silent);
    const controller = new AbortController();
    const err: string[] = [];
    const cli = await createTestCli({
      client: (o) => new MailPlatform(o),
      env: { MAILPLATFORM_API_KEY: KEY, MAILPLATFORM_BASE_URL: base },
      overrides: { signal: controller.signal, stderr: { write: (c: string) => err.push(c) } },
    });
    try {
      const running = cli.run(['--timeout', '50ms', 'webhooks', 'listen', '--max-backoff', '10ms']);
      for (let i = 0; i < 1500 && !err.join('').includes('reconnecting'); i++)
        await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      expect((await running).code).toBe(130);
      expect(err.join('')).toContain('event stream: no response within 50 ms; reconnecting in ');
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
      await cli.cleanup();
    }
  });

  it('a refused key is exit 4, not an endless reconnect', async () => {
    const base = `http://127.0.0.1:${(stream.address() as AddressInfo).port}`;
    const cli = await createTestCli({
      client: (o) => new MailPlatform(o),
      env: { MAILPLATFORM_API_KEY: 'mp_test_otherotherother', MAILPLATFORM_BASE_URL: base },
    });
    try {
      const result = await cli.run(['webhooks', 'listen']);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain('error: the platform refused the key (HTTP 401)');
    } finally {
      await cli.cleanup();
    }
  });
});
