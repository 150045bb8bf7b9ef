import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccountSchema,
  AddSuppressionsResponseSchema,
  BatchSendResponseSchema,
  BounceSchema,
  ChaosSchema,
  ClockSchema,
  EventSchema,
  ExportSchema,
  HealthSchema,
  InboxMessageSchema,
  InboxMessageSummarySchema,
  MessageSchema,
  ProblemSchema,
  pageSchema,
  RenderTemplateResponseSchema,
  SandboxWebhookDeliverySchema,
  SendMessageResponseSchema,
  SimulateResponseSchema,
  StatsResponseSchema,
  SuppressionSchema,
  TemplateSchema,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
} from '@mailplatform/sdk/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createSandbox, type Sandbox } from '../src/create-sandbox.js';

// Every JSON body the sandbox returns is parsed with the SDK's response schema: the schemas are the contract.
let sandbox: Sandbox;
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sandbox = await createSandbox({ port: 0, smtpPort: null, clock: { frozen: true } });
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${sandbox.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Calls the API, checks the status and parses the JSON body with `schema`. */
async function expectBody<T extends z.ZodType>(
  schema: T,
  status: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<z.output<T>> {
  const res = await request(method, path, body);
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBe(status);
  return schema.parse(JSON.parse(text));
}

const order = {
  from: 'Shop <ordre@shop.dk>',
  to: ['kunde@example.dk'],
  cc: [{ email: 'kopi@example.dk', name: 'Kopi' }],
  subject: 'Ordre #1042',
  html: '<p>Tak <a href="https://shop.dk/o/1042">se ordre</a></p>',
  text: 'Tak',
  tag: 'order-confirmation',
  metadata: { orderId: '1042' },
  headers: { 'X-Entity-Ref-ID': '1042' },
  attachments: [{ filename: 'faktura.txt', contentType: 'text/plain', content: 'aGVq' }],
};

describe('sandbox responses match the SDK schemas', () => {
  it('covers the /v1 API and the control API', async () => {
    const sent = await expectBody(SendMessageResponseSchema, 202, 'POST', '/v1/messages', order);
    const id = sent.id;

    const batch = await expectBody(BatchSendResponseSchema, 200, 'POST', '/v1/messages/batch', {
      validation: 'partial',
      messages: [order, { ...order, to: ['kunde@'] }],
    });
    expect(batch.results.map((r) => 'error' in r)).toEqual([false, true]);

    await expectBody(MessageSchema, 200, 'GET', `/v1/messages/${id}`);
    await expectBody(pageSchema(MessageSchema), 200, 'GET', '/v1/messages?limit=10');
    await expectBody(pageSchema(EventSchema), 200, 'GET', `/v1/messages/${id}/events`);
    await expectBody(pageSchema(EventSchema), 200, 'GET', '/v1/events');
    const raw = await request('GET', `/v1/messages/${id}/raw`);
    expect(raw.headers.get('content-type')).toMatch(/^message\/rfc822/);
    expect(await raw.text()).toContain('Subject: Ordre #1042');

    const template = await expectBody(TemplateSchema, 201, 'POST', '/v1/templates', {
      alias: 'order-confirmation',
      name: 'Ordrebekræftelse',
      subject: 'Ordre #{{orderNo}}',
      html: '<p>Ordre {{orderNo}}</p>',
    });
    await expectBody(TemplateSchema, 200, 'GET', `/v1/templates/${template.alias}`);
    await expectBody(pageSchema(TemplateSchema), 200, 'GET', '/v1/templates');
    const rendered = await expectBody(
      RenderTemplateResponseSchema,
      200,
      'POST',
      `/v1/templates/${template.id}/render`,
      { data: {} },
    );
    expect(rendered.missingVariables).toEqual(['orderNo']);

    await expectBody(StatsResponseSchema, 200, 'GET', '/v1/stats?groupBy=tag');

    const bounced = await expectBody(SendMessageResponseSchema, 202, 'POST', '/v1/messages', {
      ...order,
      to: ['hard-bounce@sim.mailplatform.test'],
      cc: [],
    });
    await expectBody(ClockSchema, 200, 'POST', '/sandbox/v1/clock', { advance: 'PT1M' });
    const bounces = await expectBody(pageSchema(BounceSchema), 200, 'GET', '/v1/bounces');
    expect(bounces.data.map((b) => b.messageId)).toEqual([bounced.id]);
    const bouncedView = await expectBody(MessageSchema, 200, 'GET', `/v1/messages/${bounced.id}`);
    expect(bouncedView.status).toBe('bounced');
    expect(bouncedView.recipients[0]?.bounce).toMatchObject({ class: 'hard', type: 'mailbox_not_found' });
    const suppressed = await expectBody(SendMessageResponseSchema, 202, 'POST', '/v1/messages', {
      ...order,
      to: ['hard-bounce@sim.mailplatform.test'],
      cc: [],
    });
    const suppressedView = await expectBody(MessageSchema, 200, 'GET', `/v1/messages/${suppressed.id}`);
    expect(suppressedView.status).toBe('suppressed');
    expect(suppressedView.recipients[0]?.suppression).toMatchObject({ reason: 'hard_bounce' });

    const added = await expectBody(AddSuppressionsResponseSchema, 200, 'POST', '/v1/suppressions', {
      emails: ['gammel@example.dk'],
    });
    expect(added.created).toBe(1);
    await expectBody(pageSchema(SuppressionSchema), 200, 'GET', '/v1/suppressions');
    await expectBody(SuppressionSchema, 200, 'GET', '/v1/suppressions/gammel@example.dk');

    const created = await expectBody(ExportSchema, 202, 'POST', '/v1/exports', {
      type: 'invalid_addresses',
      format: 'csv',
    });
    await expectBody(ExportSchema, 200, 'GET', `/v1/exports/${created.id}`);

    const endpoint = await expectBody(WebhookEndpointWithSecretSchema, 201, 'POST', '/v1/webhooks', {
      url: `${receiverUrl}/hooks`,
      events: ['message.opened'],
    });
    await expectBody(pageSchema(WebhookEndpointSchema), 200, 'GET', '/v1/webhooks');

    await expectBody(AccountSchema, 200, 'GET', '/v1/me');

    const inbox = await expectBody(pageSchema(InboxMessageSummarySchema), 200, 'GET', '/sandbox/v1/inbox');
    expect(inbox.data.map((m) => m.id)).toContain(id);
    const captured = await expectBody(InboxMessageSchema, 200, 'GET', `/sandbox/v1/inbox/${id}`);
    expect(captured.headers).toContainEqual({ name: 'X-Entity-Ref-ID', value: '1042' });

    await expectBody(ClockSchema, 200, 'GET', '/sandbox/v1/clock');
    await expectBody(ChaosSchema, 200, 'GET', '/sandbox/v1/chaos');
    await expectBody(ChaosSchema, 200, 'PUT', '/sandbox/v1/chaos', { http: { latencyMs: 0 } });

    const simulated = await expectBody(
      SimulateResponseSchema,
      202,
      'POST',
      `/sandbox/v1/messages/${id}/simulate`,
      { recipient: 'kunde@example.dk', event: 'open' },
    );
    expect(simulated.event).toBe('open');
    await expectBody(ClockSchema, 200, 'POST', '/sandbox/v1/clock', { advance: 'PT1S' });
    // Deliveries go out off the request path: wait for the ones in flight before reading the log.
    await sandbox.core.webhooks.settled();

    const deliveries = await expectBody(
      pageSchema(WebhookDeliverySchema),
      200,
      'GET',
      `/v1/webhooks/${endpoint.id}/deliveries`,
    );
    expect(deliveries.data.length).toBeGreaterThan(0);
    const logged = await expectBody(
      pageSchema(SandboxWebhookDeliverySchema),
      200,
      'GET',
      '/sandbox/v1/webhook-deliveries',
    );
    const replayed = await expectBody(
      SandboxWebhookDeliverySchema,
      202,
      'POST',
      `/sandbox/v1/webhook-deliveries/${logged.data[0]?.id}/replay`,
    );
    expect(replayed.eventId).toBe(logged.data[0]?.eventId);

    await expectBody(HealthSchema, 200, 'GET', '/sandbox/v1/healthz');

    const next = await request('POST', '/sandbox/v1/chaos/next', { phase: 'rcptTo', code: 451 });
    expect([next.status, await next.text()]).toEqual([204, '']);
    const reset = await request('POST', '/sandbox/v1/reset');
    expect([reset.status, await reset.text()]).toEqual([204, '']);
  });

  it('answers errors with problem+json', async () => {
    const res = await request('GET', '/v1/messages/msg_01JPA6Q3W8C2M9Y4V7T1H5K0ZD');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(ProblemSchema.parse(await res.json())).toMatchObject({ status: 404, code: 'not_found' });
  });
});
