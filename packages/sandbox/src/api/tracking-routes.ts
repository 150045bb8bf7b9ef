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

/**
 * `/t/o/:token` (1x1 GIF) and `/t/c/:token` (302 to the original URL). Both only record events:
 * hitting them any number of times, by people or scanners, never changes anything else.
 */
export function trackingRoutes(core: SandboxCore): Route[] {
  const lookup = (token: string | undefined, kind: 'open' | 'click') => {
    const found = token ? core.tracking.get(token.replace(/\.gif$/, '')) : undefined;
    if (!found || found.kind !== kind) return undefined;
    const message = core.messages.get(found.namespace, found.messageId);
    const recipient = message ? core.messages.recipient(message.id, found.recipient) : undefined;
    return message && recipient ? { found, message, recipient } : undefined;
  };
  return [
    {
      method: 'GET',
      path: '/t/o/:token',
      auth: 'none',
      handler: (ctx) => {
        const hit = lookup(ctx.params.token, 'open');
        if (hit) {
          const at = core.clock.now();
          const delivered = hit.recipient.firstEvents.delivered;
          const verdict = core.engines.classifyOpen({
            method: ctx.method,
            userAgent: userAgent(ctx),
            ip: ctx.ip,
            at,
            deliveredAt: delivered ? Date.parse(delivered) : null,
          });
          core.recorder.recordMessageEvent(hit.message, hit.recipient.email, 'message.opened', at, {
            firstOpen: hit.recipient.firstEvents.opened === undefined,
            ...verdict,
            userAgent: userAgent(ctx),
            ip: core.engines.truncateIp(ctx.ip),
          });
        }
        return { status: 200, raw: PIXEL, contentType: 'image/gif', headers: NO_STORE };
      },
    },
    {
      method: 'GET',
      path: '/t/c/:token',
      auth: 'none',
      handler: (ctx) => {
        const hit = lookup(ctx.params.token, 'click');
        if (!hit?.found.url) throw new ProblemError(404, 'not_found', { detail: 'Unknown tracking link' });
        const at = core.clock.now();
        const delivered = hit.recipient.firstEvents.delivered;
        const verdict = core.engines.classifyClick({
          method: ctx.method,
          userAgent: userAgent(ctx),
          ip: ctx.ip,
          at,
          deliveredAt: delivered ? Date.parse(delivered) : null,
          recentClicksAt: otherLinkClicks(core, hit.found),
        });
        core.recorder.recordMessageEvent(hit.message, hit.recipient.email, 'message.clicked', at, {
          url: hit.found.url,
          linkId: hit.found.linkId,
          firstClick: hit.recipient.firstEvents.clicked === undefined,
          ...verdict,
          userAgent: userAgent(ctx),
          ip: core.engines.truncateIp(ctx.ip),
          inferredOpen: hit.recipient.firstEvents.opened === undefined,
        });
        return { status: 302, headers: { ...NO_STORE, Location: hit.found.url } };
      },
    },
  ];
}
