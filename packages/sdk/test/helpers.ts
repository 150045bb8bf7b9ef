import { HttpResponse, http, type JsonBodyType } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import { MailPlatform } from '../src/client.js';
import type { ClientOptions } from '../src/options.js';

export const API_KEY = 'mp_test_k3yForUnitTests9f2c';
export const BASE_URL = 'http://127.0.0.1:4400';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Decoded query string (`metadata[orderId]=1042&type=a&type=b`). */
  search: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export type Reply = (request: RecordedRequest, attempt: number) => Response;

/** An msw server that records every request and answers with `reply` (the last one set wins). */
export function createApiServer(): {
  server: SetupServer;
  requests: RecordedRequest[];
  reply(reply: Reply): void;
  reset(): void;
} {
  const requests: RecordedRequest[] = [];
  let current: Reply = () => HttpResponse.json({ code: 'not_found' }, { status: 404 });
  const server = setupServer(
    http.all(`${BASE_URL}/v1/*`, async ({ request }) => {
      const url = new URL(request.url);
      const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        search: decodeURIComponent(url.search.slice(1)),
        query: url.searchParams,
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(recorded);
      return current(recorded, requests.length);
    }),
  );
  return {
    server,
    requests,
    reply(reply) {
      current = reply;
    },
    reset() {
      requests.length = 0;
      current = () => HttpResponse.json({ code: 'not_found' }, { status: 404 });
    },
  };
}

export function json(body: JsonBodyType, status = 200, headers: Record<string, string> = {}): Response {
  return HttpResponse.json(body, { status, headers: { 'x-request-id': 'req_test', ...headers } });
}

export function problem(status: number, code: string, extra: Record<string, unknown> = {}): Response {
  return new Response(JSON.stringify({ status, code, title: code, detail: `${code} detail`, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req_problem' },
  });
}

/** A client on the default (fetch) platform with millisecond backoff. */
export function createClient(options: ClientOptions = {}): MailPlatform {
  return new MailPlatform({
    apiKey: API_KEY,
    baseUrl: BASE_URL,
    backoff: { initialDelayMs: 1, maxDelayMs: 2 },
    ...options,
  });
}
