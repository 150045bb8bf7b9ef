import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, ConfigError, TimeoutError } from '../src/errors.js';
import { ExportFailedError } from '../src/resources/exports.js';
import { API_KEY, BASE_URL, createApiServer, createClient, json } from './helpers.js';

const api = createApiServer();
const mp = createClient();

beforeAll(() => api.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.reset());
afterAll(() => api.server.close());

describe('pagination', () => {
  const pages: Record<string, { data: { id: string }[]; hasMore: boolean; nextCursor: string | null }> = {
    '': { data: [{ id: 'msg_1' }, { id: 'msg_2' }], hasMore: true, nextCursor: 'c1' },
    c1: { data: [{ id: 'msg_3' }, { id: 'msg_4' }], hasMore: true, nextCursor: 'c2' },
    c2: { data: [{ id: 'msg_5' }], hasMore: false, nextCursor: null },
  };

  it('for await walks 3 pages, repeating the filters with each cursor', async () => {
    api.reply((request) => json(pages[request.query.get('cursor') ?? '']!));
    const ids: string[] = [];
    for await (const message of mp.messages.list({ tag: 'order-confirmation', limit: 2 } as never)) {
      ids.push(message.id);
    }
    expect(ids).toEqual(['msg_1', 'msg_2', 'msg_3', 'msg_4', 'msg_5']);
    expect(api.requests.map((r) => r.search)).toEqual([
      'tag=order-confirmation&limit=2',
      'tag=order-confirmation&limit=2&cursor=c1',
      'tag=order-confirmation&limit=2&cursor=c2',
    ]);
  });

  it('await gives the first page only', async () => {
    api.reply((request) => json(pages[request.query.get('cursor') ?? '']!));
    const first = await mp.events.list();
    expect(first.data).toEqual(pages['']!.data);
    expect(first.hasNextPage()).toBe(true);
    expect(first.requestId).toBe('req_test');
    expect(api.requests).toHaveLength(1);
  });
});

describe('exports.waitFor', () => {
  const states = ['pending', 'processing', 'completed'];

  it('polls until completed and reports each state', async () => {
    api.reply((_, attempt) =>
      json({
        id: 'exp_1',
        status: states[Math.min(attempt, 3) - 1],
        ...(attempt >= 3 ? { rowCount: 412 } : {}),
      }),
    );
    const seen: string[] = [];
    const done = await mp.exports.waitFor('exp_1', { intervalMs: 1, onProgress: (e) => seen.push(e.status) });
    expect(done).toEqual({ id: 'exp_1', status: 'completed', rowCount: 412 });
    expect(seen).toEqual(['pending', 'processing', 'completed']);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(Array(3).fill('GET /v1/exports/exp_1'));
  });

  it('rejects with ExportFailedError when the export fails', async () => {
    api.reply((_, attempt) => json({ id: 'exp_2', status: attempt === 1 ? 'pending' : 'failed' }));
    const error = await mp.exports.waitFor('exp_2', { intervalMs: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(ExportFailedError);
    expect(error).toMatchObject({ code: 'export_failed', message: 'Export exp_2 failed' });
    expect(error.export).toEqual({ id: 'exp_2', status: 'failed' });
  });

  it('rejects with TimeoutError after timeoutMs', async () => {
    api.reply(() => json({ id: 'exp_3', status: 'pending' }));
    const error = await mp.exports.waitFor('exp_3', { intervalMs: 5, timeoutMs: 20 }).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'export_wait_timeout' });
    expect(error.message).toBe('Export exp_3 did not complete within 20 ms (last status: pending)');
    expect(new Set(api.requests.map((r) => r.path))).toEqual(new Set(['/v1/exports/exp_3']));
  });

  it('rejects with AbortError when the signal aborts between polls', async () => {
    api.reply(() => json({ id: 'exp_4', status: 'pending' }));
    const controller = new AbortController();
    const waiting = mp.exports.waitFor('exp_4', {
      intervalMs: 60_000,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(api.requests).toHaveLength(1);
  });
});

describe('the client', () => {
  it('never shows the API key in JSON or inspect', () => {
    const shown = [
      JSON.stringify(mp),
      inspect(mp),
      inspect(mp.messages, { depth: 10 }),
      inspect(mp, { depth: 10 }),
    ];
    for (const text of shown) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(API_KEY.slice('mp_test_'.length));
    }
    expect(JSON.parse(shown[0]!)).toEqual({
      baseUrl: BASE_URL,
      apiKey: 'mp_test_…9f2c',
      maxRetries: 2,
      deadline: 60_000,
    });
    expect(shown[1]).toContain('mp_test_…9f2c');
  });

  it('accepts a base URL ending in /v1 and fails fast on a malformed key', () => {
    expect(createClient({ baseUrl: `${BASE_URL}/v1/` }).baseUrl).toBe(BASE_URL);
    expect(() => createClient({ apiKey: 'sk_live_nope' })).toThrow(ConfigError);
  });
});
