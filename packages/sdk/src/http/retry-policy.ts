import { RETRY_AFTER_TIMEOUT_COST, RETRY_COST } from './retry-budget.js';

/** What one attempt ended with, as far as the retry decision cares. */
export type AttemptOutcome =
  | {
      kind: 'response';
      status: number;
      /** The problem body's `code` (`''` when there is none). */
      code: string;
      /** The `x-should-retry` header, if any. */
      shouldRetry: string | null;
      retryAfterMs: number | undefined;
    }
  /** The request never reached the server: DNS, refused, connect timeout, TLS handshake. */
  | { kind: 'connect-failure' }
  /** Reset, EPIPE, "socket hang up", "other side closed": the request may have been written. */
  | { kind: 'connection-lost' }
  /** The per-attempt timeout fired. */
  | { kind: 'timeout' }
  /** The call's deadline passed during the attempt. */
  | { kind: 'deadline' }
  /** The caller's signal aborted. */
  | { kind: 'aborted' }
  /** Not worth retrying whatever happened: a 2xx with an unparsable body, a typed error from a transport. */
  | { kind: 'fatal' };

export interface RetryContext {
  /** Retries already made in this call (0 after the first attempt). */
  retriesSoFar: number;
  maxRetries: number;
  /** GET/PUT/PATCH/DELETE, or a POST carrying an `Idempotency-Key`. */
  idempotent: boolean;
  /** A 429 hint above this fails fast (default 60 s). */
  maxRetryAfterMs: number;
  /** The one extra retry of a lost connection (closed keep-alive socket) was already used. */
  staleSocketRetryUsed: boolean;
}

export type NoRetryReason =
  | 'not_retryable'
  | 'max_retries'
  | 'retry_after_too_long'
  | 'not_idempotent'
  | 'aborted'
  | 'deadline';

export type RetryDecision =
  | {
      retry: true;
      /** Tokens the retry takes from the budget. */
      cost: number;
      /** Server wait hint in ms (the backoff decides whether it applies). */
      hintMs: number | undefined;
      /** This retry is the extra one for a closed keep-alive socket, beyond `maxRetries`. */
      staleSocketRetry: boolean;
    }
  | { retry: false; reason: NoRetryReason };

const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Whether a response is worth retrying by the table alone (`x-should-retry` overrides it). */
export function isRetryableResponse(status: number, code: string, shouldRetry: string | null): boolean {
  if (shouldRetry === 'true') return true;
  if (shouldRetry === 'false') return false;
  if (status === 409) return code === 'idempotency_request_in_progress';
  return RETRYABLE_STATUSES.has(status);
}

/**
 * The HTTP retry table of reliability.md as a pure function. The caller still checks the retry
 * budget and whether the backoff fits before the deadline.
 */
export function decideRetry(outcome: AttemptOutcome, context: RetryContext): RetryDecision {
  switch (outcome.kind) {
    case 'aborted':
      return { retry: false, reason: 'aborted' };
    case 'deadline':
      return { retry: false, reason: 'deadline' };
    case 'fatal':
      return { retry: false, reason: 'not_retryable' };
    case 'connect-failure':
      return withinCount(context, RETRY_COST, undefined);
    case 'timeout':
      if (!context.idempotent) return { retry: false, reason: 'not_idempotent' };
      return withinCount(context, RETRY_AFTER_TIMEOUT_COST, undefined);
    case 'connection-lost': {
      if (!context.idempotent) return { retry: false, reason: 'not_idempotent' };
      const decision = withinCount(context, RETRY_COST, undefined);
      if (decision.retry || context.staleSocketRetryUsed) return decision;
      return { retry: true, cost: RETRY_COST, hintMs: undefined, staleSocketRetry: true };
    }
    case 'response': {
      if (!isRetryableResponse(outcome.status, outcome.code, outcome.shouldRetry)) {
        return { retry: false, reason: 'not_retryable' };
      }
      if (
        outcome.status === 429 &&
        outcome.retryAfterMs !== undefined &&
        outcome.retryAfterMs > context.maxRetryAfterMs
      ) {
        return { retry: false, reason: 'retry_after_too_long' };
      }
      if (!context.idempotent) return { retry: false, reason: 'not_idempotent' };
      return withinCount(context, RETRY_COST, outcome.retryAfterMs);
    }
  }
}

function withinCount(context: RetryContext, cost: number, hintMs: number | undefined): RetryDecision {
  if (context.retriesSoFar >= context.maxRetries) return { retry: false, reason: 'max_retries' };
  return { retry: true, cost, hintMs, staleSocketRetry: false };
}
