import { StatsQuerySchema, toFieldErrors } from '@mailplatform/sdk/schemas';
import type { z } from 'zod';
import type { SandboxCore } from '../core/sandbox-core.js';
import { ProblemError } from '../http/problem.js';
import { json, type Route } from '../http/types.js';
import { attachStats } from '../stats/attach-stats.js';
import { queryStats } from '../stats/stats-query.js';

/** A 400 invalid_query naming each bad parameter. */
function invalidQuery(error: z.ZodError): ProblemError {
  const errors = toFieldErrors(error);
  const detail = errors.map((e) => `${e.pointer.slice(1)}: ${e.message}`).join('; ');
  return new ProblemError(400, 'invalid_query', { detail, errors });
}

/** `GET /v1/stats` (contract §18). Registering the routes also starts counting events into the rollup. */
export function statsRoutes(core: SandboxCore): Route[] {
  attachStats(core);
  return [
    {
      method: 'GET',
      path: '/v1/stats',
      auth: 'key',
      handler: (ctx) => {
        const parsed = StatsQuerySchema.safeParse(Object.fromEntries(ctx.query));
        if (!parsed.success) throw invalidQuery(parsed.error);
        return json(200, queryStats(core.db, ctx.auth!.namespace, parsed.data, core.clock.now()));
      },
    },
  ];
}
