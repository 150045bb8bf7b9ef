import type { Requester, RequestOptions } from '../http/types.js';
import type {
  CreateWebhookEndpointRequest,
  UpdateWebhookEndpointRequest,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from '../schemas/index.js';
import { call, listPages, type PagePromise, pathOf } from './shared.js';

export interface ListWebhookEndpointsQuery {
  limit?: number;
  cursor?: string;
}

export interface ListWebhookDeliveriesQuery {
  status?: WebhookDelivery['status'];
  eventId?: string;
  limit?: number;
  cursor?: string;
}

/** Webhook endpoints (`/v1/webhooks`) and their delivery log. The secret is returned only by `create` and `rotateSecret`. */
export class WebhookEndpointsResource {
  readonly #requester: Requester;

  constructor(requester: Requester) {
    this.#requester = requester;
  }

  list(query?: ListWebhookEndpointsQuery, options?: RequestOptions): PagePromise<WebhookEndpoint> {
    return listPages<WebhookEndpoint>(this.#requester, '/webhooks', query, options);
  }

  get(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return call<WebhookEndpoint>(this.#requester, {
      method: 'GET',
      path: pathOf`/webhooks/${id}`,
      kind: 'read',
      options,
    });
  }

  create(
    endpoint: CreateWebhookEndpointRequest,
    options?: RequestOptions,
  ): Promise<WebhookEndpointWithSecret> {
    return call<WebhookEndpointWithSecret>(this.#requester, {
      method: 'POST',
      path: '/webhooks',
      body: endpoint,
      kind: 'write',
      options,
    });
  }

  update(
    id: string,
    changes: UpdateWebhookEndpointRequest,
    options?: RequestOptions,
  ): Promise<WebhookEndpoint> {
    return call<WebhookEndpoint>(this.#requester, {
      method: 'PATCH',
      path: pathOf`/webhooks/${id}`,
      body: changes,
      kind: 'write',
      options,
    });
  }

  async remove(id: string, options?: RequestOptions): Promise<void> {
    await this.#requester.request({
      method: 'DELETE',
      path: pathOf`/webhooks/${id}`,
      kind: 'write',
      responseType: 'none',
      options,
    });
  }

  /** Sends a test event to the endpoint; resolves to the delivery record. */
  test(id: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return call<WebhookDelivery>(this.#requester, {
      method: 'POST',
      path: pathOf`/webhooks/${id}/test`,
      kind: 'write',
      options,
    });
  }

  deliveries(
    id: string,
    query?: ListWebhookDeliveriesQuery,
    options?: RequestOptions,
  ): PagePromise<WebhookDelivery> {
    return listPages<WebhookDelivery>(this.#requester, pathOf`/webhooks/${id}/deliveries`, query, options);
  }

  retryDelivery(id: string, deliveryId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return call<WebhookDelivery>(this.#requester, {
      method: 'POST',
      path: pathOf`/webhooks/${id}/deliveries/${deliveryId}/retry`,
      kind: 'write',
      options,
    });
  }

  /** Issues a new secret (the old one stays valid for 24 h). */
  rotateSecret(id: string, options?: RequestOptions): Promise<WebhookEndpointWithSecret> {
    return call<WebhookEndpointWithSecret>(this.#requester, {
      method: 'POST',
      path: pathOf`/webhooks/${id}/rotate-secret`,
      kind: 'write',
      options,
    });
  }
}
