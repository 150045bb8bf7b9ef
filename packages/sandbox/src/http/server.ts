import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosState } from '../control/chaos-state.js';
import type { IdGenerator } from '../storage/ids.js';
import { authenticateHeader } from './auth.js';
import { fingerprint } from './canonical-json.js';
import { type IdempotencyScope, type IdempotencyStore, parseIdempotencyKey } from './idempotency.js';
import { ProblemError } from './problem.js';
import type { RateLimitCounter } from './rate-limit.js';
import { parseJsonBody, readBody } from './read-body.js';
import type { Router } from './router.js';
import type { AuthInfo, Reply, RequestContext, Route } from './types.js';

export interface HttpDeps {
  router: Router;
  ids: IdGenerator;
  idempotency: IdempotencyStore;
  rateLimits: RateLimitCounter;
  chaos: ChaosState;
  acceptAnyKey: boolean;
  onError: (error: unknown) => void;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function createRequestListener(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = deps.ids.next('req');
    handle(deps, req, res, requestId)
      .then((reply) => send(res, req, requestId, reply))
      .catch((error: unknown) => {
        deps.onError(error);
        send(res, req, requestId, problemReply(toProblem(error), req.url ?? '/', requestId));
      });
  };
}

async function handle(
  deps: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<Reply> {
  const method = (req.method ?? 'GET').toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  } catch {
    req.resume();
    return problemReply(new ProblemError(404, 'not_found'), '/', requestId);
  }
  const instance = url.pathname;
  try {
    const match = deps.router.match(method, url.pathname);
    if (match.kind === 'not_found') {
      throw new ProblemError(404, 'not_found', { detail: `No route for ${method} ${url.pathname}` });
    }
    if (match.kind === 'method_not_allowed') {
      throw new ProblemError(405, 'method_not_allowed', {
        detail: `${method} is not allowed on ${url.pathname}`,
        headers: { Allow: match.allow.join(', ') },
      });
    }
    const { route, params } = match;
    const auth = authorize(route, req, deps.acceptAnyKey);
    const extraHeaders: Record<string, string> = {};
    if (auth) {
      const sends = method === 'POST' && url.pathname.startsWith('/v1/messages') ? 1 : 0;
      Object.assign(extraHeaders, deps.rateLimits.headers(auth.namespace, sends));
    }
    if (auth && url.pathname.startsWith('/v1/')) await injectChaos(deps.chaos);

    let body: unknown;
    if (BODY_METHODS.has(method)) {
      const raw = await readBody(req);
      if (raw.length > 0) {
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type !== 'application/json' && !/^application\/[\w.+-]*\+json$/.test(type)) {
          throw new ProblemError(415, 'unsupported_media_type', {
            detail: `Send JSON with Content-Type: application/json (got ${type || 'none'})`,
          });
        }
        body = parseJsonBody(raw);
      }
    } else {
      req.resume();
    }

    const controller = new AbortController();
    // The request's own 'close' fires once its body is read (Node 20): only the response closing
    // before it finished means the client went away (a long-poll must keep waiting until then).
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const ctx: RequestContext = {
      method,
      path: url.pathname,
      url,
      query: url.searchParams,
      params,
      headers: req.headers,
      requestId,
      auth,
      body,
      ip: req.socket.remoteAddress ?? '',
      signal: controller.signal,
    };
    const reply = await runWithIdempotency(deps, route, ctx);
    reply.headers = { ...extraHeaders, ...reply.headers };
    return reply;
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    req.resume();
    return problemReply(error, instance, requestId);
  }
}

function authorize(route: Route, req: IncomingMessage, acceptAnyKey: boolean): AuthInfo | null {
  if (route.auth === 'none') return null;
  const auth = authenticateHeader(req.headers.authorization, acceptAnyKey);
  if (route.auth === 'test' && !auth.test) {
    throw new ProblemError(403, 'test_key_required', {
      detail: 'The sandbox control API needs an mp_test_ key',
    });
  }
  return auth;
}

async function injectChaos(chaos: ChaosState): Promise<void> {
  const latency = chaos.latencyMs();
  if (latency > 0) await sleep(latency);
  const failure = chaos.take('http');
  if (!failure) return;
  if (failure.code === 429) {
    throw new ProblemError(429, 'rate_limited', {
      detail: 'Rate limit exceeded (sandbox chaos)',
      headers: { 'Retry-After': '1' },
      extra: { violatedPolicies: ['api'] },
    });
  }
  if (failure.code >= 500) {
    throw new ProblemError(failure.code, failure.code === 503 ? 'unavailable' : 'internal_error', {
      detail: failure.message ?? 'Injected failure (sandbox chaos)',
      headers: failure.code === 503 ? { 'Retry-After': '1' } : {},
    });
  }
  throw new ProblemError(failure.code, 'forbidden', {
    detail: failure.message ?? 'Injected failure (sandbox chaos)',
  });
}

async function runWithIdempotency(deps: HttpDeps, route: Route, ctx: RequestContext): Promise<Reply> {
  const key = route.idempotent ? parseIdempotencyKey(ctx.headers['idempotency-key']) : undefined;
  if (key === undefined || !ctx.auth) return route.handler(ctx);
  const scope: IdempotencyScope = { namespace: ctx.auth.namespace, method: ctx.method, path: ctx.path, key };
  const begun = deps.idempotency.begin(scope, fingerprint(ctx.body ?? null));
  if (begun.kind === 'replay') {
    return { status: begun.status, body: begun.body, headers: { 'Idempotent-Replayed': 'true' } };
  }
  let reply: Reply;
  try {
    reply = await route.handler(ctx);
  } catch (error) {
    deps.idempotency.abandon(scope);
    throw error;
  }
  deps.idempotency.finish(scope, reply.status, reply.body);
  return reply;
}

function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  return new ProblemError(500, 'internal_error', { detail: 'The sandbox failed to handle the request' });
}

export function problemReply(error: ProblemError, instance: string, requestId: string): Reply {
  return {
    status: error.status,
    body: error.body(instance, requestId),
    contentType: 'application/problem+json',
    headers: error.headers,
  };
}

function send(res: ServerResponse, req: IncomingMessage, requestId: string, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers, 'X-Request-Id': requestId };
  let payload: string | Uint8Array | undefined;
  if (reply.raw !== undefined) {
    payload = reply.raw;
    headers['Content-Type'] = reply.contentType ?? 'application/octet-stream';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['Content-Type'] = `${reply.contentType ?? 'application/json'}; charset=utf-8`;
  }
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(req.method === 'HEAD' ? undefined : payload);
}
