import type { SandboxCore } from '../core/sandbox-core.js';
import { json, type Route } from '../http/types.js';
import type { EventFilters } from '../storage/event-store.js';
import { pageRequest, queryFilters } from '../storage/pagination.js';

const EVENT_FILTERS = ['recipient', 'messageId', 'stream', 'tag'] as const;

export function eventRoutes(core: SandboxCore): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/events',
      auth: 'key',
      handler: (ctx) => {
        const q = ctx.query;
        const types = [...q.getAll('type'), ...q.getAll('type[]')]
          .flatMap((t) => t.split(','))
          .filter(Boolean);
        const filters: EventFilters = queryFilters(q, EVENT_FILTERS);
        if (types.length > 0) filters.types = types;
        return json(200, core.events.list(ctx.auth!.namespace, filters, pageRequest(q, filters)));
      },
    },
    {
      method: 'GET',
      path: '/v1/bounces',
      auth: 'key',
      handler: (ctx) => {
        const q = ctx.query;
        const filters: EventFilters = { ...queryFilters(q, EVENT_FILTERS), types: ['message.bounced'] };
        const bounceClass = q.get('class');
        const bounceType = q.get('type');
        const listFilters = { ...filters, class: bounceClass, type: bounceType };
        const page = core.events.list(ctx.auth!.namespace, filters, pageRequest(q, listFilters));
        const data = page.data
          .map((event) => {
            const bounce = (event.data.bounce ?? {}) as Record<string, unknown>;
            const suppression = event.data.suppression as { created?: boolean } | undefined;
            return {
              id: event.id,
              messageId: event.data.messageId,
              recipient: event.data.recipient,
              class: bounce.class,
              type: bounce.type,
              smtpCode: bounce.smtpCode ?? null,
              enhancedCode: bounce.enhancedCode ?? null,
              diagnostic: bounce.diagnostic ?? '',
              remoteMta: bounce.remoteMta ?? null,
              phase: bounce.phase,
              timestamp: event.timestamp,
              stream: event.data.stream,
              tag: event.data.tag ?? null,
              suppressed: suppression?.created === true,
            } as Record<string, unknown>;
          })
          .filter((b) => (!bounceClass || b.class === bounceClass) && (!bounceType || b.type === bounceType));
        return json(200, { ...page, data });
      },
    },
    {
      method: 'GET',
      path: '/v1/me',
      auth: 'key',
      handler: (ctx) =>
        json(200, {
          keyPrefix: ctx.auth!.apiKey.slice(0, 12),
          mode: ctx.auth!.test ? 'test' : 'live',
          namespace: ctx.auth!.namespace,
          sandbox: true,
          scopes: ['send', 'read', 'admin'],
        }),
    },
  ];
}
