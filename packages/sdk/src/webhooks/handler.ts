import { WebhookVerificationError } from '../errors.js';
import { createMemoryDedupeStore, DEFAULT_DEDUPE_TTL_SECONDS, type DedupeStore } from './dedupe-store.js';
import { type EventEnvelope, type EventOf, type EventType, isKnownEvent, type MailEvent } from './event.js';
import type { WebhookSecret } from './secret.js';
import { verifyWebhookEnvelope } from './verify.js';

/** What a handler receives besides the event: the request plus any `context` the caller passes in. */
export type WebhookHandlerContext<C extends object = {}> = C & { request: Request; webhookId: string };

export type WebhookEventHandler<E, C extends object = {}> = (
  event: E,
  context: WebhookHandlerContext<C>,
) => unknown;

/** Handlers keyed by event type; `'*'` runs for every event, after the type's own handler. */
export type WebhookHandlerMap<C extends object = {}> = {
  [T in EventType]?: WebhookEventHandler<EventOf<T>, C>;
} & { '*'?: WebhookEventHandler<MailEvent, C> };

export interface HandleWebhookOptions<C extends object = {}> {
  secret: WebhookSecret | readonly WebhookSecret[];
  /**
   * One function for every event, or a map by event type. Types without a handler, and types newer
   * than this SDK version, are acknowledged with 200 without running anything.
   */
  on: WebhookEventHandler<MailEvent, C> | WebhookHandlerMap<C>;
  /**
   * Where handled ids are remembered. Default: one in-memory store per process, shared by every
   * handler that passes none (enough for a single instance; pass a shared store for several).
   * `false` turns de-duplication off: every delivery runs the handler.
   */
  dedupe?: DedupeStore | false;
  /** How long a handled id is remembered. Default 5 days. */
  dedupeTtlSeconds?: number;
  /** Default 1 MiB; checked against `Content-Length` and against the bytes actually read. */
  maxBodyBytes?: number;
  /** Seconds, both directions. Default 300. */
  tolerance?: number;
  now?: () => number;
  /** Extra fields for the handler's context (an adapter passes its framework's request and response). */
  context?: C;
  /** Called with a handler's or the dedupe store's error; the response is still 500 (or 200 after a failed `put`). */
  onError?: (error: unknown, event: EventEnvelope) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

const tooLarge = (): Response => json(413, { error: { reason: 'payload_too_large' } });

/** The body as bytes, or `undefined` as soon as it exceeds `limit` (the rest is not read). */
async function readBody(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

async function dispatch<C extends object>(
  on: HandleWebhookOptions<C>['on'],
  event: MailEvent,
  context: WebhookHandlerContext<C>,
): Promise<void> {
  if (typeof on === 'function') {
    await on(event, context);
    return;
  }
  const own = on[event.type] as WebhookEventHandler<MailEvent, C> | undefined;
  if (own) await own(event, context);
  if (on['*']) await on['*'](event, context);
}

/**
 * The one webhook endpoint every adapter wraps: Web `Request` in, `Response` out. 405 for a method
 * other than POST, 413 for an oversize body, 400 `{error:{reason}}` when verification fails (no
 * handler runs), 200 `{ok:true,duplicate:true}` for an id already handled, 200 `{ok:true}` after the
 * handler resolved, 500 when it threw (the id is not remembered, so the platform retries).
 *
 * @example
 * ```ts
 * import { handleWebhookRequest } from '@mailplatform/sdk';
 *
 * // A Next.js route handler (app/webhooks/mailplatform/route.ts); any framework with Web Requests works.
 * export function POST(request: Request): Promise<Response> {
 *   return handleWebhookRequest(request, {
 *     secret: process.env.MAILPLATFORM_WEBHOOK_SECRET ?? '',
 *     on: {
 *       'message.bounced': async (event) => {
 *         if (event.data.bounce.class === 'hard') await markInvalid(event.data.recipient);
 *       },
 *     },
 *   });
 * }
 * ```
 */
export async function handleWebhookRequest<C extends object = {}>(
  request: Request,
  options: HandleWebhookOptions<C>,
): Promise<Response> {
  if (request.method !== 'POST') {
    return json(405, { error: { reason: 'method_not_allowed' } }, { allow: 'POST' });
  }
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) return tooLarge();
  const body = await readBody(request, limit);
  if (body === undefined) return tooLarge();

  let event: EventEnvelope;
  try {
    event = await verifyWebhookEnvelope({
      payload: body,
      headers: request.headers,
      secret: options.secret,
      tolerance: options.tolerance,
      now: options.now,
    });
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      return json(400, { error: { reason: error.reason } });
    }
    throw error;
  }

  if (!isKnownEvent(event)) return json(200, { ok: true });
  const webhookId = request.headers.get('webhook-id') ?? event.id;
  const dedupe = options.dedupe === false ? undefined : (options.dedupe ?? defaultStore());
  const context = { ...options.context, request, webhookId } as WebhookHandlerContext<C>;
  // A redelivery that arrives while the first delivery of the same id is still being handled gets
  // 409: the platform retries it later, and if the first one fails, that retry runs the handler.
  const claimed = dedupe ? claimsOf(dedupe) : undefined;
  if (claimed?.has(webhookId)) return json(409, { error: { reason: 'in_progress' } });
  claimed?.add(webhookId);
  try {
    try {
      if (dedupe && (await dedupe.has(webhookId))) return json(200, { ok: true, duplicate: true });
      await dispatch(options.on, event, context);
    } catch (error) {
      options.onError?.(error, event);
      return json(500, { error: { reason: 'handler_failed' } });
    }
    try {
      await dedupe?.put(webhookId, options.dedupeTtlSeconds ?? DEFAULT_DEDUPE_TTL_SECONDS);
    } catch (error) {
      options.onError?.(error, event);
    }
    return json(200, { ok: true });
  } finally {
    claimed?.delete(webhookId);
  }
}

let processStore: DedupeStore | undefined;

/** The store used when a handler passes none, created on first use. */
function defaultStore(): DedupeStore {
  processStore ??= createMemoryDedupeStore();
  return processStore;
}

/** Ids being handled right now, per dedupe store (so two handlers sharing a store share the claims). */
const inFlight = new WeakMap<DedupeStore, Set<string>>();

function claimsOf(store: DedupeStore): Set<string> {
  let claims = inFlight.get(store);
  if (claims === undefined) {
    claims = new Set();
    inFlight.set(store, claims);
  }
  return claims;
}
