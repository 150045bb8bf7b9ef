/**
 * The seams of the HTTP layer. `HttpClient` (http-client.ts) implements `Requester`; resources only
 * ever see `Requester`, so they know nothing of retries, transports or timeouts.
 */

/** Options accepted as the last argument of every resource method. */
export interface RequestOptions {
  /** Idempotency key for a POST; generated once per call (`mpk_<uuid>`) when absent and reused on every retry. */
  idempotencyKey?: string;
  /** Per-attempt timeout in ms. */
  timeout?: number;
  /** Deadline for the whole call, backoff included, in ms. */
  deadline?: number;
  maxRetries?: number;
  signal?: AbortSignal;
  /** Extra headers for this call (never `Authorization`). */
  headers?: Record<string, string>;
}

/** What goes over the wire: a fetch `Response` satisfies `TransportResponse`. */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
}

/**
 * A request for a transport that enforces the attempt timeout itself (the Node transport: cheaper than
 * an `AbortController` and a timer per attempt). It must bound the whole attempt, body included, and
 * reject with `TransportTimeoutError` when `timeoutMs` passes. Used only when the caller gave no signal.
 */
export interface TimedTransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs: number;
}

export interface TimedTransport extends Transport {
  timed(request: TimedTransportRequest): Promise<TransportResponse>;
}

/** Read access to response headers, case-insensitive (a fetch `Headers` satisfies it). */
export interface HeadersLike {
  get(name: string): string | null;
}

export interface TransportResponse {
  status: number;
  headers: HeadersLike;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** Which default per-attempt timeout applies (reliability.md: send 30 s, read 15 s, export creation 60 s). */
export type RequestKind = 'send' | 'read' | 'write' | 'export';

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path below `/v1`, starting with `/` (for example `/messages`). */
  path: string;
  query?: Record<string, QueryValue | Record<string, string>>;
  body?: unknown;
  kind?: RequestKind;
  /** `json` (default) parses the body, `bytes` returns it raw, `none` ignores it (204). */
  responseType?: 'json' | 'bytes' | 'text' | 'none';
  options?: RequestOptions;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  requestId: string | undefined;
  /** The key sent with a POST (the caller's or the generated one). */
  idempotencyKey: string | undefined;
  /** `Idempotent-Replayed: true`: the platform answered from its idempotency store. */
  replayed: boolean;
  attempts: number;
  headers: HeadersLike;
}

export interface Requester {
  request<T = unknown>(request: ApiRequest): Promise<ApiResponse<T>>;
}

export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** Injected for tests: a clock, a sleeper and a random source. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
