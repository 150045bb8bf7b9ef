// The proof for the SMTP path, end to end: the SDK's `messages.send(..., { via: 'smtp' })`
// against the sandbox's relay, then the same message looked up over the HTTP and control APIs.
import { AuthenticationError, type MailEvent, MailPlatform, type SendMessageInput } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/create-sandbox.js';

const SIM = 'sim.mailplatform.test';
const SUBJECT = 'Ordrebekræftelse #1042 – tak!';
const TAG = 'ordre-bekræftelse';
// the smallest valid PNG: a 1×1 transparent pixel
const PIXEL = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const PDF = Buffer.from('%PDF-1.4\n% Faktura 1042 – æøå\n%%EOF\n', 'utf8');

interface InboxMessage {
  id: string;
  subject: string;
  tag: string | null;
  channel: string;
  from: { email: string; name: string | null };
  to: { email: string; name: string | null }[];
  headers: { name: string; value: string }[];
  html: string | null;
  text: string | null;
  attachments: {
    filename: string;
    contentType: string;
    size: number;
    contentId: string | null;
    disposition: string;
  }[];
}

let sb: Sandbox;
let mp: MailPlatform;
const clients: MailPlatform[] = [];

function order(overrides: Partial<SendMessageInput> = {}): SendMessageInput {
  return {
    from: { email: 'ordre@shop.dk', name: 'Søstrene Grønbæk Åbenrå' },
    to: [{ email: `delivered+e2e@${SIM}`, name: 'Ærlige Øjvind Ålund' }],
    subject: SUBJECT,
    html: '<p>Tak for din ordre, Øjvind.</p><img src="cid:logo@shop.dk" alt="logo"><p><a href="https://shop.dk/ordre/1042">Se ordren</a></p>',
    text: 'Tak for din ordre, Øjvind. Se ordren: https://shop.dk/ordre/1042',
    tag: TAG,
    metadata: { orderId: '1042', kunde: 'Æble Østergård på Åen' },
    tracking: { opens: true, clicks: 'html' },
    headers: { 'X-Entity-Ref-ID': 'ordre-1042' },
    attachments: [
      { filename: 'faktura-1042-æøå.pdf', contentType: 'application/pdf', content: PDF },
      {
        filename: 'logo.png',
        contentType: 'image/png',
        content: PIXEL,
        contentId: 'logo@shop.dk',
        disposition: 'inline',
      },
    ],
    ...overrides,
  } as SendMessageInput;
}

/** The control headers (X-MP-*) left in an inbox message, apart from the platform's own X-MP-Message-ID. */
function controlHeaders(headers: InboxMessage['headers']): string[] {
  return headers.map((header) => header.name).filter((name) => /^x-mp-(?!message-id$)/i.test(name));
}

async function control(path: string, body?: unknown): Promise<Response> {
  return fetch(`${sb.url}/sandbox/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${sb.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function advanceClock(duration: string): Promise<void> {
  const res = await control('/clock', { advance: duration });
  expect(res.status).toBe(200);
}

async function eventsOf(id: string): Promise<MailEvent[]> {
  const events: MailEvent[] = [];
  for await (const event of mp.messages.events(id)) events.push(event);
  return events;
}

beforeAll(async () => {
  sb = await createSandbox({ port: 0, smtpPort: 0, clock: { frozen: true } });
  expect(sb.smtpPort).toEqual(expect.any(Number));
  mp = new MailPlatform({
    apiKey: sb.apiKey,
    baseUrl: sb.url,
    smtp: { host: '127.0.0.1', port: sb.smtpPort as number },
  });
  clients.push(mp);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await sb?.close();
});

describe('messages.send(..., { via: "smtp" }) against the sandbox', () => {
  const idempotencyKey = 'order-confirmation/1042';
  let id: string;

  beforeAll(async () => {
    const result = await mp.messages.send(order(), { via: 'smtp', idempotencyKey });
    id = result.id;
  });

  it('resolves like the API path: same fields, a msg_ id, the key, not replayed', async () => {
    const viaSmtp = await mp.messages.send(order(), { via: 'smtp', idempotencyKey: 'shape/smtp' });
    const viaApi = await mp.messages.send(order(), { idempotencyKey: 'shape/api' });
    const { rejected, ...smtpFields } = viaSmtp as typeof viaSmtp & { rejected: unknown };
    expect(rejected).toEqual([]);
    expect(Object.keys(smtpFields).sort()).toEqual(Object.keys(viaApi).sort());
    expect(viaSmtp.id).toMatch(/^msg_/);
    expect(viaSmtp.id).not.toBe(viaApi.id);
    const expected = {
      status: 'queued',
      stream: 'transactional',
      recipients: [{ email: `delivered+e2e@${SIM}`, type: 'to', status: 'queued' }],
      replayed: false,
    };
    expect(viaSmtp).toMatchObject({ ...expected, idempotencyKey: 'shape/smtp' });
    expect(viaApi).toMatchObject({ ...expected, idempotencyKey: 'shape/api' });
    expect(Number.isNaN(Date.parse(viaSmtp.submittedAt))).toBe(false);
  });

  it('a second send with the same idempotency key replays the first message id', async () => {
    const again = await mp.messages.send(order(), { via: 'smtp', idempotencyKey });
    expect(again).toMatchObject({ id, idempotencyKey, replayed: true });
    const inbox = await control(`/inbox?tag=${encodeURIComponent(TAG)}&limit=500`);
    const { data } = (await inbox.json()) as { data: { id: string }[] };
    expect(data.filter((message) => message.id === id)).toHaveLength(1);
  });

  it('records the tag, metadata and channel on the message', async () => {
    const message = await mp.messages.get(id);
    expect(message).toMatchObject({
      id,
      channel: 'smtp',
      subject: SUBJECT,
      tag: TAG,
      metadata: { orderId: '1042', kunde: 'Æble Østergård på Åen' },
      from: { email: 'ordre@shop.dk', name: 'Søstrene Grønbæk Åbenrå' },
      to: [{ email: `delivered+e2e@${SIM}`, name: 'Ærlige Øjvind Ålund' }],
    });
  });

  it('shows up in the inbox decoded, with the attachment and the inline image', async () => {
    const res = await control(`/inbox/${id}`);
    expect(res.status).toBe(200);
    const inbox = (await res.json()) as InboxMessage;
    expect(inbox).toMatchObject({ id, channel: 'smtp', subject: SUBJECT, tag: TAG });
    expect(inbox.from).toMatchObject({ email: 'ordre@shop.dk', name: 'Søstrene Grønbæk Åbenrå' });
    expect(inbox.to).toEqual([
      expect.objectContaining({ email: `delivered+e2e@${SIM}`, name: 'Ærlige Øjvind Ålund' }),
    ]);
    expect(inbox.headers).toContainEqual({ name: 'X-Entity-Ref-ID', value: 'ordre-1042' });
    expect(inbox.headers).toContainEqual({ name: 'Subject', value: SUBJECT });
    expect(controlHeaders(inbox.headers)).toEqual([]);
    expect(inbox.text).toContain('Tak for din ordre, Øjvind.');
    const attachments = [...inbox.attachments].sort((a, b) => a.filename.localeCompare(b.filename));
    expect(attachments).toEqual([
      {
        filename: 'faktura-1042-æøå.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
        contentId: null,
        disposition: 'attachment',
      },
      {
        filename: 'logo.png',
        contentType: 'image/png',
        size: PIXEL.length,
        contentId: 'logo@shop.dk',
        disposition: 'inline',
      },
    ]);
  });

  it('applies the tracking settings sent as X-MP-Track-* headers', async () => {
    const tracked = (await (await control(`/inbox/${id}`)).json()) as InboxMessage;
    expect(tracked.html).toContain(`<a href="${sb.url}/t/c/`);
    expect(tracked.html).toMatch(new RegExp(`<img src="${sb.url}/t/o/[\\w-]+" width="1" height="1"`));
    const untracked = await mp.messages.send(
      order({ tag: 'untracked', tracking: { opens: false, clicks: 'none' } }),
      { via: 'smtp' },
    );
    const plain = (await (await control(`/inbox/${untracked.id}`)).json()) as InboxMessage;
    expect(plain.html).toContain('<a href="https://shop.dk/ordre/1042">Se ordren</a>');
    expect(plain.html).not.toContain('/t/o/');
  });

  it('keeps the cid: reference of the inline image in the HTML', async () => {
    const res = await control(`/inbox/${id}`);
    const inbox = (await res.json()) as InboxMessage;
    expect(inbox.html).toContain('<img src="cid:logo@shop.dk" alt="logo">');
    expect(inbox.html).not.toContain('data:image/png');
  });

  it('stores MIME without any X-MP-* control header', async () => {
    const res = await control(`/inbox/${id}/raw`);
    expect(res.status).toBe(200);
    const raw = await res.text();
    const headerBlock = raw.slice(0, raw.search(/\r?\n\r?\n/));
    const names = headerBlock
      .split(/\r?\n/)
      .filter((line) => /^[!-9;-~]+:/.test(line))
      .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
    expect(names).toEqual(expect.arrayContaining(['subject', 'x-entity-ref-id', 'x-mp-message-id']));
    expect(names.filter((name) => name.startsWith('x-mp-') && name !== 'x-mp-message-id')).toEqual([]);
    expect(raw).not.toMatch(/^X-MP-(Tag|Metadata|Idempotency-Key|Track-Opens|Track-Clicks)/im);
    expect(raw).not.toContain(idempotencyKey);
  });

  it('has message.queued with channel smtp, then message.delivered once the clock moves', async () => {
    const before = await eventsOf(id);
    expect(before.map((event) => event.type)).toEqual(['message.queued']);
    expect(before[0]?.data).toMatchObject({ messageId: id, channel: 'smtp', tag: TAG });
    await advanceClock('PT1M');
    const after = await eventsOf(id);
    expect(after.map((event) => event.type)).toEqual(['message.queued', 'message.delivered']);
    expect(after[1]?.data).toMatchObject({
      messageId: id,
      recipient: `delivered+e2e@${SIM}`,
      tag: TAG,
      metadata: { orderId: '1042', kunde: 'Æble Østergård på Åen' },
    });
  });

  it('counts it in the statistics for its tag', async () => {
    await advanceClock('PT1M');
    const stats = await mp.stats.get({ tag: TAG, interval: 'none' });
    // three SMTP sends (the replay is not a send) and one API send, all delivered
    expect(stats.totals.counts).toMatchObject({ queued: 3, sent: 3, delivered: 3 });
    expect(stats.totals.rates.deliveryRate).toBe(1);
  });
});

describe('SMTPUTF8 addresses', () => {
  it('delivers to a UTF-8 local part at an IDN domain and keeps both as written', async () => {
    const result = await mp.messages.send(
      { from: 'Bøgh <ordre@blåbær.dk>', to: ['søren.æøå@blåbær.dk'], subject: 'Hej Søren', text: 'Tak' },
      { via: 'smtp' },
    );
    expect(result.recipients).toEqual([{ email: 'søren.æøå@blåbær.dk', type: 'to', status: 'queued' }]);
    const stored = await mp.messages.get(result.id);
    expect(stored.from).toEqual({ email: 'ordre@blåbær.dk', name: 'Bøgh' });
    expect(stored.to).toEqual([{ email: 'søren.æøå@blåbær.dk' }]);
  });
});

describe('failures over SMTP', () => {
  it('a wrong key is an AuthenticationError before anything is sent', async () => {
    const wrong = new MailPlatform({
      apiKey: 'mp_live_not_a_sandbox_key',
      baseUrl: sb.url,
      smtp: { host: '127.0.0.1', port: sb.smtpPort as number },
    });
    clients.push(wrong);
    const sent = wrong.messages.send(order({ tag: 'wrong-key' }), { via: 'smtp', maxRetries: 0 });
    await expect(sent).rejects.toBeInstanceOf(AuthenticationError);
    await expect(sent).rejects.toMatchObject({ code: 'smtp_auth_failed', attempts: 1 });
    const res = await control('/inbox?tag=wrong-key');
    expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('a hard-bounce address is accepted at SMTP, then bounces once the clock moves', async () => {
    const recipient = `hard-bounce+smtp@${SIM}`;
    const result = await mp.messages.send(order({ to: [recipient], tag: 'bounce-e2e' }), { via: 'smtp' });
    expect(result).toMatchObject({
      status: 'queued',
      recipients: [{ email: recipient, type: 'to', status: 'queued' }],
      replayed: false,
      rejected: [],
    });
    expect((await eventsOf(result.id)).map((event) => event.type)).toEqual(['message.queued']);
    await advanceClock('PT1M');
    const events = await eventsOf(result.id);
    expect(events.map((event) => event.type)).toEqual(['message.queued', 'message.bounced']);
    expect(events[1]?.data).toMatchObject({
      recipient,
      bounce: { class: 'hard', type: 'mailbox_not_found' },
    });
  });
});
