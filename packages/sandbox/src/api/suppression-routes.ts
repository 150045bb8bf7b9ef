import type { SandboxCore } from '../core/sandbox-core.js';
import { ProblemError, type ProblemFieldError, validationFailed } from '../http/problem.js';
import { json, type Route } from '../http/types.js';
import { isEmail } from '../pipeline/parse-address.js';
import type { Suppression } from '../storage/json-types.js';
import { pageRequest, queryTime } from '../storage/pagination.js';
import type { SuppressionFilters } from '../storage/suppression-store.js';

const REASONS: ReadonlySet<string> = new Set([
  'hard_bounce',
  'soft_bounce_repeated',
  'spam_complaint',
  'unsubscribe',
  'manual',
]);
const MAX_ADD = 1000;

export function suppressionRoutes(core: SandboxCore): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/suppressions',
      auth: 'key',
      handler: (ctx) => {
        const q = ctx.query;
        const filters: SuppressionFilters = {};
        for (const name of ['email', 'stream', 'reason'] as const) {
          const value = q.get(name);
          if (value) filters[name] = value;
        }
        const since = queryTime(q, 'since');
        const until = queryTime(q, 'until');
        if (since) filters.since = since;
        if (until) filters.until = until;
        return json(200, core.suppressions.list(ctx.auth!.namespace, filters, pageRequest(q, filters)));
      },
    },
    {
      method: 'POST',
      path: '/v1/suppressions',
      auth: 'key',
      idempotent: true,
      handler: (ctx) => {
        const body = ctx.body as { suppressions?: unknown; stream?: unknown; reason?: unknown } | undefined;
        const items = Array.isArray(body?.suppressions) ? body.suppressions : undefined;
        if (!items || items.length === 0 || items.length > MAX_ADD) {
          throw validationFailed([
            {
              pointer: '/suppressions',
              code: 'invalid_length',
              message: `suppressions holds 1 to ${MAX_ADD} entries`,
            },
          ]);
        }
        const errors: ProblemFieldError[] = [];
        const rows: { email: string; stream: string; reason: Suppression['reason'] }[] = [];
        for (const [i, item] of (items as unknown[]).entries()) {
          const entry = typeof item === 'string' ? { email: item } : (item as Record<string, unknown> | null);
          const email = typeof entry?.email === 'string' ? entry.email.trim().toLowerCase() : '';
          if (!isEmail(email)) {
            errors.push({
              pointer: `/suppressions/${i}/email`,
              code: 'invalid_email',
              message: `'${String(entry?.email)}' is not a valid address`,
            });
            continue;
          }
          const reason = entry?.reason ?? body?.reason ?? 'manual';
          if (typeof reason !== 'string' || !REASONS.has(reason)) {
            errors.push({
              pointer: `/suppressions/${i}/reason`,
              code: 'invalid_enum',
              message: 'unknown reason',
            });
            continue;
          }
          const stream = entry?.stream ?? body?.stream ?? 'transactional';
          if (typeof stream !== 'string') {
            errors.push({
              pointer: `/suppressions/${i}/stream`,
              code: 'invalid_type',
              message: 'stream must be a string',
            });
            continue;
          }
          rows.push({ email, stream, reason: reason as Suppression['reason'] });
        }
        if (errors.length > 0) throw validationFailed(errors);
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
        return json(201, { data });
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
