import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MailPlatform } from '../src/client.js';
import { NotFoundError } from '../src/errors.js';
import { API_KEY, createApiServer, createClient, json, problem } from './helpers.js';

const api = createApiServer();
const mp = createClient();

beforeAll(() => api.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.reset());
afterAll(() => api.server.close());

const page = <T>(data: T[]) => ({ data, hasMore: false, nextCursor: null });

interface Case {
  name: string;
  run: (client: MailPlatform) => Promise<unknown>;
  method: string;
  path: string;
  /** The decoded query string. */
  search?: string;
  body?: unknown;
  reply: () => Response;
  expected: unknown;
}

const TEMPLATE = { id: 'tmpl_1', alias: 'order-confirmation', version: 2 };
const ENDPOINT = { id: 'wh_1', url: 'https://shop.dk/hooks', events: ['message.bounced'], enabled: true };
const DELIVERY = { id: 'whd_1', webhookId: 'wh_1', eventId: 'evt_1', attempt: 1, status: 'succeeded' };
const EXPORT = { id: 'exp_1', status: 'pending' };
const SUPPRESSION = {
  id: 'sup_1',
  email: 'gammel@example.dk',
  stream: 'transactional',
  reason: 'hard_bounce',
};

const cases: Case[] = [
  {
    name: 'messages.get',
    run: (c) => c.messages.get('msg_1'),
    method: 'GET',
    path: '/v1/messages/msg_1',
    reply: () => json({ id: 'msg_1' }),
    expected: { id: 'msg_1' },
  },
  {
    name: 'messages.list (metadata[key]=v, since as Date)',
    run: async (c) =>
      (
        await c.messages.list({
          recipient: 'kunde@example.dk',
          tag: 'order-confirmation',
          metadata: { orderId: '1042', crmId: 'A-77' },
          since: new Date('2025-03-01T00:00:00.000Z'),
          limit: 10,
        } as never)
      ).data,
    method: 'GET',
    path: '/v1/messages',
    search:
      'recipient=kunde@example.dk&tag=order-confirmation&metadata[orderId]=1042&metadata[crmId]=A-77&since=2025-03-01T00:00:00.000Z&limit=10',
    reply: () => json(page([{ id: 'msg_1' }])),
    expected: [{ id: 'msg_1' }],
  },
  {
    name: 'messages.events',
    run: async (c) => (await c.messages.events('msg_1', { limit: 5 })).data,
    method: 'GET',
    path: '/v1/messages/msg_1/events',
    search: 'limit=5',
    reply: () => json(page([{ id: 'evt_1' }])),
    expected: [{ id: 'evt_1' }],
  },
  {
    name: 'messages.raw',
    run: (c) => c.messages.raw('msg_1'),
    method: 'GET',
    path: '/v1/messages/msg_1/raw',
    reply: () => new Response('Subject: Hej\r\n\r\nbody', { headers: { 'content-type': 'message/rfc822' } }),
    expected: 'Subject: Hej\r\n\r\nbody',
  },
  {
    name: 'messages.cancel',
    run: (c) => c.messages.cancel('msg_1'),
    method: 'POST',
    path: '/v1/messages/msg_1/cancel',
    reply: () => json({ id: 'msg_1', status: 'cancelled' }),
    expected: { id: 'msg_1', status: 'cancelled' },
  },
  {
    name: 'events.list (arrays repeat the key)',
    run: async (c) =>
      (await c.events.list({ type: ['message.bounced', 'message.delivered'], messageId: 'msg_1' } as never))
        .data,
    method: 'GET',
    path: '/v1/events',
    search: 'type=message.bounced&type=message.delivered&messageId=msg_1',
    reply: () => json(page([{ id: 'evt_1' }])),
    expected: [{ id: 'evt_1' }],
  },
  {
    name: 'templates.list',
    run: async (c) => (await c.templates.list({ limit: 2 } as never)).data,
    method: 'GET',
    path: '/v1/templates',
    search: 'limit=2',
    reply: () => json(page([TEMPLATE])),
    expected: [TEMPLATE],
  },
  {
    name: 'templates.get (alias is encoded)',
    run: (c) => c.templates.get('ordre/bekræftelse'),
    method: 'GET',
    path: '/v1/templates/ordre%2Fbekr%C3%A6ftelse',
    reply: () => json(TEMPLATE),
    expected: TEMPLATE,
  },
  {
    name: 'templates.create',
    run: (c) =>
      c.templates.create({ alias: 'order-confirmation', name: 'Ordre', subject: 'Ordre {{n}}' } as never),
    method: 'POST',
    path: '/v1/templates',
    body: { alias: 'order-confirmation', name: 'Ordre', subject: 'Ordre {{n}}' },
    reply: () => json(TEMPLATE, 201),
    expected: TEMPLATE,
  },
  {
    name: 'templates.update',
    run: (c) => c.templates.update('order-confirmation', { subject: 'Ny' } as never),
    method: 'PATCH',
    path: '/v1/templates/order-confirmation',
    body: { subject: 'Ny' },
    reply: () => json({ ...TEMPLATE, version: 3 }),
    expected: { ...TEMPLATE, version: 3 },
  },
  {
    name: 'templates.remove',
    run: (c) => c.templates.remove('tmpl_1'),
    method: 'DELETE',
    path: '/v1/templates/tmpl_1',
    reply: () => new Response(null, { status: 204 }),
    expected: undefined,
  },
  {
    name: 'templates.render',
    run: (c) => c.templates.render('order-confirmation', { data: { orderNo: 1042 } } as never),
    method: 'POST',
    path: '/v1/templates/order-confirmation/render',
    body: { data: { orderNo: 1042 } },
    reply: () =>
      json({ subject: 'Ordre 1042', html: '<p>1042</p>', text: '1042', missingVariables: [], warnings: [] }),
    expected: {
      subject: 'Ordre 1042',
      html: '<p>1042</p>',
      text: '1042',
      missingVariables: [],
      warnings: [],
    },
  },
  {
    name: 'stats.get',
    run: (c) =>
      c.stats.get({ interval: 'day', groupBy: 'tag', since: '2025-03-01', until: '2025-03-31' } as never),
    method: 'GET',
    path: '/v1/stats',
    search: 'interval=day&groupBy=tag&since=2025-03-01&until=2025-03-31',
    reply: () => json({ series: [] }),
    expected: { series: [] },
  },
  {
    name: 'bounces.list',
    run: async (c) => (await c.bounces.list({ class: 'hard', since: '2025-03-01' } as never)).data,
    method: 'GET',
    path: '/v1/bounces',
    search: 'class=hard&since=2025-03-01',
    reply: () => json(page([{ id: 'evt_9' }])),
    expected: [{ id: 'evt_9' }],
  },
  {
    name: 'suppressions.list',
    run: async (c) => (await c.suppressions.list({ reason: 'hard_bounce' } as never)).data,
    method: 'GET',
    path: '/v1/suppressions',
    search: 'reason=hard_bounce',
    reply: () => json(page([SUPPRESSION])),
    expected: [SUPPRESSION],
  },
  {
    name: 'suppressions.add',
    run: (c) => c.suppressions.add({ suppressions: [{ email: 'a@example.dk', reason: 'manual' }] } as never),
    method: 'POST',
    path: '/v1/suppressions',
    body: { suppressions: [{ email: 'a@example.dk', reason: 'manual' }] },
    reply: () => json({ created: 1 }, 201),
    expected: { created: 1 },
  },
  {
    name: 'suppressions.remove (email encoded, stream and force)',
    run: (c) => c.suppressions.remove('a+b@example.dk', { stream: 'transactional', force: true }),
    method: 'DELETE',
    path: '/v1/suppressions/a%2Bb%40example.dk',
    search: 'stream=transactional&force=true',
    reply: () => new Response(null, { status: 204 }),
    expected: undefined,
  },
  {
    name: 'suppressions.check (suppressed)',
    run: (c) => c.suppressions.check('gammel@example.dk'),
    method: 'GET',
    path: '/v1/suppressions/gammel%40example.dk',
    reply: () => json(SUPPRESSION),
    expected: { ...SUPPRESSION, suppressed: true },
  },
  {
    name: 'suppressions.check (404 = not suppressed)',
    run: (c) => c.suppressions.check('ny@example.dk', { stream: 'transactional' }),
    method: 'GET',
    path: '/v1/suppressions/ny%40example.dk',
    search: 'stream=transactional',
    reply: () => problem(404, 'not_found'),
    expected: { suppressed: false },
  },
  {
    name: 'exports.create',
    run: (c) => c.exports.create({ type: 'invalid_addresses', format: 'csv' } as never),
    method: 'POST',
    path: '/v1/exports',
    body: { type: 'invalid_addresses', format: 'csv' },
    reply: () => json(EXPORT, 202),
    expected: EXPORT,
  },
  {
    name: 'exports.get',
    run: (c) => c.exports.get('exp_1'),
    method: 'GET',
    path: '/v1/exports/exp_1',
    reply: () => json(EXPORT),
    expected: EXPORT,
  },
  {
    name: 'exports.download (bytes)',
    run: (c) => c.exports.download('exp_1'),
    method: 'GET',
    path: '/v1/exports/exp_1/download',
    reply: () =>
      new Response(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), { headers: { 'content-type': 'text/csv' } }),
    expected: new Uint8Array([0xef, 0xbb, 0xbf, 0x61]),
  },
  {
    name: 'webhookEndpoints.list',
    run: async (c) => (await c.webhookEndpoints.list({ limit: 3 })).data,
    method: 'GET',
    path: '/v1/webhooks',
    search: 'limit=3',
    reply: () => json(page([ENDPOINT])),
    expected: [ENDPOINT],
  },
  {
    name: 'webhookEndpoints.get',
    run: (c) => c.webhookEndpoints.get('wh_1'),
    method: 'GET',
    path: '/v1/webhooks/wh_1',
    reply: () => json(ENDPOINT),
    expected: ENDPOINT,
  },
  {
    name: 'webhookEndpoints.create',
    run: (c) => c.webhookEndpoints.create({ url: ENDPOINT.url, events: ENDPOINT.events } as never),
    method: 'POST',
    path: '/v1/webhooks',
    body: { url: ENDPOINT.url, events: ENDPOINT.events },
    reply: () => json({ ...ENDPOINT, secret: 'whsec_c2VjcmV0' }, 201),
    expected: { ...ENDPOINT, secret: 'whsec_c2VjcmV0' },
  },
  {
    name: 'webhookEndpoints.update',
    run: (c) => c.webhookEndpoints.update('wh_1', { enabled: false } as never),
    method: 'PATCH',
    path: '/v1/webhooks/wh_1',
    body: { enabled: false },
    reply: () => json({ ...ENDPOINT, enabled: false }),
    expected: { ...ENDPOINT, enabled: false },
  },
  {
    name: 'webhookEndpoints.remove',
    run: (c) => c.webhookEndpoints.remove('wh_1'),
    method: 'DELETE',
    path: '/v1/webhooks/wh_1',
    reply: () => new Response(null, { status: 204 }),
    expected: undefined,
  },
  {
    name: 'webhookEndpoints.test',
    run: (c) => c.webhookEndpoints.test('wh_1'),
    method: 'POST',
    path: '/v1/webhooks/wh_1/test',
    reply: () => json(DELIVERY),
    expected: DELIVERY,
  },
  {
    name: 'webhookEndpoints.deliveries',
    run: async (c) => (await c.webhookEndpoints.deliveries('wh_1', { status: 'failed' } as never)).data,
    method: 'GET',
    path: '/v1/webhooks/wh_1/deliveries',
    search: 'status=failed',
    reply: () => json(page([DELIVERY])),
    expected: [DELIVERY],
  },
  {
    name: 'webhookEndpoints.retryDelivery',
    run: (c) => c.webhookEndpoints.retryDelivery('wh_1', 'whd_1'),
    method: 'POST',
    path: '/v1/webhooks/wh_1/deliveries/whd_1/retry',
    reply: () => json({ ...DELIVERY, attempt: 2 }),
    expected: { ...DELIVERY, attempt: 2 },
  },
  {
    name: 'webhookEndpoints.rotateSecret',
    run: (c) => c.webhookEndpoints.rotateSecret('wh_1'),
    method: 'POST',
    path: '/v1/webhooks/wh_1/rotate-secret',
    reply: () => json({ ...ENDPOINT, secret: 'whsec_bmV3' }),
    expected: { ...ENDPOINT, secret: 'whsec_bmV3' },
  },
  {
    name: 'account.get',
    run: (c) => c.account.get(),
    method: 'GET',
    path: '/v1/me',
    reply: () => json({ keyPrefix: 'mp_test_…9f2c', mode: 'test' }),
    expected: { keyPrefix: 'mp_test_…9f2c', mode: 'test' },
  },
];

describe('every resource method', () => {
  it.each(cases)('$name', async (c) => {
    api.reply(c.reply);
    const result = await c.run(mp);
    expect(result).toEqual(c.expected);
    expect(api.requests).toHaveLength(1);
    const request = api.requests[0]!;
    expect(request.method).toBe(c.method);
    expect(request.path).toBe(c.path);
    expect(request.search).toBe(c.search ?? '');
    expect(request.body).toEqual(c.body);
    expect(request.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(request.headers.get('user-agent')).toMatch(/^mailplatform-node\/\d+\.\d+\.\d+ /);
    expect(request.headers.get('x-mp-retry-count')).toBe('0');
    const key = request.headers.get('idempotency-key');
    if (c.method === 'POST') expect(key).toMatch(/^mpk_[0-9a-f-]{36}$/);
    else expect(key).toBeNull();
  });
});

describe('retries and idempotency keys', () => {
  it('retries a POST with the same generated key and counts the attempts', async () => {
    api.reply((_, attempt) => (attempt === 1 ? problem(503, 'unavailable') : json(EXPORT, 202)));
    await expect(mp.exports.create({ type: 'bounces', format: 'ndjson' } as never)).resolves.toEqual(EXPORT);
    expect(api.requests).toHaveLength(2);
    const [first, second] = api.requests;
    expect(first!.headers.get('idempotency-key')).toMatch(/^mpk_/);
    expect(second!.headers.get('idempotency-key')).toBe(first!.headers.get('idempotency-key'));
    expect(second!.headers.get('x-mp-retry-count')).toBe('1');
  });

  it('sends the caller key on every attempt of a POST', async () => {
    api.reply((_, attempt) => (attempt < 3 ? problem(500, 'internal_error') : json(ENDPOINT, 201)));
    await mp.webhookEndpoints.create({ url: ENDPOINT.url, events: [] } as never, {
      idempotencyKey: 'crm/wh/1',
    });
    expect(api.requests.map((r) => r.headers.get('idempotency-key'))).toEqual([
      'crm/wh/1',
      'crm/wh/1',
      'crm/wh/1',
    ]);
  });

  it('gives up after maxRetries and throws the typed error with attempts', async () => {
    api.reply(() => problem(404, 'not_found'));
    const error = await mp.templates.get('missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'not_found', attempts: 1, requestId: 'req_problem' });
    expect(api.requests).toHaveLength(1);
  });

  it('suppressions.check rethrows everything but a 404', async () => {
    api.reply(() => problem(401, 'unauthenticated'));
    await expect(mp.suppressions.check('a@example.dk')).rejects.toMatchObject({
      name: 'AuthenticationError',
      status: 401,
    });
  });
});
