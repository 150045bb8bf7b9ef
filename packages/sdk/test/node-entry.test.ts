import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MailPlatform as EdgeMailPlatform } from '../src/index.js';
import { MailPlatform } from '../src/index.node.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

const seen: Seen[] = [];
let server: Server;
let baseUrl: string;
let dir: string;

const ACCEPTED = {
  id: 'msg_1',
  status: 'queued',
  stream: 'transactional',
  submittedAt: '2025-03-14T07:59:58.120Z',
  recipients: [],
};

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      response.writeHead(202, { 'content-type': 'application/json', 'x-request-id': 'req_node' });
      response.end(JSON.stringify(ACCEPTED));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'mp-sdk-'));
});

afterEach(() => {
  seen.length = 0;
  vi.unstubAllGlobals();
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  await rm(dir, { recursive: true, force: true });
});

describe('the node entry', () => {
  it('sends the first request through the global fetch while undici loads, then only over undici', async () => {
    const realFetch = globalThis.fetch;
    const fetchSpy = vi.fn((input: string | URL | Request, init?: RequestInit) => realFetch(input, init));
    vi.stubGlobal('fetch', fetchSpy);
    const mp = new MailPlatform({ apiKey: 'mp_test_node1234', baseUrl });
    const message = { from: 'ordre@shop.dk', to: ['kunde@example.dk'], subject: 'Hej', text: 'Hej' };
    try {
      const first = await mp.messages.send(message, { idempotencyKey: 'node-1' });
      expect(first).toEqual({ ...ACCEPTED, idempotencyKey: 'node-1', replayed: false });
      expect(fetchSpy).toHaveBeenCalledTimes(1);
      // The first response started loading undici; once it has loaded, every send goes over undici.
      await import('undici');
      await new Promise((resolve) => setImmediate(resolve));
      for (const key of ['node-2', 'node-3']) {
        const result = await mp.messages.send(message, { idempotencyKey: key });
        expect(result).toEqual({ ...ACCEPTED, idempotencyKey: key, replayed: false });
      }
    } finally {
      await mp.close();
    }
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(3);
    // Both paths put the same request on the wire.
    for (const [index, request] of seen.entries()) {
      expect(request).toMatchObject({ method: 'POST', url: '/v1/messages' });
      expect(request.headers['idempotency-key']).toBe(`node-${index + 1}`);
      expect(request.headers['user-agent']).toMatch(/^mailplatform-node\/\d+\.\d+\.\d+ \(node\//);
      expect(request.headers.authorization).toBe('Bearer mp_test_node1234');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-mp-retry-count']).toBe('0');
      expect(JSON.parse(request.body)).toEqual(message);
    }
  });

  it('the edge entry goes through the global fetch (so the check above can fail)', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new TypeError('fetch failed')));
    vi.stubGlobal('fetch', fetchSpy);
    const mp = new EdgeMailPlatform({ apiKey: 'mp_test_node1234', baseUrl, maxRetries: 0 });
    await expect(mp.account.get()).rejects.toMatchObject({ name: 'ConnectionError' });
    expect(fetchSpy).toHaveBeenCalled();
    expect(seen).toHaveLength(0);
  });

  it('reads { path } attachments from disk', async () => {
    const file = join(dir, 'faktura.pdf');
    await writeFile(file, '%PDF-1.7');
    const mp = new MailPlatform({ apiKey: 'mp_test_node1234', baseUrl });
    try {
      await mp.messages.send({
        from: 'ordre@shop.dk',
        to: ['kunde@example.dk'],
        subject: 'Faktura',
        text: 'Vedhæftet',
        attachments: [{ path: file }],
      });
    } finally {
      await mp.close();
    }
    expect(JSON.parse(seen[0]!.body).attachments).toEqual([
      {
        filename: 'faktura.pdf',
        contentType: 'application/pdf',
        content: 'JVBERi0xLjc=',
        disposition: 'attachment',
      },
    ]);
  });
});
