import { SIMULATOR_SCENARIOS } from '@mailplatform/sdk/schemas';
import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/create-sandbox.js';
import { SCENARIO_NAMES } from '../src/simulator/index.js';
import type { InboxLink } from '../src/test-helper/types.js';

const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

let sb: Sandbox;
let smtp: Transporter;

beforeAll(async () => {
  sb = await createSandbox({
    port: 0,
    smtpPort: 0,
    clock: { frozen: true, startAt: '2026-03-02T09:00:00Z' },
  });
  smtp = createTransport({
    host: '127.0.0.1',
    port: sb.smtpPort!,
    secure: false,
    auth: { user: 'apikey', pass: sb.apiKey },
    tls: { rejectUnauthorized: false },
  });
});
afterAll(async () => {
  smtp?.close();
  await sb?.close();
});

function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${sb.apiKey}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${sb.url}${path}`, { ...init, headers });
}

async function send(body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await call('/v1/messages', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(202);
  return res.json();
}

interface RecordedEvent {
  type: string;
  data: Record<string, unknown>;
}

async function events(messageId: string, type: string): Promise<RecordedEvent[]> {
  const res = await call(`/v1/messages/${messageId}/events`);
  const body = (await res.json()) as { data: RecordedEvent[] };
  return body.data.filter((event) => event.type === type);
}

/** A click on a tracking URL as a browser makes it; the redirect is not followed. */
async function click(link: InboxLink | undefined): Promise<void> {
  const res = await fetch(link!.trackingUrl!, { headers: { 'user-agent': BROWSER }, redirect: 'manual' });
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe(link!.url);
}

const from = 'Shop <ordre@shop.dk>';

describe('layouts', () => {
  it('wraps the template html and text in the layout when sending', async () => {
    const layout = await (
      await call('/v1/templates', {
        method: 'POST',
        body: JSON.stringify({
          alias: 'shop-frame',
          name: 'Frame',
          subject: 'unused',
          html: '<div class="frame">{{{body}}}<footer>Shop ApS</footer></div>',
          text: '{{{body}}}\n-- \nShop ApS, Vesterbrogade 1',
        }),
      })
    ).json();
    const created = await call('/v1/templates', {
      method: 'POST',
      body: JSON.stringify({
        alias: 'receipt',
        name: 'Kvittering',
        subject: 'Kvittering {{orderNo}}',
        html: '<p>Hej {{name}}</p>',
        text: 'Hej {{name}}',
        layoutId: layout.id,
      }),
    });
    expect(created.status).toBe(201);

    await send({
      from,
      to: ['layout@example.dk'],
      template: { alias: 'receipt', data: { orderNo: 7, name: 'Ida' } },
      tracking: { opens: false, clicks: 'none' },
    });
    const mail = await sb.inbox.waitFor({ to: 'layout@example.dk', timeout: 5_000 });
    expect(mail.subject).toBe('Kvittering 7');
    expect(mail.html).toBe('<div class="frame"><p>Hej Ida</p><footer>Shop ApS</footer></div>');
    expect(mail.text).toBe('Hej Ida\n-- \nShop ApS, Vesterbrogade 1');
  });
});

describe('bounces', () => {
  it('classifies a DNS failure by its transport (nxdomain) before the reply text', async () => {
    const { id } = await send({ from, to: ['no-domain@sim.mailplatform.test'], subject: 'x', text: 'x' });
    await sb.clock.advance('PT2S');
    const [bounced] = await events(id, 'message.bounced');
    expect(bounced?.data.bounce).toMatchObject({
      class: 'hard',
      type: 'domain_not_found',
      rule: 'transport:nxdomain',
      transport: 'nxdomain',
      enhancedCode: '5.1.2',
      phase: 'connect',
    });
  });

  it('classifies an expired connection timeout by its transport', async () => {
    const { id } = await send({ from, to: ['no-answer@sim.mailplatform.test'], subject: 'x', text: 'x' });
    await sb.clock.advance('PT73H');
    expect(await events(id, 'message.deferred')).toHaveLength(3);
    const [bounced] = await events(id, 'message.bounced');
    expect(bounced?.data.bounce).toMatchObject({
      class: 'soft',
      type: 'host_unreachable',
      rule: 'expired:transport:connection_timeout',
    });
  });
});

describe('click classification', () => {
  it('flags a click on another link of the same message within 1 s, not a repeat of the same link', async () => {
    const { id } = await send({
      from,
      to: ['clicker@example.dk'],
      subject: 'Tilbud',
      html: '<p><a href="https://shop.dk/a">A</a> <a href="https://shop.dk/b">B</a></p>',
    });
    const mail = await sb.inbox.waitFor({ to: 'clicker@example.dk', timeout: 5_000 });
    const [a, b] = mail.links;
    expect([a?.url, b?.url]).toEqual(['https://shop.dk/a', 'https://shop.dk/b']);
    await sb.clock.advance('PT10S');

    await click(a);
    await sb.clock.advance(300);
    await click(a);
    await sb.clock.advance(300);
    await click(b);
    await sb.clock.advance(2_000);
    await click(b);

    const clicks = (await events(id, 'message.clicked')).map((event) => ({
      url: event.data.url,
      bot: event.data.bot,
      botReason: event.data.botReason,
    }));
    expect(clicks).toEqual([
      { url: 'https://shop.dk/a', bot: false, botReason: undefined },
      { url: 'https://shop.dk/a', bot: false, botReason: undefined },
      { url: 'https://shop.dk/b', bot: true, botReason: 'too_fast' },
      { url: 'https://shop.dk/b', bot: false, botReason: undefined },
    ]);
  });
});

describe('tracking', () => {
  it('never rewrites the List-Unsubscribe URL in the body', async () => {
    const unsubscribe = 'https://shop.dk/unsub?u=42';
    await send({
      from,
      to: ['listener@example.dk'],
      subject: 'Nyhedsbrev',
      html: `<p><a href="https://shop.dk/news">Nyt</a> <a href="${unsubscribe}">Afmeld</a></p>`,
      headers: { 'List-Unsubscribe': `<${unsubscribe}>, <mailto:unsub@shop.dk>` },
    });
    const mail = await sb.inbox.waitFor({ to: 'listener@example.dk', timeout: 5_000 });
    expect(mail.links.map((link) => link.url)).toEqual(['https://shop.dk/news']);
    expect(mail.html).toContain(`<a href="${unsubscribe}">Afmeld</a>`);
    expect(mail.html).toContain(`<a href="${mail.links[0]!.trackingUrl}">Nyt</a>`);
  });
});

describe('simulator scenario names', () => {
  it('are the same list in the SDK schema and the simulator', () => {
    expect([...SIMULATOR_SCENARIOS].sort()).toEqual([...SCENARIO_NAMES].sort());
  });

  it('rejects an unknown sandbox.simulate with 422 validation_failed at /sandbox/simulate', async () => {
    const res = await call('/v1/messages', {
      method: 'POST',
      body: JSON.stringify({
        from,
        to: ['kunde@example.dk'],
        subject: 'x',
        text: 'x',
        sandbox: { simulate: 'hard-bounse' },
      }),
    });
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/sandbox/simulate']);
  });

  it('answers an unknown X-MP-Simulate over SMTP with 554 naming the field, and accepts a known one', async () => {
    const mail = {
      from: 'ordre@shop.dk',
      to: 'smtp-sim@example.dk',
      subject: 'SMTP',
      text: 'x',
    };
    await expect(
      smtp.sendMail({ ...mail, headers: { 'X-MP-Simulate': 'hard-bounse' } }),
    ).rejects.toMatchObject({
      responseCode: 554,
      response: expect.stringMatching(/^554 5\.6\.0 .*hard-bounce/),
    });
    const info = await smtp.sendMail({ ...mail, headers: { 'X-MP-Simulate': 'hard-bounce' } });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as msg_/);
    const id = String(info.response).split(' ').pop()!;
    await sb.clock.advance('PT2S');
    const [bounced] = await events(id, 'message.bounced');
    expect(bounced?.data).toMatchObject({ recipient: 'smtp-sim@example.dk', bounce: { class: 'hard' } });
  });
});
