import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';
import type { ProxySettings } from '../options.js';
import { timedFetch } from './fetch-transport.js';
import { TransportTimeoutError } from './transport-timeout-error.js';
import type {
  HeadersLike,
  TimedTransport,
  TimedTransportRequest,
  TransportRequest,
  TransportResponse,
} from './types.js';

type Undici = Pick<typeof import('undici'), 'request' | 'Agent' | 'ProxyAgent' | 'EnvHttpProxyAgent'>;

export interface UndiciTransportOptions {
  /** Use this dispatcher instead of the transport's own agent (undici's `MockAgent` in tests). It is not closed by `close()`. */
  dispatcher?: Dispatcher;
  /** Extra CA certificates (PEM) trusted for the API and for an HTTPS proxy. */
  ca?: readonly string[];
  /** From `resolveOptions`: the `proxy` option or `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`. */
  proxy?: ProxySettings;
  /** Sockets per origin (default 128: room for concurrency 32 and more). */
  connections?: number;
  /** TCP + TLS connect timeout in ms (default 5 s). */
  connectTimeout?: number;
}

export interface UndiciTransport extends TimedTransport {
  /** Loads undici now (until it is loaded, a plain agent's requests go through the global `fetch`). */
  load(): Promise<void>;
  /** Closes the transport's own agent once in-flight requests finish. */
  close(): Promise<void>;
}

export type DispatcherChoice =
  | { kind: 'agent' }
  | { kind: 'proxy'; uri: string }
  | {
      kind: 'env-proxy';
      httpProxy: string | undefined;
      httpsProxy: string | undefined;
      noProxy: string | undefined;
    };

/** The `proxy` option wins; proxy environment variables select undici's `EnvHttpProxyAgent`; else a plain agent. */
export function chooseDispatcher(proxy: ProxySettings | undefined): DispatcherChoice {
  if (proxy?.url !== undefined) return { kind: 'proxy', uri: proxy.url };
  if (proxy !== undefined && (proxy.httpProxy !== undefined || proxy.httpsProxy !== undefined)) {
    return {
      kind: 'env-proxy',
      httpProxy: proxy.httpProxy,
      httpsProxy: proxy.httpsProxy,
      noProxy: proxy.noProxy,
    };
  }
  return { kind: 'agent' };
}

/** One pooled keep-alive dispatcher per transport (never one per request). */
export function createDispatcher(undici: Undici, options: UndiciTransportOptions): Dispatcher {
  const ca = options.ca === undefined ? undefined : [...options.ca];
  const agentOptions = {
    connections: options.connections ?? 128,
    pipelining: 1,
    connect: { timeout: options.connectTimeout ?? 5_000, ...(ca === undefined ? {} : { ca }) },
  };
  const choice = chooseDispatcher(options.proxy);
  switch (choice.kind) {
    case 'agent':
      return new undici.Agent(agentOptions);
    case 'proxy':
      return new undici.ProxyAgent({
        ...agentOptions,
        uri: choice.uri,
        ...(ca === undefined ? {} : { requestTls: { ca }, proxyTls: { ca } }),
      });
    case 'env-proxy':
      return new undici.EnvHttpProxyAgent({
        ...agentOptions,
        httpProxy: choice.httpProxy,
        httpsProxy: choice.httpsProxy,
        noProxy: choice.noProxy,
      });
  }
}

class UndiciHeaders implements HeadersLike {
  readonly #raw: Record<string, string | string[] | undefined>;
  constructor(raw: Record<string, string | string[] | undefined>) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }
}

/**
 * The per-attempt timer of the timed path. undici accepts an `EventEmitter` as `signal` (documented);
 * emitting `abort` fails the request, or its body once the headers are in, with `reason`. Much cheaper
 * than an `AbortController`, and unlike undici's `headersTimeout` it also covers queueing, connecting
 * and a slow body.
 */
class AttemptTimer extends EventEmitter {
  reason: TransportTimeoutError | undefined;
  readonly #timer: ReturnType<typeof setTimeout>;
  #expiry: ReturnType<typeof setImmediate> | undefined;

  constructor(timeoutMs: number) {
    super();
    // After a stalled event loop (GC, CPU starvation, a synchronous module load) Node runs expired
    // timers before it reads the sockets, so an answer already received would be thrown away. The
    // abort waits for the I/O poll of this loop turn: an answer that arrived in time wins.
    this.#timer = setTimeout(() => {
      this.#expiry = setImmediate(() => {
        this.reason = new TransportTimeoutError(timeoutMs);
        this.emit('abort');
      });
    }, timeoutMs);
  }

  /** The error to throw for `error`: the timeout when it fired. */
  failure(error: unknown): unknown {
    return this.reason ?? error;
  }

  stop(): void {
    clearTimeout(this.#timer);
    if (this.#expiry !== undefined) clearImmediate(this.#expiry);
  }
}

class UndiciResponse implements TransportResponse {
  readonly status: number;
  readonly headers: HeadersLike;
  readonly #body: Dispatcher.ResponseData['body'];
  readonly #timer: AttemptTimer | undefined;
  constructor(data: Dispatcher.ResponseData, timer: AttemptTimer | undefined) {
    this.status = data.statusCode;
    this.headers = new UndiciHeaders(data.headers);
    this.#body = data.body;
    this.#timer = timer;
  }
  text(): Promise<string> {
    return this.#timer === undefined ? this.#body.text() : this.#read(this.#body.text(), this.#timer);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#timer === undefined
      ? this.#body.arrayBuffer()
      : this.#read(this.#body.arrayBuffer(), this.#timer);
  }
  async #read<T>(reading: Promise<T>, timer: AttemptTimer): Promise<T> {
    try {
      return await reading;
    } catch (error) {
      throw timer.failure(error);
    } finally {
      timer.stop();
    }
  }
}

interface Loaded {
  request: Undici['request'];
  dispatcher: Dispatcher;
  own: boolean;
}

/**
 * The fast Node transport: `undici.request` over one pooled keep-alive agent (proxy-aware, custom CA).
 * undici is imported lazily, so importing the SDK stays cheap. With a plain agent (no `dispatcher`,
 * proxy or CA) requests made before undici has loaded go through the global `fetch` (same headers,
 * body, timeouts and error mapping), so the first send does not wait for undici; the first response
 * starts loading it, and every later request uses it.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  let loading: Promise<Loaded> | undefined;
  let loaded: Loaded | undefined;
  const viaFetchFirst =
    options.dispatcher === undefined &&
    options.ca === undefined &&
    chooseDispatcher(options.proxy).kind === 'agent' &&
    typeof globalThis.fetch === 'function';
  const load = (): Promise<Loaded> => {
    loading ??= import('undici').then((undici) => {
      loaded = {
        request: undici.request,
        dispatcher: options.dispatcher ?? createDispatcher(undici, options),
        own: options.dispatcher === undefined,
      };
      return loaded;
    });
    return loading;
  };
  const loadAfter = <T>(pending: Promise<T>): Promise<T> => {
    pending.then(load, load).catch(() => undefined);
    return pending;
  };

  const transport = async (request: TransportRequest): Promise<TransportResponse> => {
    if (loaded === undefined && viaFetchFirst) {
      return loadAfter(
        globalThis.fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body as BodyInit | undefined,
          signal: request.signal,
          redirect: 'manual',
        }),
      );
    }
    const { request: send, dispatcher } = loaded ?? (await load());
    const data = await send(request.url, {
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      dispatcher,
    });
    return new UndiciResponse(data, undefined);
  };

  const timed = async (request: TimedTransportRequest): Promise<TransportResponse> => {
    if (loaded === undefined && viaFetchFirst) return loadAfter(timedFetch(request));
    const { request: send, dispatcher } = loaded ?? (await load());
    const timer = new AttemptTimer(request.timeoutMs);
    try {
      const data = await send(request.url, {
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
        signal: timer,
        dispatcher,
      });
      return new UndiciResponse(data, timer);
    } catch (error) {
      timer.stop();
      throw timer.failure(error);
    }
  };

  return Object.assign(transport, {
    timed,
    async load(): Promise<void> {
      await load();
    },
    async close(): Promise<void> {
      if (loading === undefined) return;
      const current = await loading;
      if (current.own) await current.dispatcher.close();
    },
  });
}
