import type { SandboxCore } from '../core/sandbox-core.js';
import { ProblemError } from '../http/problem.js';
import type { RequestContext, Route } from '../http/types.js';
import type { TrackingToken } from '../storage/tracking-store.js';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const NO_STORE = { 'Cache-Control': 'no-store, private' };

function userAgent(ctx: RequestContext): string {
  const ua = ctx.headers['user-agent'];
  return typeof ua === 'string' ? ua : '';
}

/** When the token's recipient clicked the message's other links (the multi-link scanner rule). */
function otherLinkClicks(core: SandboxCore, token: TrackingToken): number[] {
  return core.events
    .forMessage(token.namespace, token.messageId)
    .filter(
      (event) =>
        event.type === 'message.clicked' &&
        event.data.recipient === token.recipient &&
        event.data.linkId !== token.linkId,
    )
    .map((event) => Date.parse(event.timestamp));
}

/** Who fetched a tracking URL: what the open/click heuristics look at. */
export interface TrackingHit {
  method: string;
  userAgent: string;
  ip: string;
}

function lookup(core: SandboxCore, token: string | undefined, kind: 'open' | 'click') {
  const found = token ? core.tracking.get(token.replace(/\.gif$/, '')) : undefined;
  if (!found || found.kind !== kind) return undefined;
  const message = core.messages.get(found.namespace, found.messageId);
  const recipient = message ? core.messages.recipient(message.id, found.recipient) : undefined;
  return message && recipient ? { found, message, recipient } : undefined;
}

/** Records a `message.opened` for an open-pixel token (unknown tokens are ignored). */
export function recordOpen(core: SandboxCore, token: string | undefined, request: TrackingHit): void {
  const hit = lookup(core, token, 'open');
  if (!hit) return;
  const at = core.clock.now();
  const delivered = hit.recipient.firstEvents.delivered;
  const verdict = core.engines.classifyOpen({
    method: request.method,
    userAgent: request.userAgent,
    ip: request.ip,
    at,
    deliveredAt: delivered ? Date.parse(delivered) : null,
  });
  core.recorder.recordMessageEvent(hit.message, hit.recipient.email, 'message.opened', at, {
    firstOpen: hit.recipient.firstEvents.opened === undefined,
    ...verdict,
    userAgent: request.userAgent,
    ip: core.engines.truncateIp(request.ip),
  });
}

/** Records a `message.clicked` for a link token and returns the original URL, or undefined when unknown. */
export function recordClick(
  core: SandboxCore,
  token: string | undefined,
  request: TrackingHit,
): string | undefined {
  const hit = lookup(core, token, 'click');
  if (!hit?.found.url) return undefined;
  const at = core.clock.now();
  const delivered = hit.recipient.firstEvents.delivered;
  const verdict = core.engines.classifyClick({
    method: request.method,
    userAgent: request.userAgent,
    ip: request.ip,
    at,
    deliveredAt: delivered ? Date.parse(delivered) : null,
    recentClicksAt: otherLinkClicks(core, hit.found),
  });
  core.recorder.recordMessageEvent(hit.message, hit.recipient.email, 'message.clicked', at, {
    url: hit.found.url,
    linkId: hit.found.linkId,
    firstClick: hit.recipient.firstEvents.clicked === undefined,
    ...verdict,
    userAgent: request.userAgent,
    ip: core.engines.truncateIp(request.ip),
    inferredOpen: hit.recipient.firstEvents.opened === undefined,
  });
  return hit.found.url;
}

const hitOf = (ctx: RequestContext): TrackingHit => ({
  method: ctx.method,
  userAgent: userAgent(ctx),
  ip: ctx.ip,
});

/**
 * `/t/o/:token` (1x1 GIF) and `/t/c/:token` (302 to the original URL). Both only record events:
 * hitting them any number of times, by people or scanners, never changes anything else.
 */
export function trackingRoutes(core: SandboxCore): Route[] {
  return [
    {
      method: 'GET',
      path: '/t/o/:token',
      auth: 'none',
      handler: (ctx) => {
        recordOpen(core, ctx.params.token, hitOf(ctx));
        return { status: 200, raw: PIXEL, contentType: 'image/gif', headers: NO_STORE };
      },
    },
    {
      method: 'GET',
      path: '/t/c/:token',
      auth: 'none',
      handler: (ctx) => {
        const url = recordClick(core, ctx.params.token, hitOf(ctx));
        if (!url) throw new ProblemError(404, 'not_found', { detail: 'Unknown tracking link' });
        return { status: 302, headers: { ...NO_STORE, Location: url } };
      },
    },
  ];
}
