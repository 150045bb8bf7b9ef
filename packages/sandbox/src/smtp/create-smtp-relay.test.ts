import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createSmtpRelay,
  type SmtpChaosReply,
  type SmtpPhase,
  type SmtpRelay,
  type SubmitOptions,
} from './create-smtp-relay.js';
import type { RelayMessage } from './relay-message.js';
import { connectRaw } from './testing/smtp-client.js';

interface Submitted {
  namespace: string;
  message: RelayMessage;
  options: SubmitOptions;
}

const KEY = 'mp_test_relaykey123';
const submitted: Submitted[] = [];
const seenKeys = new Map<string, string>();
let nextChaos: SmtpChaosReply | null = null;
let submitFailure: Error | null = null;
let counter = 0;

async function authenticate(apiKey: string): Promise<string | null> {
  return apiKey.startsWith('mp_test_') ? `ns:${apiKey}` : null;
}

async function submit(namespace: string, message: RelayMessage, options: SubmitOptions) {
  if (submitFailure) throw submitFailure;
  submitted.push({ namespace, message, options });
  const key = options.idempotencyKey;
  if (key !== undefined && seenKeys.has(key)) return { id: seenKeys.get(key)!, duplicate: true };
  const id = `msg_${++counter}`;
  if (key !== undefined) seenKeys.set(key, id);
  return { id, duplicate: false };
}

function chaos(phase: SmtpPhase): SmtpChaosReply | null {
  if (nextChaos?.phase !== phase) return null;
  const reply = nextChaos;
  nextChaos = null;
  return reply;
}

let relay: SmtpRelay;
let strictRelay: SmtpRelay;
let smallRelay: SmtpRelay;
let smtpsRelay: SmtpRelay;
const transports: ReturnType<typeof nodemailer.createTransport>[] = [];

function transport(port: number, pass = KEY, extra: Record<string, unknown> = {}) {
  const created = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    auth: { user: 'apikey', pass },
    tls: { rejectUnauthorized: false },
    ...extra,
  });
  transports.push(created);
  return created;
}

beforeAll(async () => {
  relay = await createSmtpRelay({ port: 0, authenticate, submit, chaos });
  strictRelay = await createSmtpRelay({ port: 0, authenticate, submit, requireTls: true });
  smallRelay = await createSmtpRelay({ port: 0, authenticate, submit, maxSize: 2_000 });
  smtpsRelay = await createSmtpRelay({ port: 0, authenticate, submit, secure: true });
});

afterEach(() => {
  submitted.length = 0;
  nextChaos = null;
  submitFailure = null;
  for (const created of transports.splice(0)) created.close();
});

afterAll(async () => {
  await Promise.all([relay.close(), strictRelay.close(), smallRelay.close(), smtpsRelay.close()]);
});

describe('createSmtpRelay with nodemailer as the customer', () => {
  it('accepts a message, strips the control headers and builds the API message', async () => {
    const info = await transport(relay.port).sendMail({
      from: 'Shop <ordre@shop.dk>',
      to: ['kunde@example.dk', 'Æble Ø <aeble@example.dk>'],
      cc: 'cc@example.dk',
      bcc: 'skjult@example.dk',
      replyTo: 'support@shop.dk',
      subject: 'Ordrebekræftelse #1042',
      text: 'Tak for din ordre',
      html: '<p>Tak for din ordre</p>',
      headers: {
        'X-MP-Tag': 'order-confirmation',
        'X-MP-Stream': 'transactional',
        'X-MP-Metadata': JSON.stringify({ orderId: '1042', crmId: 'A-77' }),
        'X-MP-Track-Opens': 'true',
        'X-MP-Track-Clicks': 'html',
        'X-MP-Send-At': '2025-03-14T08:00:00Z',
        'X-MP-Idempotency-Key': 'order-1042/receipt',
        'X-MP-Simulate': 'soft-bounce',
        'List-Unsubscribe': '<https://shop.dk/u/abc>',
        'X-Entity-Ref-ID': '1042',
      },
      attachments: [
        { filename: 'faktura.pdf', content: Buffer.from('%PDF-1.4'), contentType: 'application/pdf' },
        {
          filename: 'logo.png',
          content: Buffer.from([137, 80, 78, 71]),
          cid: 'logo@shop',
          contentType: 'image/png',
        },
      ],
    });
    expect(info.response).toBe('250 2.0.0 Ok: queued as msg_' + counter);
    expect(submitted).toHaveLength(1);
    const [{ namespace, message, options }] = submitted as [Submitted];
    expect(namespace).toBe(`ns:${KEY}`);
    expect(options.channel).toBe('smtp');
    expect(options.idempotencyKey).toBe('order-1042/receipt');
    expect(options.envelope.rcptTo).toEqual([
      'kunde@example.dk',
      'aeble@example.dk',
      'cc@example.dk',
      'skjult@example.dk',
    ]);
    expect(message).toMatchObject({
      from: { email: 'ordre@shop.dk', name: 'Shop' },
      to: [{ email: 'kunde@example.dk' }, { email: 'aeble@example.dk', name: 'Æble Ø' }],
      cc: [{ email: 'cc@example.dk' }],
      bcc: [{ email: 'skjult@example.dk' }],
      replyTo: [{ email: 'support@shop.dk' }],
      subject: 'Ordrebekræftelse #1042',
      text: 'Tak for din ordre',
      html: '<p>Tak for din ordre</p>',
      tag: 'order-confirmation',
      stream: 'transactional',
      metadata: { orderId: '1042', crmId: 'A-77' },
      tracking: { opens: true, clicks: 'html' },
      scheduledAt: '2025-03-14T08:00:00.000Z',
      sandbox: { simulate: 'soft-bounce' },
      headers: { 'List-Unsubscribe': '<https://shop.dk/u/abc>', 'X-Entity-Ref-ID': '1042' },
    });
    expect(Object.keys(message.headers ?? {}).some((name) => name.toLowerCase().startsWith('x-mp-'))).toBe(
      false,
    );
    const byName = (a: { filename?: string }, b: { filename?: string }) =>
      (a.filename ?? '').localeCompare(b.filename ?? '');
    expect([...(message.attachments ?? [])].sort(byName)).toEqual([
      {
        filename: 'faktura.pdf',
        contentType: 'application/pdf',
        content: Buffer.from('%PDF-1.4').toString('base64'),
        contentId: null,
        disposition: 'attachment',
      },
      {
        filename: 'logo.png',
        contentType: 'image/png',
        content: Buffer.from([137, 80, 78, 71]).toString('base64'),
        contentId: 'logo@shop',
        disposition: 'inline',
      },
    ]);
    const raw = options.rawMime.toString('utf8');
    expect(raw).not.toMatch(/^x-mp-/im);
    expect(raw).toMatch(/^List-Unsubscribe: <https:\/\/shop\.dk\/u\/abc>/m);
  });

  it('answers a repeated idempotency key with "duplicate of" and the first id', async () => {
    const mail = {
      from: 'a@shop.dk',
      to: 'b@example.dk',
      subject: 'x',
      text: 'x',
      headers: { 'X-MP-Idempotency-Key': 'dup-1' },
    };
    const first = await transport(relay.port).sendMail(mail);
    const second = await transport(relay.port).sendMail(mail);
    const id = /queued as (msg_\d+)/.exec(first.response)?.[1];
    expect(id).toMatch(/^msg_\d+$/);
    expect(second.response).toBe(`250 2.0.0 Ok: duplicate of ${id}`);
  });

  it('reads per-key metadata headers with RFC 2047 words; the JSON header wins on conflict', async () => {
    const client = await connectRaw(relay.port);
    await client.reply();
    await client.send('EHLO test\r\n');
    expect(await client.send(`AUTH PLAIN ${Buffer.from(`\0apikey\0${KEY}`).toString('base64')}\r\n`)).toMatch(
      /^235 /,
    );
    await client.send('MAIL FROM:<a@shop.dk>\r\n');
    await client.send('RCPT TO:<b@example.dk>\r\n');
    expect(await client.send('DATA\r\n')).toMatch(/^354 /);
    const reply = await client.send(
      [
        'From: a@shop.dk',
        'To: b@example.dk',
        'Subject: metadata',
        'X-MP-Metadata-orderId: 1042',
        'X-MP-Metadata-Note: =?UTF-8?Q?bl=C3=A5b=C3=A6r?= =?UTF-8?B?IGdyw7hk?=',
        'X-MP-Metadata-crmId: from-header',
        'X-MP-Metadata: {"crmId":"from-json"}',
        'X-MP-Template: order-confirmation@3',
        `X-MP-Template-Data: ${Buffer.from(JSON.stringify({ orderNo: 1042 })).toString('base64url')}`,
        '',
        'ignored body',
        '.',
        '',
      ].join('\r\n'),
    );
    client.close();
    expect(reply).toMatch(/^250 2\.0\.0 Ok: queued as msg_\d+$/);
    const [{ message }] = submitted as [Submitted];
    expect(message.metadata).toEqual({ orderId: '1042', Note: 'blåbær grød', crmId: 'from-json' });
    expect(message.template).toEqual({ alias: 'order-confirmation', version: 3, data: { orderNo: 1042 } });
    expect(message.text).toBeUndefined();
  });

  it('puts envelope recipients that are in no header into bcc and drops header-only recipients', async () => {
    await transport(relay.port).sendMail({
      envelope: { from: 'bounce@shop.dk', to: ['a@example.dk', 'hidden@example.dk'] },
      from: 'a@shop.dk',
      to: ['a@example.dk', 'not-in-envelope@example.dk'],
      subject: 'x',
      text: 'x',
    });
    const [{ message }] = submitted as [Submitted];
    expect(message.to).toEqual([{ email: 'a@example.dk' }]);
    expect(message.bcc).toEqual([{ email: 'hidden@example.dk' }]);
  });

  it('refuses a bad key with 535 5.7.8', async () => {
    await expect(
      transport(relay.port, 'not-a-key').sendMail({ from: 'a@b.dk', to: 'c@d.dk', text: 'x' }),
    ).rejects.toMatchObject({
      code: 'EAUTH',
      response: '535 5.7.8 Authentication credentials invalid',
    });
  });

  it('answers a bad X-MP value after DATA with 554 5.6.0 and submits nothing', async () => {
    await expect(
      transport(relay.port).sendMail({
        from: 'a@b.dk',
        to: 'c@d.dk',
        text: 'x',
        headers: { 'X-MP-Metadata': '[1,2]' },
      }),
    ).rejects.toMatchObject({ response: '554 5.6.0 Invalid X-MP-Metadata header: expected a JSON object' });
    await expect(
      transport(relay.port).sendMail({
        from: 'a@b.dk',
        to: 'c@d.dk',
        text: 'x',
        headers: { 'X-MP-Track-Clicks': 'sometimes' },
      }),
    ).rejects.toMatchObject({
      response: '554 5.6.0 Invalid X-MP-Track-Clicks header: expected none, html, text or all',
    });
    await expect(
      transport(relay.port).sendMail({
        from: 'a@b.dk',
        to: 'c@d.dk',
        text: 'x',
        headers: { 'X-MP-Tags': 'typo' },
      }),
    ).rejects.toMatchObject({ response: '554 5.6.0 Invalid X-Mp-Tags header: unknown control header' });
    expect(submitted).toHaveLength(0);
  });

  it('answers a validation failure from submit with 554 5.6.0 and any other failure with 451 4.3.0', async () => {
    submitFailure = Object.assign(new Error('metadata has 21 keys; the limit is 20'), {
      code: 'validation_failed',
    });
    await expect(
      transport(relay.port).sendMail({ from: 'a@b.dk', to: 'c@d.dk', text: 'x' }),
    ).rejects.toMatchObject({
      response: '554 5.6.0 metadata has 21 keys; the limit is 20',
    });
    submitFailure = new Error('database is locked');
    await expect(
      transport(relay.port).sendMail({ from: 'a@b.dk', to: 'c@d.dk', text: 'x' }),
    ).rejects.toMatchObject({
      response: '451 4.3.0 Temporary failure',
    });
  });

  it('answers more than 50 recipients with 452 4.5.3', async () => {
    const to = Array.from({ length: 51 }, (_, index) => `r${index}@example.dk`);
    const info = await transport(relay.port).sendMail({ from: 'a@b.dk', to, subject: 'x', text: 'x' });
    expect(info.accepted).toHaveLength(50);
    expect(info.rejected).toEqual(['r50@example.dk']);
    expect(info.rejectedErrors?.[0]?.response).toBe('452 4.5.3 Too many recipients');
  });

  it('answers a message over the size limit with 552 5.3.4', async () => {
    await expect(
      transport(smallRelay.port).sendMail({ from: 'a@b.dk', to: 'c@d.dk', text: 'x'.repeat(5_000) }),
    ).rejects.toMatchObject({ response: '552 5.3.4 Message too big' });
    expect(submitted).toHaveLength(0);
  });

  it('injects chaos replies at the phase they name', async () => {
    nextChaos = { phase: 'rcptTo', code: 451, message: '4.3.0 Temporary failure' };
    const info = await transport(relay.port)
      .sendMail({ from: 'a@b.dk', to: 'c@d.dk', text: 'x' })
      .catch((error) => error);
    expect(info).toMatchObject({ response: '451 4.3.0 Temporary failure' });
    nextChaos = { phase: 'data', code: 421, message: '4.7.0 Rate limit exceeded, try again in 3 seconds' };
    const limited = await transport(relay.port)
      .sendMail({ from: 'a@b.dk', to: 'c@d.dk', text: 'x' })
      .catch((error) => error);
    expect(limited).toMatchObject({ response: '421 4.7.0 Rate limit exceeded, try again in 3 seconds' });
    nextChaos = { phase: 'mailFrom', code: 550, message: '5.7.1 Sender domain not verified' };
    const unverified = await transport(relay.port)
      .sendMail({ from: 'a@b.dk', to: 'c@d.dk', text: 'x' })
      .catch((error) => error);
    expect(unverified).toMatchObject({ response: '550 5.7.1 Sender domain not verified' });
    expect(submitted).toHaveLength(0);
  });

  it('works over STARTTLS and over implicit TLS', async () => {
    const viaStarttls = await transport(strictRelay.port, KEY, { requireTLS: true }).sendMail({
      from: 'a@b.dk',
      to: 'c@d.dk',
      text: 'x',
    });
    expect(viaStarttls.response).toMatch(/^250 2\.0\.0 Ok: queued as msg_\d+$/);
    const viaSmtps = await transport(smtpsRelay.port, KEY, { secure: true }).sendMail({
      from: 'a@b.dk',
      to: 'c@d.dk',
      text: 'x',
    });
    expect(viaSmtps.response).toMatch(/^250 2\.0\.0 Ok: queued as msg_\d+$/);
  });
});

describe('createSmtpRelay dialogue', () => {
  it('advertises the contract extensions and XMPIDEMPOTENCY', async () => {
    const client = await connectRaw(relay.port);
    expect(await client.reply()).toMatch(/^220 /);
    const ehlo = (await client.send('EHLO client.test\r\n')).split('\n').map((line) => line.slice(4));
    client.close();
    expect(ehlo.slice(1).sort()).toEqual(
      [
        '8BITMIME',
        'AUTH PLAIN LOGIN',
        'ENHANCEDSTATUSCODES',
        'PIPELINING',
        'SIZE 10485760',
        'SMTPUTF8',
        'STARTTLS',
        'XMPIDEMPOTENCY',
      ].sort(),
    );
  });

  it('refuses AUTH before STARTTLS with 530 5.7.0 when TLS is required, and accepts it after', async () => {
    const client = await connectRaw(strictRelay.port);
    await client.reply();
    await client.send('EHLO client.test\r\n');
    const blob = Buffer.from(`\0apikey\0${KEY}`).toString('base64');
    expect(await client.send(`AUTH PLAIN ${blob}\r\n`)).toBe('530 5.7.0 Must issue a STARTTLS command first');
    expect(await client.send('STARTTLS\r\n')).toMatch(/^220 /);
    await client.startTls();
    await client.send('EHLO client.test\r\n');
    expect(await client.send(`AUTH PLAIN ${blob}\r\n`)).toBe('235 2.7.0 Authentication successful');
    client.close();
  });

  it('asks for AUTH before MAIL', async () => {
    const client = await connectRaw(relay.port);
    await client.reply();
    await client.send('EHLO client.test\r\n');
    expect(await client.send('MAIL FROM:<a@b.dk>\r\n')).toBe('530 5.7.0 Authentication required');
    client.close();
  });

  it('survives hostile input and keeps answering', async () => {
    const inputs: (string | Buffer)[] = [
      'GARBAGE\r\n',
      'EHLO\r\n',
      'EHLO a\nMAIL FROM:<x@y>\n',
      `NOOP ${'A'.repeat(70_000)}\r\n`,
      'AUTH PLAIN !!!not-base64!!!\r\n',
      `AUTH PLAIN ${Buffer.from('\0apikey\0wrong').toString('base64')}\r\n`,
      'RCPT TO:<a@b.dk>\r\n',
      'DATA\r\n',
      Buffer.from([0, 1, 2, 255, 254, 13, 10]),
      'AUTH LOGIN\r\n',
    ];
    for (const [index, input] of inputs.entries()) {
      const client = await connectRaw(relay.port);
      await client.reply();
      if (index % 2 === 1) expect(await client.send('EHLO fuzz.test\r\n')).toMatch(/^250-/);
      client.write(input);
      const answer = await Promise.race([client.reply(), client.closed.then(() => 'closed')]);
      expect(answer).toMatch(/^(\d{3}[ -]|closed)/);
      client.close();
    }
    const broken = await connectRaw(relay.port);
    await broken.reply();
    await broken.send('EHLO fuzz.test\r\n');
    await broken.send(`AUTH PLAIN ${Buffer.from(`\0apikey\0${KEY}`).toString('base64')}\r\n`);
    await broken.send('MAIL FROM:<a@b.dk>\r\n');
    await broken.send('RCPT TO:<c@d.dk>\r\n');
    await broken.send('DATA\r\n');
    const reply = await broken.send(
      'Content-Type: multipart/mixed; boundary="x"\r\nX-MP-Template-Data: %%%\r\n\r\n--x\r\nbroken\nbare LF\r\n.\r\n',
    );
    expect(reply).toBe('554 5.6.0 Invalid X-MP-Template-Data header: expected base64url');
    expect(await broken.send('RSET\r\n')).toMatch(/^250 /);
    // a dot after a bare LF does not end DATA (SMTP smuggling): one message, with the rest as body
    await broken.send('MAIL FROM:<a@b.dk>\r\n');
    await broken.send('RCPT TO:<c@d.dk>\r\n');
    await broken.send('DATA\r\n');
    const smuggled = await broken.send(
      'From: a@b.dk\r\nTo: c@d.dk\r\nSubject: one\r\n\r\nbody\n.\nMAIL FROM:<evil@x.dk>\nRCPT TO:<victim@x.dk>\r\n.\r\n',
    );
    expect(smuggled).toMatch(/^250 2\.0\.0 Ok: queued as msg_\d+$/);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]?.message.to).toEqual([{ email: 'c@d.dk' }]);
    expect(submitted[0]?.message.text).toContain('MAIL FROM:<evil@x.dk>');
    broken.close();
    submitted.length = 0;

    const healthy = await transport(relay.port).sendMail({
      from: 'a@b.dk',
      to: 'c@d.dk',
      subject: 'after fuzz',
      text: 'ok',
    });
    expect(healthy.response).toMatch(/^250 2\.0\.0 Ok: queued as msg_\d+$/);
  });
});
