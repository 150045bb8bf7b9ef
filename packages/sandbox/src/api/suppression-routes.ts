import { AddSuppressionsRequestSchema } from '@mailplatform/sdk/schemas';
import type { SandboxCore } from '../core/sandbox-core.js';
import { parseBody } from '../http/parse-body.js';
import { ProblemError } from '../http/problem.js';
import { json, type Route } from '../http/types.js';
import type { Suppression } from '../storage/json-types.js';
import { pageRequest, queryFilters } from '../storage/pagination.js';
import type { SuppressionFilters } from '../storage/suppression-store.js';

const _REASONS: ReadonlySet<string> = new Set([
  'hard_bounce',
  'soft_bounce_repeated',
  'spam_complaint',
  'unsubscribe',
  'manual',
]);
const _MAX_ADD = 1000;

export function suppressionRoutes(core: SandboxCore): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/suppressions',
      auth: 'key',
      handler: (ctx) => {
        const q = ctx.query;
        const filters: SuppressionFilters = queryFilters(q, ['email', 'stream', 'reason'] as const);
        return json(200, core.suppressions.list(ctx.auth!.namespace, filters, pageRequest(q, filters)));
      },
    },
    {
      method: 'POST',
      path: '/v1/suppressions',
      auth: 'key',
      idempotent: true,
      handler: (ctx) => {
        const body = parseBody(AddSuppressionsRequestSchema, ctx.body);
        const rows = [...new Set(body.emails.map((email) => email.trim().toLowerCase()))].map((email) => ({
          email,
          stream: body.stream,
          reason: body.reason as Suppression['reason'],
        }));
        const now = core.clock.now();
        const at = new Date(now).toISOString();
        const data = core.db.transaction(() =>
          rows.map((row) => {
            const suppression: Suppression = {
              id: core.ids.next('sup'),
              ...row,
              origin: 'api',
              createdAt: at,
              lastEventId: null,
              bounceType: null,
              enhancedCode: null,
              diagnostic: null,
            };
            const created = core.suppressions.add(ctx.auth!.namespace, suppression);
            if (created) {
              core.recorder.recordEvent(ctx.auth!.namespace, 'suppression.created', now, {
                email: row.email,
                stream: row.stream,
                reason: row.reason,
                origin: 'api',
              });
            }
            return {
              ...(core.suppressions.get(ctx.auth!.namespace, row.email, row.stream) ?? suppression),
              created,
            };
          }),
        )();
        const created = data.filter((row) => row.created).length;
        return json(200, {
          data: data.map(({ created: _, ...row }) => row),
          created,
          existing: data.length - created,
        });
      },
    },
    {
      method: 'GET',
      path: '/v1/suppressions/:email',
      auth: 'key',
      handler: (ctx) => {
        const stream = ctx.query.get('stream') ?? 'transactional';
        const found = core.suppressions.get(ctx.auth!.namespace, ctx.params.email!, stream);
        if (!found)
          throw new ProblemError(404, 'not_found', {
            detail: `${ctx.params.email} is not suppressed on ${stream}`,
          });
        return json(200, found);
      },
    },
    {
      method: 'DELETE',
      path: '/v1/suppressions/:email',
      auth: 'key',
      handler: (ctx) => {
        const stream = ctx.query.get('stream') ?? 'transactional';
        const namespace = ctx.auth!.namespace;
        const found = core.suppressions.get(namespace, ctx.params.email!, stream);
        if (!found)
          throw new ProblemError(404, 'not_found', {
            detail: `${ctx.params.email} is not suppressed on ${stream}`,
          });
        if (found.reason === 'spam_complaint' && ctx.query.get('force') !== 'true') {
          throw new ProblemError(409, 'conflict', {
            detail: 'The recipient complained; removing the suppression needs ?force=true and is logged',
          });
        }
        core.db.transaction(() => {
          core.suppressions.remove(namespace, found.email, stream);
          core.recorder.recordEvent(namespace, 'suppression.deleted', core.clock.now(), {
            email: found.email,
            stream,
            reason: found.reason,
            origin: 'api',
            ...(found.reason === 'spam_complaint' ? { forced: true } : {}),
          });
        })();
        return { status: 204 };
      },
    },
  ];
}
