export interface ProblemFieldError {
  pointer: string;
  code: string;
  message: string;
}

export type ProblemCode =
  | 'malformed_json'
  | 'invalid_query'
  | 'cursor_mismatch'
  | 'idempotency_key_invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'insufficient_scope'
  | 'test_key_required'
  | 'not_found'
  | 'method_not_allowed'
  | 'idempotency_request_in_progress'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'sender_not_verified'
  | 'template_render_failed'
  | 'control_header_in_api'
  | 'idempotency_key_reused'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'internal_error'
  | 'unavailable';

const TITLES: Record<ProblemCode, string> = {
  malformed_json: 'The request body is not valid JSON',
  invalid_query: 'The query string is invalid',
  cursor_mismatch: 'The cursor belongs to a different query',
  idempotency_key_invalid: 'The Idempotency-Key header is invalid',
  unauthenticated: 'Authentication is required',
  forbidden: 'This key may not do that',
  insufficient_scope: 'The key lacks the required scope',
  test_key_required: 'This route needs a test key',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  idempotency_request_in_progress: 'A request with this Idempotency-Key is still in progress',
  conflict: 'Conflict',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'Unsupported media type',
  validation_failed: 'The request body is invalid',
  sender_not_verified: 'The sender is not verified',
  template_render_failed: 'The template could not be rendered',
  control_header_in_api: 'X-MP-* control headers are not accepted by the API',
  idempotency_key_reused: 'The Idempotency-Key was used with a different request',
  rate_limited: 'Rate limit exceeded',
  quota_exceeded: 'Quota exceeded',
  internal_error: 'Internal error',
  unavailable: 'Service unavailable',
};

export interface ProblemOptions {
  detail?: string;
  errors?: ProblemFieldError[];
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** A failure that becomes an RFC 9457 problem response with one of the contract's stable codes. */
export class ProblemError extends Error {
  readonly headers: Record<string, string>;
  readonly errors: ProblemFieldError[] | undefined;
  readonly extra: Record<string, unknown>;

  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    options: ProblemOptions = {},
  ) {
    super(options.detail ?? TITLES[code]);
    this.name = 'ProblemError';
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  body(instance: string, requestId: string): Record<string, unknown> {
    return {
      type: `https://docs.mailplatform.dk/errors/${this.code.replaceAll('_', '-')}`,
      title: TITLES[this.code],
      status: this.status,
      detail: this.message,
      instance,
      code: this.code,
      requestId,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export function validationFailed(errors: ProblemFieldError[]): ProblemError {
  const detail =
    errors.length === 1 ? `1 field failed validation` : `${errors.length} fields failed validation`;
  return new ProblemError(422, 'validation_failed', { detail, errors });
}
