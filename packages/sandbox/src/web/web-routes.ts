import { isIP } from 'node:net';
import { StatsQuerySchema } from '@mailplatform/sdk/schemas';
import { messageView } from '../api/message-view.js';
import { recordClick, recordOpen } from '../api/tracking-routes.js';
import { inboxMessage } from '../control/inbox-view.js';
import type { SandboxCore } from '../core/sandbox-core.js';
import type { Reply, RequestContext, Route, RouteHandler } from '../http/types.js';
import { queryStats } from '../stats/stats-query.js';
import type { StoredRecipient } from '../storage/json-types.js';
import { html } from './html.js';
import { inboxPage } from './inbox-page.js';
import { messagePage, stripOpenPixel } from './message-page.js';
import { statsPage } from './stats-page.js';
import { htmlReply, notFoundPage, page } from './web-page.js';
import { namespaceFilter, WebQueries } from './web-queries.js';
import { webhooksPage } from './webhooks-page.js';

const LIST_LIMIT = 100;

function hostOf(ctx: RequestContext): string {
  try {
    return new URL(`http://${ctx.headers.host ?? ''}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

/**
 * The pages have no login, so they answer only to an IP literal, `localhost` or the public URL's host:
 * a web page that rebinds its own DNS name to 127.0.0.1 cannot read the inbox. A form post from another
 * origin is refused too.
 */
function refusal(core: SandboxCore, ctx: RequestContext): Reply | undefined {
  const host = hostOf(ctx);
  const publicUrl = new URL(core.publicUrl() || 'http://127.0.0.1');
  const publicHost = publicUrl.hostname.replace(/^\[|\]$/g, '');
  const allowed =
    isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost') || host === publicHost;
  if (!allowed) {
    return htmlReply(
      403,
      page('Forbidden', html`<h1>Forbidden</h1><p>Open the web inbox by IP address or localhost.</p>`),
    );
  }
  const origin = ctx.headers.origin;
  if (
    ctx.method === 'POST' &&
    origin !== undefined &&
    origin !== `http://${ctx.headers.host ?? ''}` &&
    origin !== publicUrl.origin
  ) {
    return htmlReply(
      403,
      page('Forbidden', html`<h1>Forbidden</h1><p>Cross-origin form posts are refused.</p>`),
    );
  }
  return undefined;
}

/**
 * A filter given as an API key is answered with a 303 to the same page filtered by the key's `ns_…`
 * namespace, so the key is neither echoed into the form nor kept in the address bar or history.
 */
function keyRedirect(ctx: RequestContext): Reply | undefined {
  const ns = ctx.query.get('ns')?.trim();
  if (!ns || ns.startsWith('ns_')) return undefined;
  const query = new URLSearchParams(ctx.query);
  query.set('ns', namespaceFilter(ns)!);
  return htmlReply(303, html``, { Location: `${ctx.path}?${query}` });
}

/** The server-rendered web inbox: every namespace, no key, loopback use only (docs/sandbox.md). */
export function webRoutes(core: SandboxCore): Route[] {
  const queries = new WebQueries(core.db);

  const guarded =
    (handler: RouteHandler): RouteHandler =>
    (ctx) =>
      refusal(core, ctx) ?? handler(ctx);

  /** A list page filtered by `?ns=`: a key there is redirected to its namespace first. */
  const filtered = (handler: RouteHandler): RouteHandler =>
    guarded((ctx) => keyRedirect(ctx) ?? handler(ctx));

  /** The message and the recipient chosen by `?recipient=` (default: the first one). */
  const findMessage = (ctx: RequestContext, strict: boolean) => {
    const id = ctx.params.id ?? '';
    const namespace = queries.namespaceOf(id);
    const message = namespace !== undefined ? core.messages.get(namespace, id) : undefined;
    if (!message) return undefined;
    const recipients = core.messages.recipients(message.id);
    const asked = ctx.query.get('recipient')?.toLowerCase();
    const recipient =
      recipients.find((r) => r.email === asked) ?? (strict && asked ? undefined : recipients[0]);
    return { message, recipient };
  };

  /** The recipient's open-pixel token, when its HTML carries the pixel (text-only mail cannot be opened). */
  const pixelToken = (messageId: string, recipient: StoredRecipient): string | undefined => {
    const token = queries.trackingToken(messageId, recipient.email);
    return token !== undefined && recipient.html?.includes(`/t/o/${token}`) ? token : undefined;
  };

  /** Records the open or click as if the recipient's mail client had fetched the tracking URL, then goes back. */
  const hit = (ctx: RequestContext, record: typeof recordOpen, token: string, back: string): Reply => {
    const ua = ctx.headers['user-agent'];
    record(core, token, { method: 'GET', userAgent: typeof ua === 'string' ? ua : '', ip: ctx.ip });
    return htmlReply(303, html``, { Location: back });
  };

  return [
    {
      method: 'GET',
      path: '/',
      auth: 'none',
      handler: filtered((ctx) => {
        const ns = ctx.query.get('ns') ?? '';
        const q = ctx.query.get('q') ?? '';
        const namespace = namespaceFilter(ns);
        const messages = queries.messages({
          ...(namespace !== undefined ? { namespace } : {}),
          ...(q.trim() ? { search: q.trim() } : {}),
          limit: LIST_LIMIT,
        });
        const rows = messages.map((message) => ({
          message,
          status: core.messages.aggregateStatus(message.id),
        }));
        return htmlReply(
          200,
          inboxPage({ rows, namespaces: queries.namespaces(), ns, q, limit: LIST_LIMIT }),
        );
      }),
    },
    {
      method: 'GET',
      path: '/ui/messages/:id',
      auth: 'none',
      handler: guarded((ctx) => {
        const found = findMessage(ctx, false);
        if (!found) return notFoundPage(`No message ${ctx.params.id ?? ''} in any namespace.`);
        const { message, recipient } = found;
        const content = inboxMessage(core, message, recipient?.email);
        const openToken = recipient ? pixelToken(message.id, recipient) : undefined;
        return htmlReply(
          200,
          messagePage({
            message,
            view: messageView(core, message),
            content,
            recipient: recipient?.email,
            preview: content.html !== null ? stripOpenPixel(content.html, openToken) : null,
            openTracked: openToken !== undefined,
            raw: core.messages.raw(message.id)?.toString('utf8'),
            events: core.events.forMessage(message.namespace, message.id),
          }),
        );
      }),
    },
    {
      method: 'POST',
      path: '/ui/messages/:id/open',
      auth: 'none',
      handler: guarded(async (ctx) => {
        const found = findMessage(ctx, true);
        if (!found?.recipient) return notFoundPage('No such message or recipient.');
        const { message, recipient } = found;
        const token = pixelToken(message.id, recipient);
        if (token === undefined) {
          return htmlReply(
            409,
            page('No open tracking', html`<h1>Open tracking is off for this message</h1>`),
          );
        }
        return hit(ctx, recordOpen, token, messageUrl(message.id, recipient.email));
      }),
    },
    {
      method: 'POST',
      path: '/ui/messages/:id/click',
      auth: 'none',
      handler: guarded(async (ctx) => {
        const found = findMessage(ctx, true);
        if (!found?.recipient) return notFoundPage('No such message or recipient.');
        const { message, recipient } = found;
        const index = Number(ctx.query.get('link') ?? '0');
        const link = Number.isInteger(index) ? recipient.links[index] : undefined;
        const token = link ? queries.trackingToken(message.id, recipient.email, link.linkId) : undefined;
        if (token === undefined)
          return notFoundPage(`The message has no tracked link ${ctx.query.get('link') ?? ''}.`);
        return hit(ctx, recordClick, token, messageUrl(message.id, recipient.email));
      }),
    },
    {
      method: 'GET',
      path: '/ui/webhooks',
      auth: 'none',
      handler: filtered((ctx) => {
        const ns = ctx.query.get('ns') ?? '';
        const deliveries = queries.deliveries(namespaceFilter(ns), LIST_LIMIT);
        return htmlReply(200, webhooksPage({ deliveries, ns, limit: LIST_LIMIT }));
      }),
    },
    {
      method: 'GET',
      path: '/ui/stats',
      auth: 'none',
      handler: filtered((ctx) => {
        const ns = ctx.query.get('ns') ?? '';
        const namespace = namespaceFilter(ns);
        const namespaces =
          namespace !== undefined ? [namespace] : queries.namespaces().map((n) => n.namespace);
        const query = StatsQuerySchema.parse({ interval: 'none' });
        const now = core.clock.now();
        const stats = namespaces.map((name) => ({
          namespace: name,
          stats: queryStats(core.db, name, query, now),
        }));
        return htmlReply(200, statsPage({ ns, stats }));
      }),
    },
  ];
}

function messageUrl(id: string, recipient: string): string {
  return `/ui/messages/${encodeURIComponent(id)}?recipient=${encodeURIComponent(recipient)}#timeline`;
}
