import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AmbiguousDeliveryError,
  AuthenticationError,
  InvalidHeaderError,
  SmtpRejectedError,
  SmtpTransientError,
  ValidationError,
} from '../errors.js';
import type { SendMessageRequest } from '../schemas/messages.js';
import { createSmtpSender, type SmtpSenderOptions } from './create-smtp-sender.js';
import { createFakeRelay, type FakeRelay } from './testing/fake-relay.js';

const KEY = 'mp_test_smtpsenderkey42';
const FAST = { initialDelayMs: 5, maxDelayMs: 50, maxHintMs: 0 };

let plain: FakeRelay;
let idempotent: FakeRelay;
const senders: { close(): Promise<void> }[] = [];

function sender(relay: FakeRelay, extra: Partial<SmtpSenderOptions> = {}) {
  const created = createSmtpSender({
    apiKey: KEY,
    smtp: {
      host: '127.0.0.1',
      port: relay.port,
      secure: false,
      starttls: false,
      user: 'apikey',
      allowInsecureAuth: true,
    },
    logger: undefined,
    backoff: FAST,
    ...extra,
  });
  senders.push(created);
  return created;
}

const message = (extra: Partial<SendMessageRequest> = {}): SendMessageRequest => ({
  from: { email: 'ordre@shop.dk', name: 'Shop' },
  to: ['kunde@example.dk'],
  subject: 'Ordrebekræftelse #1042',
  text: 'Tak for din ordre',
  ...extra,
});

beforeAll(async () => {
  plain = await createFakeRelay({ idempotency: false, password: KEY });
  idempotent = await createFakeRelay({ idempotency: true, password: KEY });
});

afterEach(async () => {
  await Promise.all(senders.splice(0).map((created) => created.close()));
  for (const relay of [plain, idempotent]) {
    relay.script.length = 0;
    relay.deliveries.length = 0;
  }
});

afterAll(async () => {
  await Promise.all([plain.close(), idempotent.close()]);
});

describe('createSmtpSender', () => {
  it('sends the message model as MIME with control headers and resolves like the API', async () => {
    const result = await sender(plain).send(
      message({
        cc: [{ email: 'cc@example.dk', name: 'Æble Ø' }],
        bcc: ['skjult@example.dk'],
        html: '<p>Tak <img src="cid:logo@shop"></p>',
        tag: 'order-confirmation',
        metadata: { orderId: '1042', note: 'blåbær' },
        tracking: { opens: true, clicks: 'html' },
        stream: 'transactional',
        headers: { 'List-Unsubscribe': '<https://shop.dk/u/abc>' },
        attachments: [
          {
            filename: 'logo.png',
            contentType: 'image/png',
            content: 'iVBORw==',
            contentId: 'logo@shop',
            disposition: 'inline',
          },
          {
            filename: 'faktura.pdf',
            contentType: 'application/pdf',
            content: 'JVBERi0xLjQ=',
            disposition: 'attachment',
          },
        ],
      }),
      { idempotencyKey: 'order-1042/receipt' },
    );
    expect(result).toMatchObject({
      id: 'msg_1',
      status: 'queued',
      stream: 'transactional',
      idempotencyKey: 'order-1042/receipt',
      replayed: false,
      rejected: [],
      recipients: [
        { email: 'kunde@example.dk', type: 'to', status: 'queued' },
        { email: 'cc@example.dk', type: 'cc', status: 'queued' },
        { email: 'skjult@example.dk', type: 'bcc', status: 'queued' },
      ],
    });
    expect(plain.deliveries).toHaveLength(1);
    const parsed = await simpleParser(plain.deliveries[0]!.raw);
    expect(parsed.subject).toBe('Ordrebekræftelse #1042');
    expect(parsed.headers.get('x-mp-tag')).toBe('order-confirmation');
    expect(parsed.headers.get('x-mp-idempotency-key')).toBe('order-1042/receipt');
    expect(parsed.headers.get('x-mp-track-opens')).toBe('true');
    expect(parsed.headers.get('x-mp-track-clicks')).toBe('html');
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.messageId).toMatch(/^<mp\.[0-9a-f]{32}@shop\.dk>$/);
    const inline = parsed.attachments.find((attachment) => attachment.filename === 'logo.png');
    expect(inline?.cid).toBe('logo@shop');
    expect(plain.deliveries[0]!.rcptTo).toEqual(['kunde@example.dk', 'cc@example.dk', 'skjult@example.dk']);
  });

  it('keeps a smuggling sequence in the body inside one message', async () => {
    const text = 'a\n.\nMAIL FROM:<evil@x.dk>\r\n.\r\nRCPT TO:<victim@x.dk>\r\nDATA\r\n';
    await sender(plain).send(message({ text }), { idempotencyKey: 'smuggle' });
    expect(plain.deliveries).toHaveLength(1);
    expect(plain.deliveries[0]!.rcptTo).toEqual(['kunde@example.dk']);
    const parsed = await simpleParser(plain.deliveries[0]!.raw);
    expect(parsed.text).toContain('MAIL FROM:<evil@x.dk>');
    expect(parsed.text).toContain('RCPT TO:<victim@x.dk>');
  });

  it('derives the same Message-ID from the same key on every attempt', async () => {
    plain.script.push({ phase: 'data', action: { code: 451, message: '4.3.0 Temporary failure' } });
    const smtp = sender(plain);
    await smtp.send(message(), { idempotencyKey: 'same-key' });
    await smtp.send(message(), { idempotencyKey: 'same-key' });
    const ids = await Promise.all(
      plain.deliveries.map(async (delivery) => (await simpleParser(delivery.raw)).messageId),
    );
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it('reports a relay duplicate as replayed with the first id', async () => {
    const smtp = sender(idempotent);
    const first = await smtp.send(message(), { idempotencyKey: 'dup-key' });
    const second = await smtp.send(message(), { idempotencyKey: 'dup-key' });
    expect(second).toMatchObject({ id: first.id, replayed: true });
    expect(idempotent.countFor('dup-key')).toBe(1);
  });

  it.each([
    ['mailFrom', 421, '4.7.0 Rate limit exceeded, try again in 1 seconds'],
    ['mailFrom', 451, '4.3.0 Temporary failure'],
    ['rcptTo', 450, '4.2.1 Mailbox busy'],
    ['rcptTo', 451, '4.3.0 Temporary failure'],
    ['rcptTo', 452, '4.5.3 Too many recipients'],
    ['data', 421, '4.4.2 Closing'],
    ['data', 451, '4.3.0 Temporary failure'],
    ['data', 452, '4.3.1 Insufficient storage'],
  ] as const)('retries %s %i on a new connection and then succeeds', async (phase, code, text) => {
    plain.script.push({ phase, action: { code, message: text } });
    const before = plain.attempts;
    const result = await sender(plain).send(message(), { idempotencyKey: `retry-${phase}-${code}` });
    expect(result.id).toMatch(/^msg_\d+$/);
    expect(plain.attempts - before).toBe(2);
    expect(plain.countFor(`retry-${phase}-${code}`)).toBe(1);
  });

  it('gives up after two retries with SmtpTransientError', async () => {
    for (let i = 0; i < 3; i++)
      plain.script.push({ phase: 'rcptTo', action: { code: 451, message: '4.3.0 Temporary failure' } });
    const before = plain.attempts;
    const error = await sender(plain)
      .send(message(), { idempotencyKey: 'exhausted' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpTransientError);
    expect(error).toMatchObject({
      smtpCode: 451,
      enhancedCode: '4.3.0',
      stage: 'rcpt',
      attempts: 3,
      idempotencyKey: 'exhausted',
      retryable: true,
    });
    expect(plain.attempts - before).toBe(3);
    expect(plain.deliveries).toHaveLength(0);
  });

  it.each([
    ['mailFrom', 550, '5.7.1 Sender domain not verified', 'mail'],
    ['mailFrom', 552, '5.3.4 Message too big', 'mail'],
    ['rcptTo', 550, '5.1.1 No such user', 'rcpt'],
    ['rcptTo', 554, '5.7.1 Blocked', 'rcpt'],
    ['data', 554, '5.6.0 Invalid X-MP-Metadata header', 'message'],
    ['data', 552, '5.3.4 Message too big', 'message'],
  ] as const)('does not retry %s %i: SmtpRejectedError', async (phase, code, text, stage) => {
    plain.script.push({ phase, action: { code, message: text } });
    const before = plain.attempts;
    const error = await sender(plain)
      .send(message(), { idempotencyKey: `reject-${code}` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpRejectedError);
    expect(error).toMatchObject({
      smtpCode: code,
      enhancedCode: text.split(' ')[0],
      stage,
      permanent: true,
      attempts: 1,
    });
    expect(plain.attempts - before).toBe(1);
  });

  it('lists recipients rejected while others were accepted', async () => {
    plain.script.push({
      phase: 'rcptTo',
      address: 'gone@example.dk',
      action: { code: 550, message: '5.1.1 No such user' },
    });
    const result = await sender(plain).send(message({ to: ['kunde@example.dk', 'gone@example.dk'] }), {
      idempotencyKey: 'partial',
    });
    expect(result.recipients).toEqual([{ email: 'kunde@example.dk', type: 'to', status: 'queued' }]);
    expect(result.rejected).toEqual([
      { email: 'gone@example.dk', smtpCode: 550, enhancedCode: '5.1.1', response: '550 5.1.1 No such user' },
    ]);
    expect(plain.deliveries[0]!.rcptTo).toEqual(['kunde@example.dk']);
  });

  it('fails a bad key with AuthenticationError and no retry', async () => {
    const before = plain.connections;
    const error = await sender(plain, { apiKey: 'mp_test_wrongkey999' })
      .send(message(), { idempotencyKey: 'auth' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'smtp_auth_failed', attempts: 1 });
    expect(plain.connections - before).toBe(1);
    expect(JSON.stringify(error)).not.toContain('wrongkey999');
  });

  it('retries a connection dropped before DATA', async () => {
    plain.script.push({ phase: 'rcptTo', action: 'drop' });
    const before = plain.attempts;
    const result = await sender(plain).send(message(), { idempotencyKey: 'drop-before' });
    expect(result.id).toMatch(/^msg_/);
    expect(plain.attempts - before).toBe(2);
    expect(plain.countFor('drop-before')).toBe(1);
  });

  it('does not retry a drop after the final dot without XMPIDEMPOTENCY: AmbiguousDeliveryError', async () => {
    plain.script.push({ phase: 'data', action: 'drop' });
    const before = plain.attempts;
    const error = await sender(plain)
      .send(message(), { idempotencyKey: 'ambiguous' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousDeliveryError);
    expect(error).toMatchObject({
      mayHaveBeenDelivered: true,
      retryable: false,
      attempts: 1,
      idempotencyKey: 'ambiguous',
    });
    expect(plain.attempts - before).toBe(1);
    expect(plain.countFor('ambiguous')).toBe(1);
  });

  it('retries a drop after the final dot when the relay advertises XMPIDEMPOTENCY, without a duplicate', async () => {
    idempotent.script.push({ phase: 'data', action: 'drop' });
    const before = idempotent.attempts;
    const result = await sender(idempotent).send(message(), { idempotencyKey: 'ambiguous-safe' });
    expect(result.replayed).toBe(true);
    expect(result.id).toMatch(/^msg_\d+$/);
    expect(idempotent.attempts - before).toBe(2);
    expect(idempotent.countFor('ambiguous-safe')).toBe(1);
  });

  it('retries a refused connection and ends with SmtpTransientError', async () => {
    const closed = await createFakeRelay({ idempotency: false, password: KEY });
    const port = closed.port;
    await closed.close();
    const error = await sender({ ...plain, port } as FakeRelay)
      .send(message(), { idempotencyKey: 'refused' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpTransientError);
    expect(error).toMatchObject({ code: 'smtp_connection_failed', stage: 'connect', attempts: 3 });
  });

  it('writes a transcript with AUTH redacted and the key nowhere', async () => {
    const lines: string[] = [];
    await sender(plain, { trace: (line) => lines.push(line) }).send(message(), { idempotencyKey: 'traced' });
    expect(lines).toContain('C: AUTH PLAIN [redacted]');
    expect(lines.some((line) => /^S: 250 2\.0\.0 Ok: queued as msg_\d+$/.test(line))).toBe(true);
    const transcript = lines.join('\n');
    for (const secret of [
      KEY,
      Buffer.from(KEY).toString('base64'),
      Buffer.from(`\0apikey\0${KEY}`).toString('base64'),
    ]) {
      expect(transcript).not.toContain(secret);
    }
  });

  it('rejects header injection before nodemailer sees the message', async () => {
    const before = plain.connections;
    const smtp = sender(plain);
    await expect(
      smtp.send(message({ subject: 'Hej\r\nBcc: evil@x.dk' }), { idempotencyKey: 'inj' }),
    ).rejects.toBeInstanceOf(InvalidHeaderError);
    await expect(
      smtp.send(message({ to: [{ email: 'a@example.dk', name: 'A\nB' }] }), { idempotencyKey: 'inj' }),
    ).rejects.toBeInstanceOf(InvalidHeaderError);
    await expect(smtp.send(message({ tag: 'a\u2028b' }), { idempotencyKey: 'inj' })).rejects.toBeInstanceOf(
      InvalidHeaderError,
    );
    await expect(
      smtp.send(message({ headers: { 'X-MP-Tag': 'x' } }), { idempotencyKey: 'inj' }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'headers.X-MP-Tag',
    });
    await expect(
      smtp.send(message({ template: { alias: 'receipt', data: { blob: 'x'.repeat(7000) } } }), {
        idempotencyKey: 'big',
      }),
    ).rejects.toThrow(ValidationError);
    expect(plain.connections - before).toBe(0);
  });
});
