import { createServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/create-sandbox.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const USER_UNKNOWN =
  '5.1.1 <gone@example.dk>: Recipient address rejected: User unknown in virtual mailbox table';
const received: Received[] = [];
const rcptSeen: string[] = [];

function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

const relay = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onRcptTo(address, _session, callback) {
    rcptSeen.push(address.address);
    if (address.address === 'gone@example.dk') return callback(reply(550, USER_UNKNOWN));
    if (address.address === 'full@example.dk') return callback(reply(452, '4.2.2 Mailbox full'));
    callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received.push({
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString(),
      });
      callback();
    });
  },
});

let sandbox: Sandbox;
let relayPort = 0;

async function api(path: string, init: RequestInit = {}, target: Sandbox = sandbox): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${target.apiKey}`);
  headers.set('content-type', 'application/json');
  return fetch(`${target.url}${path}`, { ...init, headers });
}

async function json(path: string, init: RequestInit = {}, target: Sandbox = sandbox) {
  const res = await api(path, init, target);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayPort = (relay.server.address() as { port: number }).port;
  sandbox = await createSandbox({ port: 0, smtpPort: null, relay: `smtp://127.0.0.1:${relayPort}` });
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
});

describe('--relay', { timeout: 20_000 }, () => {
  it('hands the tracked MIME to the relay and records delivered / bounced / deferred', async () => {
    const sent = await json('/v1/messages', {
      method: 'POST',
      body: JSON.stringify({
        from: 'Shop <ordre@shop.dk>',
        to: ['ok@example.dk', 'gone@example.dk', 'full@example.dk', 'delivered@sim.mailplatform.test'],
        subject: 'Ordre #1042',
        html: '<p>Tak <a href="https://shop.dk/o/1042">se ordre</a></p>',
        tag: 'relay',
      }),
    });
    await sandbox.core.pipeline.settled();

    expect(rcptSeen.sort()).toEqual(['full@example.dk', 'gone@example.dk', 'ok@example.dk']);
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail!.from).toBe('ordre@shop.dk');
    expect(mail!.to).toEqual(['ok@example.dk']);
    expect(mail!.raw).not.toMatch(/^X-MP-/im);
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.subject).toBe('Ordre #1042');
    expect(parsed.html).toContain(`${sandbox.url}/t/c/`);
    expect(parsed.html).toContain(`${sandbox.url}/t/o/`);
    expect(parsed.html).not.toContain('href="https://shop.dk/o/1042"');

    const events = (await json(`/v1/messages/${sent.id}/events`)).data as {
      type: string;
      data: Record<string, unknown>;
    }[];
    const of = (recipient: string) =>
      events.filter((e) => e.data.recipient === recipient && e.type !== 'message.queued');

    expect(of('ok@example.dk').map((e) => e.type)).toEqual(['message.delivered']);
    expect(of('ok@example.dk')[0]!.data).toMatchObject({ remoteMta: '127.0.0.1', attempts: 1 });
    expect(of('ok@example.dk')[0]!.data.smtpResponse).toMatch(/^250 /);

    expect(of('gone@example.dk').map((e) => e.type)).toEqual(['message.bounced']);
    expect(of('gone@example.dk')[0]!.data.bounce).toMatchObject({
      class: 'hard',
      type: 'mailbox_not_found',
      smtpCode: 550,
      enhancedCode: '5.1.1',
      phase: 'rcpt',
      remoteMta: '127.0.0.1',
      attempts: 1,
    });
    expect(of('gone@example.dk')[0]!.data.suppression).toEqual({ created: true, reason: 'hard_bounce' });
    const suppression = await json('/v1/suppressions/gone@example.dk');
    expect(suppression).toMatchObject({ reason: 'hard_bounce' });

    expect(of('full@example.dk').map((e) => e.type)).toEqual(['message.deferred']);
    expect(of('full@example.dk')[0]!.data).toMatchObject({
      smtpCode: 452,
      enhancedCode: '4.2.2',
      reason: 'mailbox_full',
      phase: 'rcpt',
      attempt: 1,
    });
    expect((await api('/v1/suppressions/full@example.dk')).status).toBe(404);

    const inbox = await json('/sandbox/v1/inbox');
    expect(inbox.data.map((m: { id: string }) => m.id)).toContain(sent.id);
  });

  it('records a deferral when the relay refuses the connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await createSandbox({ port: 0, smtpPort: null, relay: `smtp://127.0.0.1:${port}` });
    try {
      const body = JSON.stringify({ from: 'a@shop.dk', to: ['x@example.dk'], subject: 'S', text: 't' });
      const { id } = await json('/v1/messages', { method: 'POST', body }, down);
      await down.core.pipeline.settled();
      const events = (await json(`/v1/messages/${id}/events`, {}, down)).data as {
        type: string;
        data: Record<string, unknown>;
      }[];
      expect(events.map((e) => e.type)).toEqual(['message.queued', 'message.deferred']);
      expect(events[1]!.data).toMatchObject({
        reason: 'host_unreachable',
        rule: 'transport:connection_refused',
        phase: 'connect',
        remoteMta: '127.0.0.1',
        attempt: 1,
      });
    } finally {
      await down.close();
    }
  });

  it('refuses a relay that is not a loopback address unless allowRemoteRelay is set', async () => {
    await expect(
      createSandbox({ port: 0, smtpPort: null, relay: 'smtp://mail.example.com:25' }),
    ).rejects.toThrow(
      'relay host mail.example.com is not a loopback address; pass allowRemoteRelay (--allow-remote-relay) to relay elsewhere',
    );
    await expect(createSandbox({ port: 0, smtpPort: null, relay: 'http://127.0.0.1:25' })).rejects.toThrow(
      'relay must be smtp://host:port, got "http://127.0.0.1:25"',
    );
  });
});
