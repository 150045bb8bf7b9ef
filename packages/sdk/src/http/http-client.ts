import {
  AbortError,
  ConnectionError,
  errorFromResponse,
  InvalidHeaderError,
  isMailPlatformError,
  MailPlatformError,
  TimeoutError,
  ValidationError,
} from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { redactText } from '../redact.js';
import { afterIo } from './after-io.js';
import { backoffDelay } from './backoff.js';
import { buildUrl } from './build-url.js';
import { createFetchTransport } from './fetch-transport.js';
import { classifyNetworkError } from './network-error.js';
import { parseRetryAfterMs } from './retry-after.js';
import { RetryBudget } from './retry-budget.js';
import { type AttemptOutcome, decideRetry } from './retry-policy.js';
import { systemClock } from './system-clock.js';
import { TransportTimeoutError } from './transport-timeout-error.js';
import type {
  ApiRequest,
  ApiResponse,
  Clock,
  Logger,
  Requester,
  RequestOptions,
  TimedTransport,
  Transport,
  TransportResponse,
} from './types.js';
import { buildUserAgent, detectRuntime } from './user-agent.js';

const NO_OPTIONS: RequestOptions = {};
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Set by the client on every attempt; a caller's `headers` may not replace them. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'idempotency-key',
  'x-mp-retry-count',
  'x-mp-timeout',
  'content-type',
  'user-agent',
  'x-mp-user-agent',
]);

type AttemptResult =
  | { ok: true; response: TransportResponse; data: unknown }
  | { ok: false; outcome: AttemptOutcome; error: MailPlatformError };

/** Everything one logical call needs across its attempts. */
interface Call {
  method: ApiRequest['method'];
  url: string;
  /** `/v1/...` without the query: what error messages and logs show. */
  label: string;
  body: string | Uint8Array | undefined;
  idempotencyKey: string | undefined;
  responseType: NonNullable<ApiRequest['responseType']>;
  extraHeaders: Record<string, string> | undefined;
  signal: AbortSignal | undefined;
}

/**
 * The one `Requester`: builds the URL and body, sends attempts through the transport with per-attempt
 * timeouts linked to the call's deadline and the caller's signal (enforced by the transport itself
 * when it is a `TimedTransport` and the caller gave no signal), retries by the policy within the
 * retry budget, and turns failures into typed errors carrying `requestId`, `idempotencyKey` and
 * `attempts`.
 */
export class HttpClient implements Requester {
  /** The per-client retry budget (reliability.md); exposed for tests and metrics. */
  readonly budget: RetryBudget;
  readonly #options: ResolvedOptions;
  readonly #transport: Transport;
  /** Set when the transport enforces attempt timeouts itself (used when the caller gives no signal). */
  readonly #timed: TimedTransport | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #authorization: string;
  readonly #userAgentHeader: string;
  readonly #userAgent: string;

  constructor(options: ResolvedOptions, transport?: Transport) {
    this.#options = options;
    this.#transport = transport ?? options.transport ?? createFetchTransport(options.fetch);
    this.#timed = isTimed(this.#transport) ? this.#transport : undefined;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#authorization = `Bearer ${options.apiKey}`;
    const runtime = detectRuntime();
    this.#userAgent = buildUserAgent(runtime, options.userAgent);
    this.#userAgentHeader = runtime.browser ? 'x-mp-user-agent' : 'user-agent';
    this.budget = new RetryBudget();
  }

  async request<T = unknown>(request: ApiRequest): Promise<ApiResponse<T>> {
    const options = request.options ?? NO_OPTIONS;
    const call = this.#prepare(request, options);
    const kind = request.kind ?? (request.method === 'GET' ? 'read' : 'write');
    const attemptTimeout = checkMs('timeout', options.timeout, 1) ?? this.#options.timeouts[kind];
    const deadline = checkMs('deadline', options.deadline, 1) ?? this.#options.deadline;
    const maxRetries = checkRetries(options.maxRetries) ?? this.#options.maxRetries;
    const clock = this.#clock;
    const deadlineAt = clock.now() + deadline;
    let spent = 0;
    let staleSocketRetryUsed = false;
    let lastError: MailPlatformError | undefined;

    for (let attempt = 1; ; attempt++) {
      if (call.signal?.aborted) throw this.#abortError(call, attempt - 1);
      const remaining = deadlineAt - clock.now();
      if (remaining <= 0) throw lastError ?? this.#deadlineError(call, deadline, attempt - 1);
      const byDeadline = remaining < attemptTimeout;
      const started = clock.now();
      const result = await this.#attempt(call, attempt, byDeadline ? remaining : attemptTimeout, byDeadline);
      if (result.ok) {
        const { response } = result;
        const requestId = response.headers.get('x-request-id') ?? undefined;
        if (this.#logger !== undefined) this.#log(call, attempt, started, response.status, requestId);
        if (attempt === 1) this.budget.recordFirstAttemptSuccess();
        else this.budget.refund(spent);
        return {
          data: result.data as T,
          status: response.status,
          requestId,
          idempotencyKey: call.idempotencyKey,
          replayed: response.headers.get('idempotent-replayed') === 'true',
          attempts: attempt,
          headers: response.headers,
        };
      }

      const { outcome, error } = result;
      if (this.#logger !== undefined) {
        this.#log(
          call,
          attempt,
          started,
          outcome.kind === 'response' ? outcome.status : error.code,
          error.requestId,
        );
      }
      lastError = error;
      const decision = decideRetry(outcome, {
        retriesSoFar: attempt - 1,
        maxRetries,
        idempotent: call.method !== 'POST' || call.idempotencyKey !== undefined,
        maxRetryAfterMs: this.#options.maxRetryAfter,
        staleSocketRetryUsed,
      });
      if (!decision.retry) throw error;
      if (!this.budget.tryAcquire(decision.cost)) {
        this.#debug(`retry budget exhausted; not retrying ${call.method} ${call.label}`);
        throw error;
      }
      spent += decision.cost;
      if (decision.staleSocketRetry) staleSocketRetryUsed = true;
      const delay = decision.staleSocketRetry
        ? 0
        : backoffDelay(attempt, this.#options.random, decision.hintMs, this.#options.backoff);
      if (clock.now() + delay >= deadlineAt) {
        this.#debug(`retry in ${Math.round(delay)} ms would pass the deadline; giving up`);
        throw error;
      }
      this.#debug(`retrying ${call.method} ${call.label} in ${Math.round(delay)} ms`);
      if (delay > 0) {
        try {
          await clock.sleep(delay, call.signal);
        } catch (sleepError) {
          if (call.signal?.aborted) throw this.#abortError(call, attempt);
          throw sleepError;
        }
      }
    }
  }

  /** Releases the transport's connections (the undici agent); in-flight requests finish first. */
  async close(): Promise<void> {
    await (this.#transport as Transport & { close?: () => Promise<void> }).close?.();
  }

  #prepare(request: ApiRequest, options: RequestOptions): Call {
    const { method, path } = request;
    if (!path.startsWith('/')) {
      throw new ValidationError(`path must start with '/', got ${JSON.stringify(path)}`, { field: 'path' });
    }
    let idempotencyKey = options.idempotencyKey;
    if (idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
        throw new ValidationError(
          'idempotencyKey must be 1–255 printable ASCII characters without leading or trailing spaces',
          { field: 'idempotencyKey' },
        );
      }
    } else if (method === 'POST') {
      idempotencyKey = `mpk_${crypto.randomUUID()}`;
    }
    const body = request.body;
    return {
      method,
      url: buildUrl(this.#options.apiUrl, path, request.query),
      label: `/v1${path}`,
      body: body === undefined || body instanceof Uint8Array ? body : JSON.stringify(body),
      idempotencyKey,
      responseType: request.responseType ?? 'json',
      extraHeaders: options.headers === undefined ? undefined : checkHeaders(options.headers),
      signal: options.signal,
    };
  }

  async #attempt(
    call: Call,
    attempt: number,
    timeoutMs: number,
    byDeadline: boolean,
  ): Promise<AttemptResult> {
    const headers: Record<string, string> = {
      authorization: this.#authorization,
      accept: call.responseType === 'json' ? 'application/json' : '*/*',
      [this.#userAgentHeader]: this.#userAgent,
      'x-mp-retry-count': String(attempt - 1),
      'x-mp-timeout': String(Math.ceil(timeoutMs) / 1000),
    };
    if (call.body !== undefined) {
      headers['content-type'] =
        call.body instanceof Uint8Array ? 'application/octet-stream' : 'application/json';
    }
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    if (call.extraHeaders !== undefined) Object.assign(headers, call.extraHeaders);

    const callerSignal = call.signal;
    const timed = this.#timed;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onCallerAbort: (() => void) | undefined;
    let timedOut = false;
    let settled = false;
    try {
      let response: TransportResponse;
      if (timed !== undefined && callerSignal === undefined) {
        response = await timed.timed({
          method: call.method,
          url: call.url,
          headers,
          body: call.body,
          timeoutMs,
        });
      } else {
        const controller = new AbortController();
        timer = setTimeout(() => {
          afterIo(() => {
            if (settled) return;
            timedOut = true;
            controller.abort();
          });
        }, timeoutMs);
        onCallerAbort = (): void => controller.abort(callerSignal?.reason);
        callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
        response = await this.#transport({
          method: call.method,
          url: call.url,
          headers,
          body: call.body,
          signal: controller.signal,
        });
      }
      const status = response.status;
      if (status >= 200 && status < 300) return await this.#readSuccess(call, response, attempt);
      const bodyText = await response.text();
      const error = errorFromResponse({
        status,
        headers: response.headers,
        bodyText,
        requestId: response.headers.get('x-request-id') ?? undefined,
        idempotencyKey: call.idempotencyKey,
        attempts: attempt,
      });
      return {
        ok: false,
        error,
        outcome: {
          kind: 'response',
          status,
          code: error.problem?.code ?? '',
          shouldRetry: response.headers.get('x-should-retry'),
          retryAfterMs: parseRetryAfterMs(response.headers),
        },
      };
    } catch (thrown) {
      if (callerSignal?.aborted)
        return { ok: false, outcome: { kind: 'aborted' }, error: this.#abortError(call, attempt) };
      if (timedOut || thrown instanceof TransportTimeoutError) {
        const error = byDeadline
          ? this.#deadlineError(call, undefined, attempt, thrown)
          : new TimeoutError(
              `${call.method} ${call.label} timed out after ${timeoutMs} ms (attempt ${attempt})`,
              {
                code: 'timeout',
                cause: thrown,
                idempotencyKey: call.idempotencyKey,
                attempts: attempt,
                retryable: true,
              },
            );
        return { ok: false, outcome: { kind: byDeadline ? 'deadline' : 'timeout' }, error };
      }
      if (isMailPlatformError(thrown)) return { ok: false, outcome: { kind: 'fatal' }, error: thrown };
      const info = classifyNetworkError(thrown);
      const error = new ConnectionError(
        `${call.method} ${call.label} failed: ${info.failure === 'connect-failure' ? 'could not connect' : 'connection lost'} (${info.detail})`,
        {
          code: info.failure === 'connect-failure' ? 'connection_failed' : 'connection_lost',
          cause: thrown,
          idempotencyKey: call.idempotencyKey,
          attempts: attempt,
          retryable: true,
        },
      );
      return { ok: false, outcome: { kind: info.failure }, error };
    } finally {
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (onCallerAbort !== undefined) callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  async #readSuccess(call: Call, response: TransportResponse, attempt: number): Promise<AttemptResult> {
    switch (call.responseType) {
      case 'bytes':
        return { ok: true, response, data: new Uint8Array(await response.arrayBuffer()) };
      case 'text':
        return { ok: true, response, data: await response.text() };
      case 'none':
        await response.text();
        return { ok: true, response, data: undefined };
      case 'json': {
        const text = await response.text();
        if (text === '') return { ok: true, response, data: undefined };
        try {
          return { ok: true, response, data: JSON.parse(text) };
        } catch (cause) {
          const error = new MailPlatformError(
            `${call.method} ${call.label} answered ${response.status} with a body that is not JSON`,
            {
              code: 'invalid_response',
              cause,
              status: response.status,
              requestId: response.headers.get('x-request-id') ?? undefined,
              idempotencyKey: call.idempotencyKey,
              attempts: attempt,
              retryable: call.method !== 'POST' || call.idempotencyKey !== undefined,
            },
          );
          return { ok: false, outcome: { kind: 'fatal' }, error };
        }
      }
    }
  }

  #abortError(call: Call, attempts: number): AbortError {
    return new AbortError(`${call.method} ${call.label} was aborted by the caller's signal`, {
      code: 'aborted',
      cause: call.signal?.reason,
      idempotencyKey: call.idempotencyKey,
      attempts,
      retryable: false,
    });
  }

  #deadlineError(call: Call, deadline: number | undefined, attempts: number, cause?: unknown): TimeoutError {
    const ms = deadline ?? this.#options.deadline;
    return new TimeoutError(`${call.method} ${call.label} did not finish within its deadline of ${ms} ms`, {
      code: 'deadline_exceeded',
      cause,
      idempotencyKey: call.idempotencyKey,
      attempts,
      retryable: true,
    });
  }

  #log(
    call: Call,
    attempt: number,
    started: number,
    result: number | string,
    requestId: string | undefined,
  ): void {
    const ms = this.#clock.now() - started;
    const url = redactText(call.url, [this.#options.apiKey]);
    this.#logger?.debug?.(
      `${call.method} ${url} ${result} (attempt ${attempt}, ${ms} ms${requestId === undefined ? '' : `, ${requestId}`})`,
      { method: call.method, url, status: result, attempt, ms, requestId },
    );
  }

  #debug(message: string): void {
    this.#logger?.debug?.(redactText(message, [this.#options.apiKey]));
  }
}

function isTimed(transport: Transport): transport is TimedTransport {
  return typeof (transport as Partial<TimedTransport>).timed === 'function';
}

function checkMs(field: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ValidationError(`${field} must be a number ≥ ${min}, got ${String(value)}`, { field });
  }
  return value;
}

function checkRetries(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) {
    throw new ValidationError(`maxRetries must be a whole number ≥ 0, got ${String(value)}`, {
      field: 'maxRetries',
    });
  }
  return value;
}

function checkHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (!HEADER_NAME_PATTERN.test(name)) {
      throw new InvalidHeaderError(`Invalid header name ${JSON.stringify(name)}`, {
        field: `headers.${name}`,
      });
    }
    if (HEADER_VALUE_FORBIDDEN.test(value)) {
      throw new InvalidHeaderError(`Header ${name} contains a control character (CR, LF or NUL)`, {
        field: `headers.${name}`,
      });
    }
    if (RESERVED_HEADERS.has(lower)) {
      throw new ValidationError(
        `Header ${name} is set by the client; use the apiKey and idempotencyKey options instead`,
        { field: `headers.${name}` },
      );
    }
    out[lower] = value;
  }
  return out;
}
