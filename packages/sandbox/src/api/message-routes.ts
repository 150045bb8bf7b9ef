import type { SandboxCore } from '../core/sandbox-core.js';
import { ProblemError, type ProblemFieldError } from '../http/problem.js';
import { json, type RequestContext, type Route } from '../http/types.js';
import { validateMessage } from '../pipeline/validate-message.js';
import type { StoredMessage } from '../storage/json-types.js';
import type { MessageFilters } from '../storage/message-store.js';
import { pageRequest, queryFilters } from '../storage/pagination.js';
import { messageView } from './message-view.js';

const MAX_BATCH = 500;

function ns(ctx: RequestContext): string {
  return ctx.auth!.namespace;
}

export function requireMessage(core: SandboxCore, ctx: RequestContext): StoredMessage {
  const message = core.messages.get(ns(ctx), ctx.params.id!);
  if (!message) throw new ProblemError(404, 'not_found', { detail: `No message ${ctx.params.id}` });
  return message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function messageRoutes(core: SandboxCore): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/messages',
      auth: 'key',
      idempotent: true,
      handler: async (ctx) => {
        const result = await core.pipeline.submit(ns(ctx), ctx.body, {
          channel: 'api',
          testKey: ctx.auth!.test,
        });
        return json(202, result);
      },
    },
    {
      method: 'POST',
      path: '/v1/messages/batch',
      auth: 'key',
      idempotent: true,
      handler: async (ctx) => {
        const body = ctx.body;
        if (!isRecord(body) || !Array.isArray(body.messages)) {
          throw new ProblemError(422, 'validation_failed', {
            detail: 'messages must be an array',
            errors: [{ pointer: '/messages', code: 'required', message: 'messages must be an array' }],
          });
        }
        const mode = body.validation ?? 'strict';
        if (mode !== 'strict' && mode !== 'partial') {
          throw new ProblemError(422, 'validation_failed', {
            detail: 'validation must be strict or partial',
            errors: [
              {
                pointer: '/validation',
                code: 'invalid_enum',
                message: 'validation must be strict or partial',
              },
            ],
          });
        }
        if (body.messages.length === 0 || body.messages.length > MAX_BATCH) {
          throw new ProblemError(422, 'validation_failed', {
            detail: `A batch holds 1 to ${MAX_BATCH} messages`,
            errors: [
              {
                pointer: '/messages',
                code: 'invalid_length',
                message: `A batch holds 1 to ${MAX_BATCH} messages`,
              },
            ],
          });
        }
        const options = { channel: 'api' as const, testKey: ctx.auth!.test };
        if (mode === 'strict') {
          const now = core.clock.now();
          const errors: ProblemFieldError[] = [];
          for (const [i, item] of body.messages.entries()) {
            try {
              validateMessage(item, now, `/messages/${i}`);
            } catch (error) {
              if (!(error instanceof ProblemError)) throw error;
              errors.push(...(error.errors ?? []));
            }
          }
          if (errors.length > 0) {
            throw new ProblemError(422, 'validation_failed', {
              detail: `${errors.length} fields failed validation`,
              errors,
            });
          }
        }
        const results: Record<string, unknown>[] = [];
        for (const [index, item] of body.messages.entries()) {
          const clientReference =
            isRecord(item) && typeof item.clientReference === 'string'
              ? { clientReference: item.clientReference }
              : {};
          try {
            const sent = await core.pipeline.submit(ns(ctx), item, options, `/messages/${index}`);
            results.push({
              index,
              id: sent.id,
              status: sent.status,
              ...clientReference,
              recipients: sent.recipients,
            });
          } catch (error) {
            if (!(error instanceof ProblemError) || mode === 'strict') throw error;
            results.push({ index, ...clientReference, error: error.body(ctx.path, ctx.requestId) });
          }
        }
        return json(200, { results });
      },
    },
    {
      method: 'GET',
      path: '/v1/messages',
      auth: 'key',
      handler: (ctx) => {
        const q = ctx.query;
        const metadata: Record<string, string> = {};
        for (const [key, value] of q) {
          const m = /^metadata\[(.+)\]$/.exec(key);
          if (m) metadata[m[1]!] = value;
        }
        const filters: MessageFilters = queryFilters(q, [
          'recipient',
          'from',
          'tag',
          'stream',
          'status',
          'subject',
        ] as const);
        if (Object.keys(metadata).length > 0) filters.metadata = metadata;
        const page = core.messages.list(ns(ctx), filters, pageRequest(q, filters));
        return json(200, { ...page, data: page.data.map((m) => messageView(core, m)) });
      },
    },
    {
      method: 'GET',
      path: '/v1/messages/:id',
      auth: 'key',
      handler: (ctx) => json(200, messageView(core, requireMessage(core, ctx))),
    },
    {
      method: 'GET',
      path: '/v1/messages/:id/events',
      auth: 'key',
      handler: (ctx) => {
        const message = requireMessage(core, ctx);
        const data = core.events.forMessage(ns(ctx), message.id);
        return json(200, { data, hasMore: false, nextCursor: null });
      },
    },
    {
      method: 'GET',
      path: '/v1/messages/:id/raw',
      auth: 'key',
      handler: (ctx) => {
        const message = requireMessage(core, ctx);
        const raw = core.messages.raw(message.id);
        if (!raw) throw new ProblemError(404, 'not_found', { detail: 'No MIME stored for this message' });
        return { status: 200, raw, contentType: 'message/rfc822' };
      },
    },
    {
      method: 'POST',
      path: '/v1/messages/:id/cancel',
      auth: 'key',
      handler: (ctx) => {
        const message = requireMessage(core, ctx);
        if (!core.pipeline.cancel(ns(ctx), message.id)) {
          throw new ProblemError(409, 'conflict', {
            detail: `Message ${message.id} is ${message.status}, not scheduled`,
          });
        }
        return json(200, messageView(core, requireMessage(core, ctx)));
      },
    },
  ];
}
