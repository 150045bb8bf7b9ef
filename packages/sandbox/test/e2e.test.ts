import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MailPlatform } from '@mailplatform/sdk';
import { verifyWebhook } from '@mailplatform/sdk/webhooks';
import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/create-sandbox.js';
import type { InboxMessage } from '../src/test-helper/types.js';

// The customer's view of the platform: the SDK over HTTP, nodemailer over SMTP, a webhook receiver
// on node:http, and the sandbox's control API for the inbox and the virtual clock.

const DAY = '2026-03-02';
const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const HARD_BOUNCE = 'hard-bounce+e2e@sim.mailplatform.test';
const WAIT_MS = 5_000;

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

let sb: Sandbox;
let mp: MailPlatform;
let smtp: Transporter;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  sb = await createSandbox({ port: 0, smtpPort: 0, clock: { frozen: true, startAt: `${DAY}T09:00:00Z` } });
  mp = new MailPlatform({ apiKey: sb.apiKey, baseUrl: sb.url });
  smtp = createTransport({
    host: '127.0.0.1',
    port: sb.smtpPort!,
    secure: false,
    auth: { user: 'apikey', pass: sb.apiKey },
    tls: { rejectUnauthorized: false },
  });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/mail`;
});

afterAll(async () => {
  smtp?.close();
  await sb?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

/** Polls (real time, bounded) until `done` holds. */
async function until(what: string, done: () => boolean): Promise<void> {
  const giveUpAt = Date.now() + WAIT_MS;
  while (!done()) {
    if (Date.now() > giveUpAt) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A GET as a mail client's browser makes it; redirects are reported, not followed. */
function browserGet(url: string): Promise<Response> {
  return fetch(url, { headers: { 'user-agent': BROWSER }, redirect: 'manual' });
}

function pixelUrl(message: InboxMessage): string {
  const match = message.html?.match(/<img src="([^"]*\/t\/o\/[^"]+)"/);
  if (!match) throw new Error(`No open pixel in ${message.html}`);
  return match[1]!;
}

describe('a customer journey through the sandbox', () => {
  let secret: string;
  let apiMessageId: string;
  let smtpMessageId: string;

  it('registers a webhook endpoint on a local receiver', async () => {
    const endpoint = await mp.webhookEndpoints.create({ url: receiverUrl });
    expect(endpoint.url).toBe(receiverUrl);
    expect(endpoint.secret).toMatch(/^whsec_/);
    secret = endpoint.secret;
  });

  it('sends by API with a template in a layout, and by SMTP with control headers', async () => {
    const layout = await mp.templates.create({
      alias: 'shop-layout',
      name: 'Shop layout',
      subject: 'layout',
      html: '<html><body><div class="shell">{{{body}}}</div><footer>Shop ApS</footer></body></html>',
    });
    await mp.templates.create({
      alias: 'order-confirmation',
      name: 'Ordrebekræftelse',
      subject: 'Ordre #{{orderNo}}',
      html: '<p>Hej {{name}}</p><p><a href="https://shop.dk/ordre/{{orderNo}}">Se din ordre</a></p>',
      layoutId: layout.id,
    });
    const sent = await mp.messages.send({
      from: 'Shop <ordre@shop.dk>',
      to: ['kunde@example.dk'],
      template: { alias: 'order-confirmation', data: { orderNo: 1042, name: 'Ida' } },
      tag: 'order-confirmation',
      metadata: { orderId: '1042' },
    });
    expect(sent).toMatchObject({
      status: 'queued',
      recipients: [{ email: 'kunde@example.dk', status: 'queued' }],
    });
    apiMessageId = sent.id;

    const info = await smtp.sendMail({
      from: 'Shop <ordre@shop.dk>',
      to: 'smtp-kunde@example.dk',
      subject: 'Din faktura',
      html: '<p>Faktura vedhæftet. <a href="https://shop.dk/faktura/77">Se faktura</a></p>',
      headers: { 'X-MP-Tag': 'invoice', 'X-MP-Metadata': JSON.stringify({ invoiceId: '77' }) },
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as msg_/);
    smtpMessageId = String(info.response).split(' ').pop()!;
  });

  it('captures both in the inbox with control headers stripped, tag and metadata recorded', async () => {
    const byApi = await sb.inbox.waitFor({ to: 'kunde@example.dk', timeout: WAIT_MS });
    expect(byApi).toMatchObject({
      id: apiMessageId,
      channel: 'api',
      subject: 'Ordre #1042',
      tag: 'order-confirmation',
    });
    expect(await mp.messages.get(apiMessageId)).toMatchObject({
      metadata: { orderId: '1042' },
      template: { alias: 'order-confirmation', version: 1 },
    });
    expect(byApi.html).toContain('<div class="shell"><p>Hej Ida</p>');
    expect(byApi.html).toContain('<footer>Shop ApS</footer>');

    const bySmtp = await sb.inbox.waitFor({ to: 'smtp-kunde@example.dk', timeout: WAIT_MS });
    expect(bySmtp).toMatchObject({
      id: smtpMessageId,
      channel: 'smtp',
      subject: 'Din faktura',
      tag: 'invoice',
    });
    expect((await mp.messages.get(smtpMessageId)).metadata).toEqual({ invoiceId: '77' });
    expect(bySmtp.headers).toContainEqual({ name: 'Subject', value: 'Din faktura' });
    expect(
      bySmtp.headers.map((header) => header.name).filter((name) => /^x-mp-(?!message-id$)/i.test(name)),
    ).toEqual([]);
    const raw = await sb.inbox.raw(smtpMessageId);
    expect(raw).toContain('Subject: Din faktura');
    expect(raw).not.toMatch(/^X-MP-(Tag|Metadata):/im);
    // the one X-MP header of outgoing mail is the platform's own (contract §15)
    expect(raw).toContain(`X-Mp-Message-ID: ${smtpMessageId}`);
  });

  it('records a human open and click through the real tracking URLs', async () => {
    await sb.clock.advance('PT5S');
    const message = await sb.inbox.get(apiMessageId);
    expect((await mp.messages.get(apiMessageId)).recipients[0]?.deliveredAt).toBe(`${DAY}T09:00:01.000Z`);

    const pixel = await browserGet(pixelUrl(message));
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');

    const [link] = message.links;
    expect(link?.url).toBe('https://shop.dk/ordre/1042');
    const redirect = await browserGet(link!.trackingUrl!);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://shop.dk/ordre/1042');

    const stats = await mp.stats.get({ since: DAY, until: DAY, interval: 'none' });
    expect(stats.totals.counts).toMatchObject({
      queued: 2,
      delivered: 2,
      opensUnique: 1,
      opensUniqueHuman: 1,
      clicksUnique: 1,
      clicksUniqueHuman: 1,
      clicksBot: 0,
    });
    const opened = await mp.events.list({ messageId: apiMessageId, type: 'message.opened' });
    expect(opened.data.map((e) => e.data)).toEqual([
      expect.objectContaining({ recipient: 'kunde@example.dk', machine: false, firstOpen: true }),
    ]);
  });

  it('bounces a hard-bounce address, suppresses it, and reports the next send as suppressed', async () => {
    const sent = await mp.messages.send({
      from: 'Shop <ordre@shop.dk>',
      to: [HARD_BOUNCE],
      subject: 'Velkommen',
      text: 'Velkommen til Shop',
      tag: 'welcome',
    });
    await sb.clock.advance('PT2S');

    const bounces = await mp.bounces.list({ class: 'hard' });
    expect(bounces.data).toEqual([
      expect.objectContaining({
        messageId: sent.id,
        recipient: HARD_BOUNCE,
        class: 'hard',
        type: 'mailbox_not_found',
        enhancedCode: '5.1.1',
      }),
    ]);
    const check = await mp.suppressions.check(HARD_BOUNCE);
    expect(check).toMatchObject({ suppressed: true, email: HARD_BOUNCE, reason: 'hard_bounce' });

    const again = await mp.messages.send({
      from: 'Shop <ordre@shop.dk>',
      to: [HARD_BOUNCE, 'kunde@example.dk'],
      subject: 'Nyhed',
      text: 'Nyt i butikken',
    });
    expect(again.status).toBe('queued');
    expect(again.recipients).toEqual([
      expect.objectContaining({
        email: HARD_BOUNCE,
        status: 'suppressed',
        suppression: expect.objectContaining({ reason: 'hard_bounce' }),
      }),
      expect.objectContaining({ email: 'kunde@example.dk', status: 'queued' }),
    ]);
    await sb.clock.advance('PT2S');
  });

  it('exports the invalid address as CSV', async () => {
    const created = await mp.exports.create({ type: 'invalid_addresses', format: 'csv' });
    const done = await mp.exports.waitFor(created.id, { timeoutMs: WAIT_MS, intervalMs: 20 });
    expect(done).toMatchObject({ status: 'completed', rowCount: 1 });
    const csv = new TextDecoder().decode(await mp.exports.download(created.id)).replace(/^\uFEFF/, '');
    const [header, row, ...rest] = csv.trim().split(/\r?\n/);
    expect(header).toBe(
      'email,reason,bounceClass,bounceType,enhancedCode,diagnostic,firstSeenAt,lastSeenAt,lastMessageId,stream,tag',
    );
    expect(row).toMatch(
      new RegExp(`^${HARD_BOUNCE.replace(/[+.]/g, '\\$&')},hard_bounce,hard,mailbox_not_found,5\\.1\\.1,`),
    );
    expect(rest).toEqual([]);
  });

  it('delivered every event to the webhook, each with a valid signature', async () => {
    const recorded: string[] = [];
    for await (const event of mp.events.list({ limit: 100 })) recorded.push(event.id);
    expect(recorded.length).toBeGreaterThan(0);
    await until(`${recorded.length} webhook deliveries`, () => received.length >= recorded.length);

    const events = await Promise.all(
      received.map(({ body, headers }) => verifyWebhook({ payload: body, headers, secret })),
    );
    expect(events.map((e) => e.id).sort()).toEqual([...recorded].sort());
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'message.queued',
        'message.delivered',
        'message.opened',
        'message.clicked',
        'message.bounced',
        'suppression.created',
        'message.suppressed',
        'export.completed',
      ]),
    );
    const clicked = events.find((e) => e.type === 'message.clicked');
    expect(clicked?.data).toMatchObject({
      messageId: apiMessageId,
      bot: false,
      url: 'https://shop.dk/ordre/1042',
    });
  });
});
