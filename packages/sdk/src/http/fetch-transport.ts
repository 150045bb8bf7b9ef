import { afterIo } from './after-io.js';
import { TransportTimeoutError } from './transport-timeout-error.js';
import type { HeadersLike, TimedTransportRequest, Transport, TransportResponse } from './types.js';

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

/** One attempt over the global `fetch`, bounded (body included) by `timeoutMs` as a `TimedTransport` must be. */
export async function timedFetch(request: TimedTransportRequest): Promise<TransportResponse> {
  const controller = new AbortController();
  const timeout = new TransportTimeoutError(request.timeoutMs);
  const timer = setTimeout(() => afterIo(() => controller.abort(timeout)), request.timeoutMs);
  try {
    const response = await globalThis.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body as BodyInit | undefined,
      signal: controller.signal,
      redirect: 'manual',
    });
    return new TimedFetchResponse(response, timer, controller.signal);
  } catch (error) {
    clearTimeout(timer);
    throw controller.signal.aborted ? timeout : error;
  }
}

class TimedFetchResponse implements TransportResponse {
  readonly status: number;
  readonly headers: HeadersLike;
  readonly #response: Response;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #signal: AbortSignal;

  constructor(response: Response, timer: ReturnType<typeof setTimeout>, signal: AbortSignal) {
    this.status = response.status;
    this.headers = response.headers;
    this.#response = response;
    this.#timer = timer;
    this.#signal = signal;
  }

  text(): Promise<string> {
    return this.#read(this.#response.text());
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read(this.#response.arrayBuffer());
  }

  async #read<T>(reading: Promise<T>): Promise<T> {
    try {
      return await reading;
    } catch (error) {
      throw this.#signal.aborted ? this.#signal.reason : error;
    } finally {
      clearTimeout(this.#timer);
    }
  }
}
