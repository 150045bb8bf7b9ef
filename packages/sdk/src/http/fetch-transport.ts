import type { Transport, TransportResponse } from './types.js';

/**
 * A `Transport` over `fetchImpl`, or over the global `fetch` looked up at call time (so msw and other
 * interceptors installed later still see the request). Works on every Web-standard runtime.
 */
export function createFetchTransport(fetchImpl?: typeof globalThis.fetch): Transport {
  return async (request): Promise<TransportResponse> => {
    const doFetch = fetchImpl ?? globalThis.fetch;
    return doFetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body as BodyInit | undefined,
      signal: request.signal,
      redirect: 'manual',
    });
  };
}
