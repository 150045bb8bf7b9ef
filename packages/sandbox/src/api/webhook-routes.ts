import { randomBytes } from 'node:crypto';
import {
  CreateWebhookEndpointRequestSchema,
  TestWebhookRequestSchema,
  UpdateWebhookEndpointRequestSchema,
} from '@mailplatform/sdk/schemas';
import type { SandboxCore } from '../core/sandbox-core.js';
import { parseBody } from '../http/parse-body.js';
import { ProblemError } from '../http/problem.js';
import { json, type RequestContext, type Route } from '../http/types.js';
import { pageRequest } from '../storage/pagination.js';
import { RESPONSE_LOG_BYTES, ROTATED_SECRET_OVERLAP_MS } from '../webhooks/webhook-dispatcher.js';
import type {
  DeliveryFilters,
  StoredWebhookDelivery,
  StoredWebhookEndpoint,
  WebhookDeliveryStatus,
} from '../webhooks/webhook-store.js';

const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['succeeded', 'failed', 'pending'];

/** `whsec_` + base64 of 32 random bytes (Standard Webhooks allows 24–64). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The contract's WebhookEndpoint (§12); secrets never appear here. */
export function webhookEndpointView(endpoint: StoredWebhookEndpoint): Record<string, unknown> {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    streams: endpoint.streams,
    description: endpoint.description,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

function truncate(text: string): string {
  return text.length > RESPONSE_LOG_BYTES ? `${text.slice(0, RESPONSE_LOG_BYTES)}…` : text;
}

/** The contract's delivery record plus the request and response as the log shows them. */
export function webhookDeliveryView(delivery: StoredWebhookDelivery): Record<string, unknown> {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    attempt: delivery.attempt,
    status: delivery.status,
    responseStatus: delivery.responseStatus,
    durationMs: delivery.durationMs,
    nextAttemptAt: delivery.nextAttemptAt,
    error: delivery.error,
    createdAt: delivery.createdAt,
    trigger: delivery.trigger,
    request: { url: delivery.url, headers: delivery.requestHeaders, body: truncate(delivery.payload) },
    response:
      delivery.responseStatus === null
        ? null
        : { status: delivery.responseStatus, body: delivery.responseBody ?? '' },
  };
}

/** `SandboxWebhookDelivery`: the delivery record with the exact request and response bodies. */
export function sandboxWebhookDeliveryView(delivery: StoredWebhookDelivery): Record<string, unknown> {
  const { request: _request, response: _response, ...record } = webhookDeliveryView(delivery);
  return {
    ...record,
    url: delivery.url,
    requestHeaders: delivery.requestHeaders,
    requestBody: delivery.payload,
    responseBody: delivery.responseBody,
  };
}

function ns(ctx: RequestContext): string {
  return ctx.auth!.namespace;
}

function deliveryFilters(ctx: RequestContext): DeliveryFilters {
  const filters: DeliveryFilters = {};
  const status = ctx.query.get('status');
  if (status !== null) {
    if (!DELIVERY_STATUSES.includes(status as WebhookDeliveryStatus)) {
      throw new ProblemError(400, 'invalid_query', {
        detail: `status must be one of ${DELIVERY_STATUSES.join(', ')}`,
      });
    }
    filters.status = status as WebhookDeliveryStatus;
  }
  const eventId = ctx.query.get('eventId');
  if (eventId) filters.eventId = eventId;
  return filters;
}

export function webhookRoutes(core: SandboxCore): Route[] {
  const store = core.webhooks.store;

  const find = (ctx: RequestContext): StoredWebhookEndpoint => {
    const id = ctx.params.id!;
    const found = store.endpoint(ns(ctx), id);
    if (!found) throw new ProblemError(404, 'not_found', { detail: `No webhook endpoint ${id}` });
    return found;
  };

  const findDelivery = (ctx: RequestContext, id: string, webhookId?: string): StoredWebhookDelivery => {
    const found = store.delivery(ns(ctx), id);
    if (!found || (webhookId !== undefined && found.webhookId !== webhookId)) {
      throw new ProblemError(404, 'not_found', { detail: `No webhook delivery ${id}` });
    }
    return found;
  };

  const replay = async (
    ctx: RequestContext,
    delivery: StoredWebhookDelivery,
    view: (delivery: StoredWebhookDelivery) => Record<string, unknown>,
  ) => {
    if (!store.endpoint(ns(ctx), delivery.webhookId)) {
      throw new ProblemError(404, 'not_found', { detail: `No webhook endpoint ${delivery.webhookId}` });
    }
    return json(202, view(await core.webhooks.retry(ns(ctx), delivery)));
  };

  return [
    {
      method: 'GET',
      path: '/v1/webhooks',
      auth: 'key',
      handler: (ctx) =>
        json(200, {
          data: store.endpoints(ns(ctx)).map(webhookEndpointView),
          hasMore: false,
          nextCursor: null,
        }),
    },
    {
      method: 'POST',
      path: '/v1/webhooks',
      auth: 'key',
      idempotent: true,
      handler: (ctx) => {
        const input = parseBody(CreateWebhookEndpointRequestSchema, ctx.body);
        const now = core.clock.iso();
        const secret = newWebhookSecret();
        const endpoint: StoredWebhookEndpoint = {
          id: core.ids.next('wh'),
          url: input.url,
          events: [...new Set(input.events)],
          streams: [...new Set(input.streams)],
          description: input.description ?? null,
          enabled: input.enabled,
          disabledReason: null,
          createdAt: now,
          updatedAt: now,
          secrets: [{ secret, expiresAt: null }],
        };
        store.addEndpoint(ns(ctx), endpoint);
        return json(201, { ...webhookEndpointView(endpoint), secret });
      },
    },
    {
      method: 'GET',
      path: '/v1/webhooks/:id',
      auth: 'key',
      handler: (ctx) => json(200, webhookEndpointView(find(ctx))),
    },
    {
      method: 'PATCH',
      path: '/v1/webhooks/:id',
      auth: 'key',
      handler: (ctx) => {
        const endpoint = find(ctx);
        const input = parseBody(UpdateWebhookEndpointRequestSchema, ctx.body);
        const updated: StoredWebhookEndpoint = {
          ...endpoint,
          ...(input.url !== undefined ? { url: input.url } : {}),
          ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
          ...(input.streams !== undefined ? { streams: [...new Set(input.streams)] } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          ...(input.enabled === true ? { disabledReason: null } : {}),
          updatedAt: core.clock.iso(),
        };
        store.saveEndpoint(updated);
        return json(200, webhookEndpointView(updated));
      },
    },
    {
      method: 'DELETE',
      path: '/v1/webhooks/:id',
      auth: 'key',
      handler: (ctx) => {
        const endpoint = find(ctx);
        store.removeEndpoint(ns(ctx), endpoint.id);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: '/v1/webhooks/:id/rotate-secret',
      auth: 'key',
      handler: (ctx) => {
        const endpoint = find(ctx);
        const now = core.clock.now();
        const secret = newWebhookSecret();
        const previous = endpoint.secrets
          .filter((s) => s.expiresAt === null || s.expiresAt > now)
          .map((s) => ({ secret: s.secret, expiresAt: s.expiresAt ?? now + ROTATED_SECRET_OVERLAP_MS }));
        const updated: StoredWebhookEndpoint = {
          ...endpoint,
          secrets: [{ secret, expiresAt: null }, ...previous],
          updatedAt: new Date(now).toISOString(),
        };
        store.saveEndpoint(updated);
        return json(200, { ...webhookEndpointView(updated), secret });
      },
    },
    {
      method: 'POST',
      path: '/v1/webhooks/:id/test',
      auth: 'key',
      handler: async (ctx) => {
        const endpoint = find(ctx);
        const input = parseBody(TestWebhookRequestSchema, ctx.body);
        return json(202, webhookDeliveryView(await core.webhooks.test(ns(ctx), endpoint, input.type)));
      },
    },
    {
      method: 'GET',
      path: '/v1/webhooks/:id/deliveries',
      auth: 'key',
      handler: (ctx) => {
        const endpoint = find(ctx);
        const filters = { ...deliveryFilters(ctx), webhookId: endpoint.id };
        const page = store.deliveries(ns(ctx), filters, pageRequest(ctx.query, filters));
        return json(200, { ...page, data: page.data.map(webhookDeliveryView) });
      },
    },
    {
      method: 'POST',
      path: '/v1/webhooks/:id/deliveries/:did/retry',
      auth: 'key',
      handler: (ctx) => {
        const endpoint = find(ctx);
        return replay(ctx, findDelivery(ctx, ctx.params.did!, endpoint.id), webhookDeliveryView);
      },
    },
    {
      method: 'GET',
      path: '/sandbox/v1/webhook-deliveries',
      auth: 'test',
      handler: (ctx) => {
        const filters = deliveryFilters(ctx);
        const webhookId = ctx.query.get('webhookId');
        if (webhookId) filters.webhookId = webhookId;
        const page = store.deliveries(ns(ctx), filters, pageRequest(ctx.query, filters));
        return json(200, { ...page, data: page.data.map(sandboxWebhookDeliveryView) });
      },
    },
    {
      method: 'POST',
      path: '/sandbox/v1/webhook-deliveries/:id/replay',
      auth: 'test',
      handler: (ctx) => replay(ctx, findDelivery(ctx, ctx.params.id!), sandboxWebhookDeliveryView),
    },
  ];
}
