import type { IncomingHttpHeaders } from 'node:http';

export interface AuthInfo {
  apiKey: string;
  namespace: string;
  /** true for `mp_test_` keys (the control API needs one). */
  test: boolean;
}

export interface RequestContext {
  method: string;
  path: string;
  url: URL;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  requestId: string;
  auth: AuthInfo | null;
  body: unknown;
  ip: string;
  signal: AbortSignal;
}

export interface Reply {
  status: number;
  /** JSON-serialised unless `raw` is given. */
  body?: unknown;
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

export type RouteHandler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  path: string;
  /** `key`: any accepted API key; `test`: a test key; `none`: public (tracking, healthz). */
  auth: 'key' | 'test' | 'none';
  /** POST routes that create something honour `Idempotency-Key` (contract §10). */
  idempotent?: boolean;
  handler: RouteHandler;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, ...(headers ? { headers } : {}) };
}
