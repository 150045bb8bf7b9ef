import {
  ChaosNextSchema,
  ChaosSchema,
  type SimulateEvent,
  SimulateRequestSchema,
  type SimulateResponse,
} from '@mailplatform/sdk/schemas';
import { requireMessage } from '../api/message-routes.js';
import type { SandboxCore } from '../core/sandbox-core.js';
import { parseBody } from '../http/parse-body.js';
import { ProblemError, validationFailed } from '../http/problem.js';
import { json, type RequestContext, type Route } from '../http/types.js';
import type { StoredMessage } from '../storage/json-types.js';
import { parseDuration } from '../time/index.js';
import { SANDBOX_VERSION } from '../version.js';
import { inboxMessage, inboxSummary } from './inbox-view.js';

const MAX_WAIT_MS = 30_000;

function findInbox(core: SandboxCore, ctx: RequestContext): StoredMessage[] {
  const q = ctx.query;
  const filters: Record<string, string> = {};
  for (const name of ['recipient', 'tag', 'subject'] as const) {
    const value = q.get(name);
    if (value) filters[name] = value;
  }
  const limit = Math.min(Number(q.get('limit') ?? 50) || 50, 500);
  return core.messages
    .list(ctx.auth!.namespace, filters, { limit, order: 'desc' })
    .data.filter((m) => m.status !== 'suppressed' && m.status !== 'cancelled');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function duration(value: unknown, pointer: string): number {
  try {
    if (typeof value === 'number') return value;
    if (typeof value === 'string') return parseDuration(value);
  } catch {
    // reported below
  }
  throw validationFailed([
    { pointer, code: 'invalid_duration', message: 'Expected an ISO 8601 duration (PT6H) or milliseconds' },
  ]);
}

/** `options.at` of a simulated event: `+PT5M` from now on the virtual clock, or an RFC 3339 timestamp. */
function simulateAt(now: number, at: string): number {
  return at.startsWith('+') ? now + duration(at.slice(1), '/options/at') : Date.parse(at);
}

const SIMULATED_TYPES: Record<SimulateEvent, string> = {
  open: 'message.opened',
  click: 'message.clicked',
  bounce: 'message.bounced',
  deferred: 'message.deferred',
  complaint: 'message.complained',
  unsubscribe: 'message.unsubscribed',
  auto_reply: 'message.auto_replied',
};

/** `wait=` of the inbox: `10s`, `500ms`, bare seconds (`10`) or an ISO 8601 duration (`PT10S`). */
function waitMs(wait: string): number {
  const short = /^(\d+)(ms|s)?$/.exec(wait);
  if (short) return Number(short[1]) * (short[2] === 'ms' ? 1 : 1000);
  return duration(wait, '/wait');
}

export function controlRoutes(core: SandboxCore): Route[] {
  const clockView = () => {
    const now = core.clock.now();
    return { now: new Date(now).toISOString(), frozen: core.clock.frozen, offsetMs: now - Date.now() };
  };
  return [
    {
      method: 'GET',
      path: '/sandbox/v1/healthz',
      auth: 'none',
      handler: () => json(200, { status: 'ok', version: SANDBOX_VERSION, now: core.clock.iso() }),
    },
    {
      method: 'POST',
      path: '/sandbox/v1/reset',
      auth: 'test',
      handler: (ctx) => {
        core.reset(ctx.query.get('all') === 'true' ? undefined : ctx.auth!.namespace);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/sandbox/v1/inbox',
      auth: 'test',
      handler: async (ctx) => {
        const wait = ctx.query.get('wait');
        const deadline = Date.now() + (wait ? Math.min(waitMs(wait), MAX_WAIT_MS) : 0);
        let found = findInbox(core, ctx);
        while (found.length === 0 && Date.now() < deadline && !ctx.signal.aborted) {
          await core.inbox.wait(ctx.auth!.namespace, deadline - Date.now(), ctx.signal);
          found = findInbox(core, ctx);
        }
        return json(200, { data: found.map((m) => inboxSummary(core, m)), hasMore: false, nextCursor: null });
      },
    },
    {
      method: 'GET',
      path: '/sandbox/v1/inbox/:id',
      auth: 'test',
      handler: (ctx) => {
        const message = requireMessage(core, ctx);
        return json(200, inboxMessage(core, message, ctx.query.get('recipient') ?? undefined));
      },
    },
    {
      method: 'GET',
      path: '/sandbox/v1/inbox/:id/raw',
      auth: 'test',
      handler: (ctx) => {
        const message = requireMessage(core, ctx);
        const raw = core.messages.raw(message.id);
        if (!raw) throw new ProblemError(404, 'not_found', { detail: 'No MIME stored for this message' });
        return { status: 200, raw, contentType: 'message/rfc822' };
      },
    },
    { method: 'GET', path: '/sandbox/v1/clock', auth: 'test', handler: () => json(200, clockView()) },
    {
      method: 'POST',
      path: '/sandbox/v1/clock',
      auth: 'test',
      handler: async (ctx) => {
        const body = ctx.body;
        if (!isRecord(body))
          throw validationFailed([{ pointer: '/', code: 'invalid_type', message: 'Expected an object' }]);
        if (typeof body.freeze === 'boolean') core.clock.freeze(body.freeze);
        if (body.set !== undefined) {
          const at = typeof body.set === 'string' ? Date.parse(body.set) : Number.NaN;
          if (Number.isNaN(at))
            throw validationFailed([
              { pointer: '/set', code: 'invalid_datetime', message: 'set must be an RFC 3339 timestamp' },
            ]);
          core.clock.set(at);
        }
        if (body.advance !== undefined) core.clock.advance(duration(body.advance, '/advance'));
        await core.scheduler.runDue();
        return json(200, clockView());
      },
    },
    {
      method: 'POST',
      path: '/sandbox/v1/messages/:id/simulate',
      auth: 'test',
      handler: async (ctx) => {
        const message = requireMessage(core, ctx);
        const { event, recipient: address, options } = parseBody(SimulateRequestSchema, ctx.body);
        const recipients = core.messages.recipients(message.id);
        const recipient =
          address !== undefined ? recipients.find((r) => r.email === address.toLowerCase()) : recipients[0];
        if (!recipient)
          throw validationFailed([
            { pointer: '/recipient', code: 'not_a_recipient', message: 'Not a recipient of this message' },
          ]);
        const at = options.at === undefined ? core.clock.now() : simulateAt(core.clock.now(), options.at);
        const data: Record<string, unknown> = {};
        if (event === 'open')
          Object.assign(data, {
            firstOpen: recipient.firstEvents.opened === undefined,
            machine: options.machine === true,
            ...(options.machine === true ? { machineReason: 'apple_mpp' } : {}),
          });
        if (event === 'click') {
          const link = recipient.links.find((l) => l.url === options.url) ?? recipient.links[0];
          Object.assign(data, {
            url: options.url ?? link?.url ?? null,
            linkId: link?.linkId ?? null,
            firstClick: recipient.firstEvents.clicked === undefined,
            bot: options.bot === true,
            inferredOpen: recipient.firstEvents.opened === undefined,
          });
        }
        if (event === 'bounce') {
          const { class: bounceClass, type, ...reply } = options.bounce ?? {};
          data.bounce = {
            ...core.engines.classifyBounce(reply),
            ...(bounceClass !== undefined ? { class: bounceClass } : {}),
            ...(type !== undefined ? { type } : {}),
            phase: 'rcpt',
            attempts: 1,
            ...reply,
          };
        }
        if (event === 'complaint')
          Object.assign(data, { feedbackType: 'abuse', feedbackProvider: 'sandbox' });
        if (event === 'unsubscribe') data.method = 'one_click';
        if (event === 'auto_reply') data.kind = 'out_of_office';
        const recorded = core.db.transaction(() =>
          core.recorder.recordMessageEvent(message, recipient.email, SIMULATED_TYPES[event], at, data),
        )();
        const response: SimulateResponse = {
          messageId: message.id,
          recipient: recipient.email,
          event,
          at: recorded.timestamp,
        };
        return json(202, response);
      },
    },
    { method: 'GET', path: '/sandbox/v1/chaos', auth: 'test', handler: () => json(200, core.chaos.get()) },
    {
      method: 'PUT',
      path: '/sandbox/v1/chaos',
      auth: 'test',
      handler: (ctx) => {
        core.chaos.set(parseBody(ChaosSchema, ctx.body));
        return json(200, core.chaos.get());
      },
    },
    {
      method: 'POST',
      path: '/sandbox/v1/chaos/next',
      auth: 'test',
      handler: (ctx) => {
        const { message, ...next } = parseBody(ChaosNextSchema, ctx.body);
        core.chaos.addNext({ ...next, ...(message !== undefined ? { message } : {}) });
        return { status: 204 };
      },
    },
  ];
}
