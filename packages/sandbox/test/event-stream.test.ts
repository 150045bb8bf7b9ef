import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, newTestKey, type Sandbox } from '../src/create-sandbox.js';

interface SseFrame {
  id: string;
  event: string;
  data: { id: string; type: string; data: Record<string, unknown> };
}

let sandbox: Sandbox;
const controllers: AbortController[] = [];

beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, smtpPort: null, clock: { frozen: true } });
});

afterAll(async () => {
  for (const controller of controllers) controller.abort();
  await sandbox.close();
});

async function send(key: string, to: string): Promise<string> {
  const res = await fetch(`${sandbox.url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'ordre@shop.dk', to: [to], subject: 'Hej', text: 'Tak' }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** Opens the stream and returns a reader that yields parsed frames (comments and `retry:` skipped). */
async function openStream(key: string, query = '', headers: Record<string, string> = {}) {
  const controller = new AbortController();
  controllers.push(controller);
  const res = await fetch(`${sandbox.url}/v1/events/stream${query}`, {
    headers: { authorization: `Bearer ${key}`, ...headers },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<SseFrame> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map(
          block
            .split('\n')
            .filter((line) => !line.startsWith(':'))
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)] as const),
        );
        if (!fields.has('data')) continue;
        return {
          id: fields.get('id')!,
          event: fields.get('event')!,
          data: JSON.parse(fields.get('data')!) as SseFrame['data'],
        };
      }
      const { done, value } = await reader.read();
      if (done) throw new Error('The stream ended');
      buffer += value;
    }
  };
  return { next, close: () => controller.abort() };
}

describe('GET /v1/events/stream', () => {
  it('needs an API key', async () => {
    const res = await fetch(`${sandbox.url}/v1/events/stream`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('unauthenticated');
  });

  it('rejects a bad since with 400 invalid_query', async () => {
    const res = await fetch(`${sandbox.url}/v1/events/stream?since=yesterday`, {
      headers: { authorization: `Bearer ${newTestKey()}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('invalid_query');
  });

  it('streams live events of its own namespace only', async () => {
    const key = newTestKey();
    const stream = await openStream(key);
    await send(newTestKey(), 'other@example.dk');
    const messageId = await send(key, 'kunde@example.dk');
    const frame = await stream.next();
    expect(frame.event).toBe('message.queued');
    expect(frame.id).toBe(frame.data.id);
    expect(frame.data).toMatchObject({
      type: 'message.queued',
      data: { messageId, recipient: 'kunde@example.dk' },
    });
    stream.close();
  });

  it('resumes after Last-Event-ID from the log, then follows live events, filtered by type', async () => {
    const key = newTestKey();
    const first = await send(key, 'en@example.dk');
    const second = await send(key, 'to@example.dk');
    const log = (await (
      await fetch(`${sandbox.url}/v1/events?order=asc`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { data: { id: string; data: { messageId: string } }[] };
    const firstEvent = log.data.find((e) => e.data.messageId === first)!;

    const resumed = await openStream(key, '?type=message.queued', { 'Last-Event-ID': firstEvent.id });
    expect((await resumed.next()).data.data.messageId).toBe(second);
    const third = await send(key, 'tre@example.dk');
    expect((await resumed.next()).data.data.messageId).toBe(third);
    resumed.close();

    const since = await openStream(key, `?since=${firstEvent.id}&type=message.queued`);
    expect((await since.next()).data.data.messageId).toBe(second);
    since.close();
  });

  it('ends open streams when the sandbox closes', async () => {
    const other = await createSandbox({ port: 0, smtpPort: null });
    const res = await fetch(`${other.url}/v1/events/stream`, {
      headers: { authorization: `Bearer ${newTestKey()}` },
    });
    const reader = res.body!.getReader();
    await reader.read();
    await other.close();
    await expect(
      (async () => {
        for (let i = 0; i < 100; i++) if ((await reader.read()).done) return 'ended';
        return 'still open';
      })(),
    ).resolves.toBe('ended');
  });
});
