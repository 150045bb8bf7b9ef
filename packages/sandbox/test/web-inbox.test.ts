import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, newTestKey, type Sandbox } from '../src/create-sandbox.js';
import { WEB_CSP } from '../src/web/web-page.js';

let sandbox: Sandbox;
let receiver: Server;
let receiverUrl: string;
const keyA = newTestKey();
const keyB = newTestKey();
const SCRIPT_SUBJECT = '<script>alert("x")</script> Ordre & "tilbud"';
let hostileId: string;
let plainId: string;

async function api(key: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function send(key: string, body: Record<string, unknown>): Promise<string> {
  const res = await api(key, '/v1/messages', {
    from: 'Shop <ordre@shop.dk>',
    to: ['kunde@example.dk'],
    ...body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function page(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; text: string; res: Response }> {
  const res = await fetch(`${sandbox.url}${path}`, { redirect: 'manual', ...init });
  return { status: res.status, text: await res.text(), res };
}

/** A page filtered by an API key: answered 303 to the key's namespace, which is then fetched. */
async function pageByKey(path: string): Promise<{ location: string; text: string }> {
  const first = await page(path);
  expect(first.status).toBe(303);
  const location = first.res.headers.get('location')!;
  const followed = await page(location);
  expect(followed.status).toBe(200);
  return { location, text: followed.text };
}

async function events(key: string, type: string, messageId: string): Promise<Record<string, unknown>[]> {
  const res = await api(key, `/v1/events?type=${type}&messageId=${messageId}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { data: Record<string, unknown> }[] }).data.map((e) => e.data);
}

/** The decoded `srcdoc` of the HTML preview. */
function srcdoc(text: string): string {
  const match = /<iframe sandbox [^>]*srcdoc="([^"]*)"/.exec(text);
  expect(match).not.toBeNull();
  return match![1]!
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('received <b>ok</b>');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  sandbox = await createSandbox({
    port: 0,
    smtpPort: null,
    clock: { frozen: true, startAt: '2026-03-10T10:00:00Z' },
  });

  const hook = await api(keyA, '/v1/webhooks', { url: receiverUrl, events: ['message.queued'] });
  expect(hook.status).toBe(201);
  hostileId = await send(keyA, {
    subject: SCRIPT_SUBJECT,
    tag: '<b>tag</b>',
    metadata: { orderId: '<i>1042</i>' },
    html: '<p>Tak <script>alert(1)</script><a href="https://shop.dk/o/1042">se ordre</a> <a href="https://shop.dk/help">hjælp</a></p>',
    text: 'Tak <script>alert(2)</script>',
    attachments: [
      {
        filename: 'faktura<1>.pdf',
        contentType: 'application/pdf',
        content: Buffer.from('%PDF-1.4').toString('base64'),
      },
    ],
  });
  plainId = await send(keyB, { to: ['anden@example.dk'], subject: 'Velkommen', text: 'Hej' });
  await sandbox.core.pipeline.settled();
  await sandbox.core.webhooks.settled();
  // clicks within seconds of delivery count as scanner clicks; a minute later they are human
  expect((await api(keyA, '/sandbox/v1/clock', { advance: 'PT1M' })).status).toBe(200);
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('GET /', () => {
  it('lists the newest messages of every namespace, with attacker text escaped', async () => {
    const { status, text, res } = await page('/');
    expect(status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(WEB_CSP);
    expect(text).not.toMatch(/<script/i);
    expect(text).not.toContain('<b>tag</b>');
    expect(text).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ordre &amp; &quot;tilbud&quot;',
    );
    expect(text).toContain('&lt;b&gt;tag&lt;/b&gt;');
    expect(text).toContain(`href="/ui/messages/${hostileId}"`);
    expect(text).toContain(`href="/ui/messages/${plainId}"`);
    expect(text).toContain('Velkommen');
    expect(text.indexOf(plainId)).toBeLessThan(text.indexOf(hostileId));
  });

  it('redirects a key given as the filter to its namespace, so the key never reaches the page', async () => {
    for (const path of ['/', '/ui/webhooks', '/ui/stats']) {
      const { status, text, res } = await page(`${path}?ns=${encodeURIComponent(` ${keyB} `)}&q=Velkommen`);
      expect(status).toBe(303);
      expect(text).not.toContain(keyB);
      const location = res.headers.get('location')!;
      const target = new URL(location, sandbox.url);
      expect(target.pathname).toBe(path);
      expect([...target.searchParams.keys()]).toEqual(['ns', 'q']);
      expect(target.searchParams.get('ns')).toMatch(/^ns_[0-9a-f]+$/);
      expect(target.searchParams.get('q')).toBe('Velkommen');
      const followed = await page(location);
      expect(followed.status).toBe(200);
      expect(followed.text).not.toContain(keyB);
      expect(followed.text).toContain(`value="${target.searchParams.get('ns')}"`);
    }
  });

  it('filters by namespace, given as the key or as the namespace id', async () => {
    const byKey = await pageByKey(`/?ns=${encodeURIComponent(keyB)}`);
    expect(byKey.text).toContain(plainId);
    expect(byKey.text).not.toContain(hostileId);
    const namespace = /href="\/\?ns=(ns_[0-9a-f]+)"/.exec(byKey.text)![1]!;
    const byId = await page(`/?ns=${namespace}`);
    expect(byId.text).toContain(plainId);
    expect(byId.text).not.toContain(hostileId);
    const other = await pageByKey(`/?ns=${encodeURIComponent(keyA)}`);
    expect(other.text).toContain(hostileId);
    expect(other.text).not.toContain(plainId);
  });

  it('filters by a subject or recipient substring', async () => {
    const bySubject = await page('/?q=velkom');
    expect(bySubject.text).toContain(plainId);
    expect(bySubject.text).not.toContain(hostileId);
    const byRecipient = await page('/?q=KUNDE@');
    expect(byRecipient.text).toContain(hostileId);
    expect(byRecipient.text).not.toContain(plainId);
    const none = await page('/?q=nothing-like-this');
    expect(none.text).toContain('No messages.');
  });
});

describe('GET /ui/messages/{id}', () => {
  it('shows the parts, headers, attachments, links and the timeline, all escaped', async () => {
    const { status, text, res } = await page(`/ui/messages/${hostileId}`);
    expect(status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(WEB_CSP);
    expect(text).not.toMatch(/<script/i);
    expect(text).toContain('Tak &lt;script&gt;alert(2)&lt;/script&gt;');
    expect(text).toContain('orderId: &lt;i&gt;1042&lt;/i&gt;');
    expect(text).toContain('faktura&lt;1&gt;.pdf');
    expect(text).toContain('application/pdf');
    expect(text).toMatch(/<th>Subject<\/th><td>&lt;script&gt;/);
    expect(text).toContain('Content-Type: multipart/');
    expect(text).toContain('https://shop.dk/o/1042');
    expect(text).toMatch(/<code>http:\/\/127\.0\.0\.1:\d+\/t\/c\/[^<]+<\/code>/);
    expect(text).toContain(
      `action="/ui/messages/${hostileId}/click?link=1&amp;recipient=kunde%40example.dk"`,
    );
    const timeline = text.slice(text.indexOf('id="timeline"'));
    expect(timeline.indexOf('message.queued')).toBeGreaterThan(-1);
    expect(timeline.indexOf('message.delivered')).toBeGreaterThan(timeline.indexOf('message.queued'));
    expect(text).toContain('kunde@example.dk');
  });

  it('previews the HTML in a sandboxed srcdoc iframe without the open pixel', async () => {
    const { text } = await page(`/ui/messages/${hostileId}`);
    const preview = srcdoc(text);
    expect(preview).toContain('<script>alert(1)</script>');
    expect(preview).toMatch(/href="http:\/\/127\.0\.0\.1:\d+\/t\/c\//);
    expect(preview).not.toContain('/t/o/');
    expect(await events(keyA, 'message.opened', hostileId)).toEqual([]);
  });

  it('shows bounce class, type and diagnostic in the timeline, escaped', async () => {
    const res = await api(keyB, `/sandbox/v1/messages/${plainId}/simulate`, {
      event: 'bounce',
      options: {
        bounce: { smtpCode: 550, enhancedCode: '5.1.1', diagnostic: 'no <img src=x onerror=alert(1)> here' },
      },
    });
    expect(res.status).toBe(202);
    const { text } = await page(`/ui/messages/${plainId}`);
    const timeline = text.slice(text.indexOf('id="timeline"'));
    expect(timeline).toContain('message.bounced');
    expect(timeline).toContain('<code>bounce.class: hard</code>');
    expect(timeline).toContain('<code>bounce.diagnostic: no &lt;img src=x onerror=alert(1)&gt; here</code>');
    expect(text).not.toContain('<img');
  });

  it('answers 404 with a page for an unknown id', async () => {
    const { status, text, res } = await page('/ui/messages/msg_unknown%3Cx%3E');
    expect(status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(text).toContain('No message msg_unknown&lt;x&gt; in any namespace.');
  });
});

describe('open and click buttons', () => {
  it('"open" records exactly one message.opened through the tracking endpoint', async () => {
    const { status, res } = await page(`/ui/messages/${hostileId}/open`, { method: 'POST' });
    expect(status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `/ui/messages/${hostileId}?recipient=kunde%40example.dk#timeline`,
    );
    const opened = await events(keyA, 'message.opened', hostileId);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ recipient: 'kunde@example.dk', firstOpen: true, machine: false });
    const { text } = await page(`/ui/messages/${hostileId}`);
    expect(text.slice(text.indexOf('id="timeline"'))).toContain('message.opened');
  });

  it('"click" records a click on the chosen link', async () => {
    const { status } = await page(`/ui/messages/${hostileId}/click?link=1`, { method: 'POST' });
    expect(status).toBe(303);
    const clicked = await events(keyA, 'message.clicked', hostileId);
    expect(clicked).toHaveLength(1);
    expect(clicked[0]).toMatchObject({ url: 'https://shop.dk/help', bot: false, firstClick: true });
  });

  it('refuses an unknown link, an unknown recipient and a message without open tracking', async () => {
    expect((await page(`/ui/messages/${hostileId}/click?link=7`, { method: 'POST' })).status).toBe(404);
    expect((await page(`/ui/messages/${hostileId}/click?link=x`, { method: 'POST' })).status).toBe(404);
    const stranger = await page(`/ui/messages/${hostileId}/open?recipient=x%40y.dk`, { method: 'POST' });
    expect(stranger.status).toBe(404);
    const plain = await page(`/ui/messages/${plainId}/open`, { method: 'POST' });
    expect(plain.status).toBe(409);
    expect(await events(keyB, 'message.opened', plainId)).toEqual([]);
    expect(await events(keyA, 'message.clicked', hostileId)).toHaveLength(1);
  });

  it('refuses a form post from another origin', async () => {
    const { status } = await page(`/ui/messages/${hostileId}/open`, {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
    });
    expect(status).toBe(403);
    expect(await events(keyA, 'message.opened', hostileId)).toHaveLength(1);
  });
});

describe('GET /ui/webhooks and /ui/stats', () => {
  it('lists webhook deliveries with their bodies', async () => {
    const { status, text } = await page('/ui/webhooks');
    expect(status).toBe(200);
    expect(text).toContain(receiverUrl);
    expect(text).toContain('message.queued');
    expect(text).toContain('succeeded');
    expect(text).toContain('received &lt;b&gt;ok&lt;/b&gt;');
    expect(text).toContain(`&quot;messageId&quot;:&quot;${hostileId}&quot;`);
    expect((await pageByKey(`/ui/webhooks?ns=${encodeURIComponent(keyB)}`)).text).toContain('No deliveries.');
  });

  it('shows the 30-day totals per namespace', async () => {
    const { text } = await pageByKey(`/ui/stats?ns=${encodeURIComponent(keyA)}`);
    expect(text).toContain('<th>delivered</th>');
    const cells = [...text.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
    // sent, delivered, bouncedHard, bouncedSoft, bouncedBlock, complained, unsubscribed,
    // opensUnique, opensUniqueHuman, clicksUnique, clicksUniqueHuman, then rates
    expect(cells.slice(0, 11)).toEqual(['1', '1', '0', '0', '0', '0', '0', '1', '1', '1', '1']);
    expect(cells.slice(11)).toEqual(['100.0 %', '0.0 %', '100.0 %', '100.0 %', '0.0 %']);
    const all = await page('/ui/stats');
    expect([...all.text.matchAll(/<tr><td><a href="\/\?ns=/g)]).toHaveLength(2);
  });
});

describe('host check', () => {
  function statusWithHost(host: string): Promise<number> {
    const port = new URL(sandbox.url).port;
    return new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/', headers: { host: `${host}:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('answers to IP literals and localhost, and refuses other host names (DNS rebinding)', async () => {
    expect(await statusWithHost('attacker.example')).toBe(403);
    expect(await statusWithHost('localhost')).toBe(200);
    expect(await statusWithHost('[::1]')).toBe(200);
    expect(await statusWithHost('10.0.0.7')).toBe(200);
  });
});
