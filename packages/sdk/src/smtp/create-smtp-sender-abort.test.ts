import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, AmbiguousDeliveryError, TimeoutError } from '../errors.js';
import type { SendMessageRequest } from '../schemas/messages.js';
import { createSmtpSender, type SmtpSenderOptions } from './create-smtp-sender.js';

const KEY = 'mp_test_abortkey0042';

/** Where a hand-written relay stops answering: after connect, at RCPT TO, or after the final dot. */
type Stall = 'greeting' | 'rcpt' | 'dot';

interface StallingRelay {
  port: number;
  /** MAIL FROM commands seen: one per attempt. */
  attempts: number;
  /** Messages whose final dot arrived. */
  dots: number;
  close(): Promise<void>;
}

async function stallingRelay(stall: Stall): Promise<StallingRelay> {
  const sockets = new Set<Socket>();
  const relay = { port: 0, attempts: 0, dots: 0, close: async () => {} };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (stall === 'greeting') return;
    socket.write('220 stall.test ESMTP\r\n');
    let buffered = '';
    let inData = false;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffered.indexOf('\r\n.\r\n');
          if (end === -1) return;
          buffered = buffered.slice(end + 5);
          inData = false;
          relay.dots++;
          if (stall === 'dot') return;
          socket.write('250 2.0.0 Ok: queued as msg_1\r\n');
          continue;
        }
        const newline = buffered.indexOf('\r\n');
        if (newline === -1) return;
        const line = buffered.slice(0, newline).toUpperCase();
        buffered = buffered.slice(newline + 2);
        if (line.startsWith('EHLO')) socket.write('250-stall.test\r\n250 AUTH PLAIN\r\n');
        else if (line.startsWith('AUTH')) socket.write('235 2.7.0 ok\r\n');
        else if (line.startsWith('MAIL')) {
          relay.attempts++;
          socket.write('250 2.1.0 ok\r\n');
        } else if (line.startsWith('RCPT')) {
          if (stall !== 'rcpt') socket.write('250 2.1.5 ok\r\n');
        } else if (line.startsWith('DATA')) {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  relay.port = (server.address() as AddressInfo).port;
  relay.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return relay;
}

const relays: Partial<Record<Stall, StallingRelay>> = {};
const senders: { close(): Promise<void> }[] = [];
const controllers: AbortController[] = [];

function sender(stall: Stall, extra: Partial<SmtpSenderOptions> = {}) {
  const created = createSmtpSender({
    apiKey: KEY,
    smtp: {
      host: '127.0.0.1',
      port: relays[stall]!.port,
      secure: false,
      starttls: false,
      user: 'apikey',
      allowInsecureAuth: true,
    },
    logger: undefined,
    backoff: { initialDelayMs: 5, maxDelayMs: 50, maxHintMs: 0 },
    ...extra,
  });
  senders.push(created);
  return created;
}

const message: SendMessageRequest = {
  from: { email: 'ordre@shop.dk', name: 'Shop' },
  to: ['kunde@example.dk'],
  subject: 'Ordre',
  text: 'Tak',
};

/** An AbortController that aborts as soon as `ready()` holds (polled every 5 ms; aborted after each test). */
function abortWhen(ready: () => boolean): AbortController {
  const controller = new AbortController();
  controllers.push(controller);
  const poll = setInterval(() => {
    if (!ready()) return;
    clearInterval(poll);
    controller.abort(new Error('caller gave up'));
  }, 5);
  controller.signal.addEventListener('abort', () => clearInterval(poll));
  return controller;
}

beforeAll(async () => {
  for (const stall of ['greeting', 'rcpt', 'dot'] as const) relays[stall] = await stallingRelay(stall);
});

afterEach(async () => {
  for (const controller of controllers.splice(0)) controller.abort();
  await Promise.all(senders.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await Promise.all(Object.values(relays).map((relay) => relay.close()));
});

describe('createSmtpSender: deadline and abort', () => {
  it('rejects an already aborted signal with AbortError without opening a connection', async () => {
    const relay = relays.rcpt!;
    const before = relay.attempts;
    const error = await sender('rcpt')
      .send(message, { idempotencyKey: 'pre-aborted', signal: AbortSignal.abort(new Error('no')) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ attempts: 1, idempotencyKey: 'pre-aborted' });
    expect(relay.attempts).toBe(before);
  });

  it('ends a send stuck waiting for the greeting with TimeoutError at its deadline', async () => {
    const error = await sender('greeting')
      .send(message, { idempotencyKey: 'greeting-deadline', deadline: 150 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ retryable: true, attempts: 1, idempotencyKey: 'greeting-deadline' });
  });

  it('aborts a send waiting for a pool slot without touching the send that holds it', async () => {
    const smtp = sender('greeting', { maxConnections: 1 });
    const holder = smtp.send(message, { idempotencyKey: 'holder', deadline: 300 }).catch((e: unknown) => e);
    const waiter = new AbortController();
    const waiting = smtp
      .send(message, { idempotencyKey: 'waiter', signal: waiter.signal })
      .catch((e: unknown) => e);
    waiter.abort(new Error('caller gave up'));
    expect(await waiting).toBeInstanceOf(AbortError);
    expect(await holder).toBeInstanceOf(TimeoutError);
  });

  it('aborts before the final dot with AbortError: not delivered, not ambiguous', async () => {
    const relay = relays.rcpt!;
    const before = relay.attempts;
    const controller = abortWhen(() => relay.attempts > before);
    const error = await sender('rcpt')
      .send(message, { idempotencyKey: 'before-dot', signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).not.toBeInstanceOf(AmbiguousDeliveryError);
    expect(relay.attempts - before).toBe(1);
  });

  it('reports an abort after the final dot as AmbiguousDeliveryError, not retryable without XMPIDEMPOTENCY', async () => {
    const relay = relays.dot!;
    const before = relay.dots;
    const controller = abortWhen(() => relay.dots > before);
    const error = await sender('dot')
      .send(message, { idempotencyKey: 'after-dot', signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousDeliveryError);
    expect(error).toMatchObject({
      code: 'smtp_ambiguous',
      retryable: false,
      mayHaveBeenDelivered: true,
      attempts: 1,
      idempotencyKey: 'after-dot',
    });
    expect(relay.dots - before).toBe(1);
  });

  it('reports a deadline hit after the final dot as AmbiguousDeliveryError', async () => {
    const relay = relays.dot!;
    const before = relay.dots;
    const error = await sender('dot')
      .send(message, { idempotencyKey: 'dot-deadline', deadline: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousDeliveryError);
    expect(relay.dots - before).toBe(1);
  });
});
