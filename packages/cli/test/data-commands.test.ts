// The sandbox had no createSandbox entry yet when this was written: a small node:http fake stands in.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MailPlatform } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCli, expectNoLeak, type TestCli } from './helpers.js';

const KEY = 'mp_test_Q1w2E3r4T5y6U7i8O9p0Zz77';
const requests: { method: string; url: string; body: unknown; auth: string | undefined }[] = [];
let server: Server;
let cli: TestCli;

async function body(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : undefined;
}

const message = {
  id: 'msg_1',
  status: 'queued',
  stream: 'transactional',
  submittedAt: '2025-03-14T07:59:58.120Z',
  recipients: [],
};

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const parsed = await body(req);
    requests.push({ method: req.method!, url: req.url!, body: parsed, auth: req.headers.authorization });
    const send = (status: number, json: unknown) => {
      res.writeHead(status, {
        'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
        'x-request-id': 'req_1',
      });
      res.end(JSON.stringify(json));
    };
    if (req.headers.authorization !== `Bearer ${KEY}`)
      return send(401, { status: 401, code: 'unauthenticated', title: 'bad key' });
    if (req.method === 'POST' && req.url === '/v1/messages') return send(202, message);
    if (req.method === 'GET' && /^\/v1\/messages(\?|$)/.test(req.url ?? '')) {
      return send(200, {
        data: [{ ...message, to: ['a@b.dk'], subject: 'Hej, "verden"', tag: null }],
        hasMore: false,
        nextCursor: null,
      });
    }
    if (req.url === '/v1/messages/msg_404')
      return send(404, { status: 404, code: 'not_found', title: 'no such message' });
    send(404, { status: 404, code: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cli = await createTestCli({
    client: (o) => new MailPlatform({ ...o, maxRetries: 0 }),
    env: { MAILPLATFORM_API_KEY: KEY, MAILPLATFORM_BASE_URL: `http://127.0.0.1:${port}` },
  });
});
afterAll(async () => {
  await cli.cleanup();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('send', () => {
  it('posts the message built from the flags and prints the result', async () => {
    const result = await cli.run([
      'send',
      '--to',
      'a@b.dk',
      '--from',
      'Shop <ordre@shop.dk>',
      '--subject',
      'Hej',
      '--text',
      'Tak',
      '--tag',
      'order',
      '--metadata',
      'orderId=1042',
      '--header',
      'X-Entity-Ref-ID: 1042',
      '--idempotency-key',
      'k1',
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'msg_1', status: 'queued', idempotencyKey: 'k1' });
    const last = requests.at(-1)!;
    expect(last.body).toMatchObject({
      from: 'Shop <ordre@shop.dk>',
      to: ['a@b.dk'],
      subject: 'Hej',
      text: 'Tak',
      tag: 'order',
      metadata: { orderId: '1042' },
      headers: { 'X-Entity-Ref-ID': '1042' },
    });
    expectNoLeak(result.stdout + result.stderr, KEY);
  });

  it('--dry-run prints the request with the key redacted and sends nothing', async () => {
    const before = requests.length;
    const result = await cli.run([
      'send',
      '--to',
      'a@b.dk',
      '--from',
      'x@shop.dk',
      '--subject',
      'S',
      '--text',
      'T',
      '--dry-run',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.headers.Authorization).toBe('Bearer mp_test_…zz77'.replace('zz77', KEY.slice(-4)));
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/messages$/);
    expect(requests.length).toBe(before);
    expectNoLeak(result.stdout, KEY);
  });

  it('refuses missing input with exit 2', async () => {
    const result = await cli.run(['send', '--to', 'a@b.dk', '--subject', 'S', '--text', 'T']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: --from is required');
  });

  it('a rejected key is exit 4 and never printed', async () => {
    const bad = 'mp_test_WRONGWRONGWRONGWRONG';
    const result = await cli.run(
      ['send', '--to', 'a@b.dk', '--from', 'x@shop.dk', '--subject', 'S', '--text', 'T', '--json'],
      {
        env: { MAILPLATFORM_API_KEY: bad },
      },
    );
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stderr).error).toMatchObject({ status: 401 });
    expectNoLeak(result.stderr, bad);
  });
});

describe('messages', () => {
  it('lists in csv and plain, with the filters as query parameters', async () => {
    const csv = await cli.run(['messages', 'list', '--to', 'a@b.dk', '--limit', '5', '--csv', 'id,subject']);
    expect(csv).toMatchObject({ code: 0, stdout: 'id,subject\r\nmsg_1,"Hej, ""verden"""\r\n' });
    const url = new URL(requests.at(-1)!.url, 'http://x');
    expect(url.searchParams.get('recipient')).toBe('a@b.dk');
    expect(url.searchParams.get('limit')).toBe('5');
    const plain = await cli.run(['messages', 'ls']);
    expect(plain.stderr).toBe('');
    expect(plain.stdout.split('\t').slice(0, 2)).toEqual(['msg_1', 'queued']);
  });

  it('a missing message is exit 5', async () => {
    const result = await cli.run(['messages', 'get', 'msg_404']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('status: 404');
  });
});
