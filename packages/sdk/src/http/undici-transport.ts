import type { Dispatcher } from 'undici';
import type { ProxySettings } from '../options.js';
import type { HeadersLike, Transport, TransportRequest, TransportResponse } from './types.js';

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

export interface UndiciTransport extends Transport {
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

class UndiciResponse implements TransportResponse {
  readonly status: number;
  readonly headers: HeadersLike;
  readonly #body: Dispatcher.ResponseData['body'];
  constructor(data: Dispatcher.ResponseData) {
    this.status = data.statusCode;
    this.headers = new UndiciHeaders(data.headers);
    this.#body = data.body;
  }
  text(): Promise<string> {
    return this.#body.text();
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#body.arrayBuffer();
  }
}

interface Loaded {
  request: Undici['request'];
  dispatcher: Dispatcher;
  own: boolean;
}

/**
 * The fast Node transport: `undici.request` over one pooled keep-alive agent (proxy-aware, custom CA).
 * undici is imported on the first request, so importing the SDK stays cheap.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  let loading: Promise<Loaded> | undefined;
  let loaded: Loaded | undefined;
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

  const transport = async (request: TransportRequest): Promise<TransportResponse> => {
    const { request: send, dispatcher } = loaded ?? (await load());
    const data = await send(request.url, {
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      dispatcher,
    });
    return new UndiciResponse(data);
  };

  return Object.assign(transport, {
    async close(): Promise<void> {
      if (loading === undefined) return;
      const current = await loading;
      if (current.own) await current.dispatcher.close();
    },
  });
}
