// Written the way a user's own test suite would use the sandbox: the SDK client to send, the helper to look.
import { MailPlatform, NotFoundError } from '@mailplatform/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectSandbox, createSandbox, InboxTimeoutError, newTestKey, type Sandbox } from '../src/index.js';

let sandbox: Sandbox;
let client: MailPlatform;

beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, smtpPort: null });
  client = new MailPlatform({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, maxRetries: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.reset();
});

describe('the test helper on createSandbox()', () => {
  it('waits for the mail an SDK send produced and shows its content', async () => {
    const sent = await client.messages.send({
      from: 'Shop <ordre@shop.dk>',
      to: ['kunde@example.dk'],
      subject: 'Ordre #1042',
      html: '<p>Tak! <a href="https://shop.dk/o/1042">Se ordre</a></p>',
      tag: 'order-confirmation',
    });
    const mail = await sandbox.inbox.waitFor({ to: 'kunde@example.dk', tag: 'order-confirmation' });
    expect(mail.id).toBe(sent.id);
    expect(mail.subject).toBe('Ordre #1042');
    expect(mail.from).toEqual({ email: 'ordre@shop.dk', name: 'Shop' });
    expect(mail.links.map((link) => link.url)).toEqual(['https://shop.dk/o/1042']);
    expect(mail.html).toContain('/t/o/');
    expect(await sandbox.inbox.list({ subject: 'ordre' })).toHaveLength(1);
    expect(await sandbox.inbox.raw(sent.id)).toContain('Subject: Ordre #1042');
  });

  it('waits for a message that arrives later', async () => {
    const waiting = sandbox.inbox.waitFor({ subject: 'Velkommen', timeout: 10_000 });
    await client.messages.send({ from: 'a@shop.dk', to: 'x@example.dk', subject: 'Andet', text: '-' });
    const sent = await client.messages.send({
      from: 'a@shop.dk',
      to: 'ny@example.dk',
      subject: 'Velkommen',
      text: 'Hej',
    });
    expect((await waiting).id).toBe(sent.id);
  });

  it('throws InboxTimeoutError when nothing matches in time', async () => {
    const error = await sandbox.inbox.waitFor({ to: 'never@example.dk', timeout: 300 }).catch((e) => e);
    expect(error).toBeInstanceOf(InboxTimeoutError);
    expect(error).toMatchObject({
      code: 'inbox_timeout',
      timeoutMs: 300,
      filter: { to: 'never@example.dk' },
    });
    expect(error.message).toBe('No message matching {"to":"never@example.dk"} arrived within 300 ms');
  });

  it('advances the virtual clock through a soft-bounce sequence', async () => {
    await sandbox.clock.freeze();
    const start = await sandbox.clock.now();
    const sent = await client.messages.send({
      from: 'a@shop.dk',
      to: 'soft-bounce@sim.mailplatform.test',
      subject: 'Fuld postkasse',
      text: '-',
    });
    const state = await sandbox.clock.advance('PT72H');
    expect(Date.parse(state.now) - start.getTime()).toBe(72 * 60 * 60 * 1000);
    expect(state.frozen).toBe(true);
    const events = [];
    for await (const event of client.messages.events(sent.id)) events.push(event.type);
    expect(events.at(-1)).toBe('message.bounced');
    await sandbox.clock.advance(60_000);
    expect((await sandbox.clock.now()).getTime() - start.getTime()).toBe(72 * 60 * 60 * 1000 + 60_000);
    await sandbox.clock.freeze(false);
  });

  it('simulates an open and a click for a recipient', async () => {
    const sent = await client.messages.send({
      from: 'a@shop.dk',
      to: 'klik@example.dk',
      subject: 'Nyhed',
      html: '<a href="https://shop.dk/nyt">Nyt</a>',
    });
    const opened = await sandbox.simulate(sent.id, { recipient: 'klik@example.dk', event: 'open' });
    expect(opened).toMatchObject({ messageId: sent.id, recipient: 'klik@example.dk', event: 'open' });
    const clicked = await sandbox.simulate(sent.id, { event: 'click' });
    expect(clicked).toMatchObject({ recipient: 'klik@example.dk', event: 'click' });
    const clicks = await client.events.list({ messageId: sent.id, type: ['message.clicked'] });
    expect(clicks.data.map((event) => event.data)).toEqual([
      expect.objectContaining({ url: 'https://shop.dk/nyt', recipient: 'klik@example.dk' }),
    ]);
  });

  it('reset clears the namespace', async () => {
    await client.messages.send({ from: 'a@shop.dk', to: 'r@example.dk', subject: 'Før', text: '-' });
    await sandbox.reset();
    expect(await sandbox.inbox.list()).toEqual([]);
  });
});

describe('connectSandbox()', () => {
  it('gives another key its own namespace and typed errors', async () => {
    const apiKey = newTestKey();
    const other = connectSandbox({ url: `${sandbox.url}/`, apiKey });
    const otherClient = new MailPlatform({ apiKey, baseUrl: sandbox.url, maxRetries: 0 });
    await client.messages.send({ from: 'a@shop.dk', to: 'mine@example.dk', subject: 'Min', text: '-' });
    const theirs = await otherClient.messages.send({
      from: 'a@shop.dk',
      to: 'theirs@example.dk',
      subject: 'Deres',
      text: '-',
    });
    expect((await other.inbox.list()).map((m) => m.id)).toEqual([theirs.id]);
    const missing = await other.inbox.get('msg_01J00000000000000000000000').catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const bad = await other
      .simulate(theirs.id, { event: 'open', recipient: 'stranger@example.dk' })
      .catch((e) => e);
    expect(bad.status).toBe(422);
    expect(bad.errors).toEqual([
      { pointer: '/recipient', code: 'not_a_recipient', message: 'Not a recipient of this message' },
    ]);
  });
});
