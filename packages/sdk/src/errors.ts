import { parseRetryAfterMs } from './http/retry-after.js';
import { isRetryableResponse } from './http/retry-policy.js';
import type { HeadersLike } from './http/types.js';
import { redactText } from './redact.js';
import { jsonPointerToFieldPath } from './validation/paths.js';

const BRAND = Symbol.for('mailplatform.error');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

type InspectFunction = (value: unknown, options?: unknown) => string;

export type WebhookVerificationReason =
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_out_of_tolerance'
  | 'no_matching_signature'
  | 'malformed_payload'
  | 'payload_too_large';

export interface FieldError {
  /** JSON pointer (`/to/0`) or dotted field path of the offending value. */
  pointer: string;
  code: string;
  message: string;
}

export interface MailPlatformErrorOptions {
  code?: string;
  cause?: unknown;
  status?: number;
  requestId?: string;
  idempotencyKey?: string;
  attempts?: number;
  retryable?: boolean;
}

/** Base of every error the SDK throws. Check with `isMailPlatformError(e)` (works across ESM/CJS copies). */
export class MailPlatformError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  idempotencyKey: string | undefined;
  attempts: number;
  readonly retryable: boolean;

  constructor(message: string, options: MailPlatformErrorOptions = {}) {
    super(redactText(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'mailplatform_error';
    this.status = options.status;
    this.requestId = options.requestId;
    this.idempotencyKey = options.idempotencyKey;
    this.attempts = options.attempts ?? 0;
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (value !== undefined && key !== 'cause') out[key] = value;
    }
    return JSON.parse(redactText(JSON.stringify(out)));
  }

  /**
   * `util.inspect` / `console.log`: the redacted `toJSON()` fields on a plain error with the same
   * stack and cause, and the whole rendering redacted once more (the cause may come from elsewhere).
   */
  [INSPECT](_depth: number, options: unknown, inspect?: InspectFunction): string {
    const { name: _name, message: _message, ...fields } = this.toJSON();
    const Named = { [this.name]: class extends Error {} }[this.name] ?? Error;
    const shown = Object.assign(new Named(this.message), fields);
    shown.name = this.name;
    shown.stack = redactText(this.stack ?? `${this.name}: ${this.message}`);
    if (this.cause !== undefined) shown.cause = this.cause;
    if (inspect === undefined) return shown.stack;
    return redactText(inspect(shown, options));
  }
}

/**
 * True for every error the SDK throws, also when it comes from another copy of the SDK (ESM and
 * CJS, two bundles), where `instanceof` fails.
 *
 * @example
 * ```ts
 * import { isMailPlatformError } from '@mailplatform/sdk';
 *
 * try {
 *   await mp.messages.send(message, { idempotencyKey: 'order-1042:confirmation' });
 * } catch (error) {
 *   if (!isMailPlatformError(error)) throw error;
 *   if (error.retryable) await queueForLater(message, error.idempotencyKey); // same key: no double send
 *   else console.error(error.code, error.requestId, error.message);
 * }
 * ```
 */
export function isMailPlatformError(value: unknown): value is MailPlatformError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  code?: string;
  requestId?: string;
  errors?: FieldError[];
  violatedPolicies?: string[];
  [key: string]: unknown;
}

export interface ApiErrorOptions extends MailPlatformErrorOptions {
  status: number;
  problem?: ProblemDetails;
}

/** The platform answered with a non-2xx status. */
export class ApiError extends MailPlatformError {
  declare readonly status: number;
  readonly problem: ProblemDetails | undefined;
  readonly errors: FieldError[];
  /** The first field error's pointer in `ValidationError.field` form (`/to/0` → `to[0]`). */
  readonly field: string | undefined;

  constructor(message: string, options: ApiErrorOptions) {
    super(message, { ...options, code: options.code ?? options.problem?.code ?? 'api_error' });
    this.problem = options.problem;
    this.errors = options.problem?.errors ?? [];
    const pointer: unknown = this.errors[0]?.pointer;
    this.field = typeof pointer === 'string' ? jsonPointerToFieldPath(pointer) : undefined;
  }
}

export class BadRequestError extends ApiError {}
export class AuthenticationError extends ApiError {}
export class PermissionDeniedError extends ApiError {}
export class NotFoundError extends ApiError {}
export class ConflictError extends ApiError {}
export class PayloadTooLargeError extends ApiError {}
export class UnprocessableEntityError extends ApiError {}
/** 422 `idempotency_key_reused`: the same key was sent earlier with another body. A bug in the caller. */
export class IdempotencyKeyReusedError extends UnprocessableEntityError {}
export class RateLimitError extends ApiError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: ApiErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}
export class ServerError extends ApiError {}

/** The request never got a complete HTTP answer (refused, reset, DNS, TLS). */
export class ConnectionError extends MailPlatformError {}
/** An attempt timed out or the call's deadline passed. */
export class TimeoutError extends ConnectionError {}
/** The caller's `signal` aborted the call. */
export class AbortError extends MailPlatformError {}

/** Client-side validation failed before any request was made. `field` names the offending input. */
export class ValidationError extends MailPlatformError {
  readonly field: string;
  readonly errors: FieldError[];
  constructor(message: string, options: MailPlatformErrorOptions & { field: string; errors?: FieldError[] }) {
    super(message, { code: 'validation_failed', ...options });
    this.field = options.field;
    this.errors = options.errors ?? [{ pointer: options.field, code: this.code, message }];
  }
}
/** CR, LF, NUL or another control character in a header, subject, name or address (header injection). */
export class InvalidHeaderError extends ValidationError {}

export class WebhookVerificationError extends MailPlatformError {
  readonly reason: WebhookVerificationReason;
  constructor(message: string, reason: WebhookVerificationReason) {
    super(message, { code: `webhook_${reason}` });
    this.reason = reason;
  }
}

export type SmtpStage =
  | 'connect'
  | 'greeting'
  | 'ehlo'
  | 'starttls'
  | 'auth'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'message';

export interface SmtpErrorOptions extends MailPlatformErrorOptions {
  smtpCode?: number;
  enhancedCode?: string;
  stage?: SmtpStage;
  response?: string;
}

export class SmtpError extends MailPlatformError {
  readonly smtpCode: number | undefined;
  readonly enhancedCode: string | undefined;
  readonly stage: SmtpStage | undefined;
  readonly response: string | undefined;
  constructor(message: string, options: SmtpErrorOptions = {}) {
    super(message, { code: 'smtp_error', ...options });
    this.smtpCode = options.smtpCode;
    this.enhancedCode = options.enhancedCode;
    this.stage = options.stage;
    this.response = options.response === undefined ? undefined : redactText(options.response);
  }
}
/** 4xx or a connection problem before the message was accepted: safe to retry. */
export class SmtpTransientError extends SmtpError {}
/** 5xx: the relay refused the message (or every recipient) for good. */
export class SmtpRejectedError extends SmtpError {
  readonly permanent = true;
}
/** The connection was lost after the final dot and before the reply: the message may have been delivered. */
export class AmbiguousDeliveryError extends SmtpError {
  readonly mayHaveBeenDelivered = true;
}

export class ConfigError extends MailPlatformError {}
export class UnsupportedRuntimeError extends MailPlatformError {}

export interface ErrorFromResponseInput {
  status: number;
  headers: HeadersLike;
  /** The raw body: problem+json, other JSON, plain text or empty. */
  bodyText: string;
  requestId?: string;
  idempotencyKey?: string;
  attempts?: number;
  /** Reference time for an HTTP-date `Retry-After` (default `Date.now()`). */
  now?: number;
}

/**
 * The one factory from a non-2xx response to its typed error (400 BadRequest, 401 Authentication,
 * 403 PermissionDenied, 404 NotFound, 409 Conflict, 413 PayloadTooLarge, 422 UnprocessableEntity or
 * IdempotencyKeyReused, 429 RateLimit, 5xx Server, anything else ApiError). The message reads like
 * `422 validation_failed: 2 fields failed validation — /to/0: 'kunde@' is not a valid address`.
 * `retryable` follows the retry policy (`x-should-retry` included).
 */
export function errorFromResponse(input: ErrorFromResponseInput): ApiError {
  const { status, headers } = input;
  const problem = parseProblem(input.bodyText);
  const code = problem?.code ?? '';
  const options: ApiErrorOptions = {
    status,
    code: code === '' ? codeForStatus(status) : code,
    problem,
    requestId: input.requestId ?? problem?.requestId,
    idempotencyKey: input.idempotencyKey,
    attempts: input.attempts ?? 1,
    retryable: isRetryableResponse(status, code, headers.get('x-should-retry')),
  };
  const message = describeResponse(status, problem, input.bodyText);
  switch (status) {
    case 400:
      return new BadRequestError(message, options);
    case 401:
      return new AuthenticationError(message, options);
    case 403:
      return new PermissionDeniedError(message, options);
    case 404:
      return new NotFoundError(message, options);
    case 409:
      return new ConflictError(message, options);
    case 413:
      return new PayloadTooLargeError(message, options);
    case 422:
      return code === 'idempotency_key_reused'
        ? new IdempotencyKeyReusedError(message, options)
        : new UnprocessableEntityError(message, options);
    case 429:
      return new RateLimitError(message, { ...options, retryAfterMs: parseRetryAfterMs(headers, input.now) });
    default:
      return status >= 500 && status <= 599
        ? new ServerError(message, options)
        : new ApiError(message, options);
  }
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
};

function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'server_error' : 'api_error');
}

function parseProblem(bodyText: string): ProblemDetails | undefined {
  const trimmed = bodyText.trimStart();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const problem = parsed as ProblemDetails;
    if (problem.code !== undefined && typeof problem.code !== 'string') problem.code = String(problem.code);
    if (problem.errors !== undefined && !Array.isArray(problem.errors)) problem.errors = undefined;
    return problem;
  } catch {
    return undefined;
  }
}

const MAX_TEXT = 300;
const MAX_FIELD_ERRORS = 3;

function describeResponse(status: number, problem: ProblemDetails | undefined, bodyText: string): string {
  if (problem === undefined) {
    const text = bodyText.trim().replace(/\s+/g, ' ');
    if (text === '') return `${status} ${codeForStatus(status)}`;
    return `${status}: ${text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text}`;
  }
  const head = problem.code ? `${status} ${problem.code}` : `${status}`;
  const summary = stringOr(problem.detail) ?? stringOr(problem.title) ?? codeForStatus(status);
  const fieldErrors = (problem.errors ?? []).filter(
    (e): e is FieldError => typeof e === 'object' && e !== null && typeof e.message === 'string',
  );
  if (fieldErrors.length === 0) return `${head}: ${summary}`;
  const shown = fieldErrors
    .slice(0, MAX_FIELD_ERRORS)
    .map((e) =>
      typeof e.pointer === 'string' && e.pointer !== '' ? `${e.pointer}: ${e.message}` : e.message,
    );
  const more =
    fieldErrors.length > MAX_FIELD_ERRORS ? ` (+${fieldErrors.length - MAX_FIELD_ERRORS} more)` : '';
  return `${head}: ${summary} — ${shown.join('; ')}${more}`;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
