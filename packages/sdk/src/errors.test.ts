import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  errorFromResponse,
  IdempotencyKeyReusedError,
  MailPlatformError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from './errors.js';

function input(status: number, bodyText = '', headers: Record<string, string> = {}) {
  return {
    status,
    headers: new Headers(headers),
    bodyText,
    requestId: 'req_1',
    idempotencyKey: 'k1',
    attempts: 2,
  };
}

const PROBLEM_422 = JSON.stringify({
  type: 'https://docs.mailplatform.dk/errors/validation-failed',
  title: 'The request body is invalid',
  status: 422,
  detail: '2 fields failed validation',
  code: 'validation_failed',
  requestId: 'req_body',
  errors: [
    { pointer: '/to/0', code: 'invalid_email', message: "'kunde@' is not a valid address" },
    { pointer: '/from', code: 'sender_not_verified', message: 'Domain shop.dk is not verified' },
  ],
});

describe('errorFromResponse', () => {
  it.each([
    [400, BadRequestError, 'bad_request', false],
    [401, AuthenticationError, 'unauthenticated', false],
    [403, PermissionDeniedError, 'forbidden', false],
    [404, NotFoundError, 'not_found', false],
    [409, ConflictError, 'conflict', false],
    [413, PayloadTooLargeError, 'payload_too_large', false],
    [422, UnprocessableEntityError, 'unprocessable_entity', false],
    [429, RateLimitError, 'rate_limited', true],
    [500, ServerError, 'internal_error', true],
    [501, ServerError, 'server_error', false],
    [503, ServerError, 'unavailable', true],
    [405, ApiError, 'method_not_allowed', false],
    [408, ApiError, 'request_timeout', true],
    [418, ApiError, 'api_error', false],
  ] as const)('maps %i to %o (code %s, retryable %s)', (status, Class, code, retryable) => {
    const error = errorFromResponse(input(status));
    expect(error).toBeInstanceOf(Class);
    expect(error.constructor).toBe(Class);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.requestId).toBe('req_1');
    expect(error.idempotencyKey).toBe('k1');
    expect(error.attempts).toBe(2);
    expect(error.message).toBe(`${status} ${code}`);
  });

  it('parses problem+json into a readable message with the field errors', () => {
    const error = errorFromResponse({ ...input(422, PROBLEM_422), requestId: undefined });
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.message).toBe(
      "422 validation_failed: 2 fields failed validation — /to/0: 'kunde@' is not a valid address; /from: Domain shop.dk is not verified",
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([
      { pointer: '/to/0', code: 'invalid_email', message: "'kunde@' is not a valid address" },
      { pointer: '/from', code: 'sender_not_verified', message: 'Domain shop.dk is not verified' },
    ]);
    expect(error.field).toBe('to[0]');
    expect(error.problem?.title).toBe('The request body is invalid');
    expect(error.requestId).toBe('req_body');
  });

  it.each([
    ['/to/0', 'to[0]'],
    ['/template', 'template'],
    ['/attachments/1/content', 'attachments[1].content'],
    ['/headers/X-Order', 'headers.X-Order'],
    ['/messages/3/to/0', 'messages[3].to[0]'],
    ['/headers/a~1b~0c', 'headers.a/b~c'],
    ['/', undefined],
    ['', undefined],
  ])('sets field from the first field error pointer %j as %j', (pointer, field) => {
    const errors = [
      { pointer, code: 'invalid', message: 'bad' },
      { pointer: '/from', code: 'invalid', message: 'bad' },
    ];
    const error = errorFromResponse(input(422, JSON.stringify({ code: 'validation_failed', errors })));
    expect(error.field).toBe(field);
  });

  it('leaves field undefined without field errors or with a malformed one', () => {
    expect(
      errorFromResponse(input(422, PROBLEM_422.replace(/"errors":.*$/s, '"x":1}'))).field,
    ).toBeUndefined();
    expect(errorFromResponse(input(404, '{"code":"not_found"}')).field).toBeUndefined();
    expect(errorFromResponse(input(422, '{"errors":[null]}')).field).toBeUndefined();
    expect(errorFromResponse(input(422, '{"errors":[{"pointer":7}]}')).field).toBeUndefined();
  });

  it('limits the message to three field errors', () => {
    const errors = Array.from({ length: 5 }, (_, i) => ({
      pointer: `/to/${i}`,
      code: 'invalid_email',
      message: 'bad',
    }));
    const error = errorFromResponse(
      input(422, JSON.stringify({ code: 'validation_failed', detail: '5 bad', errors })),
    );
    expect(error.message).toBe('422 validation_failed: 5 bad — /to/0: bad; /to/1: bad; /to/2: bad (+2 more)');
  });

  it('maps 422 idempotency_key_reused to IdempotencyKeyReusedError, not retryable', () => {
    const body = JSON.stringify({
      code: 'idempotency_key_reused',
      detail: 'The key was used with another body',
    });
    const error = errorFromResponse(input(422, body));
    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('422 idempotency_key_reused: The key was used with another body');
  });

  it('marks 409 idempotency_request_in_progress retryable and other 409s not', () => {
    expect(errorFromResponse(input(409, '{"code":"idempotency_request_in_progress"}')).retryable).toBe(true);
    expect(errorFromResponse(input(409, '{"code":"conflict","title":"Alias exists"}')).retryable).toBe(false);
  });

  it('obeys x-should-retry', () => {
    expect(errorFromResponse(input(400, '', { 'x-should-retry': 'true' })).retryable).toBe(true);
    expect(errorFromResponse(input(503, '', { 'x-should-retry': 'false' })).retryable).toBe(false);
  });

  it('reads retry-after-ms first, then Retry-After seconds, then an HTTP date', () => {
    const both = errorFromResponse(
      input(429, '', { 'retry-after-ms': '250', 'retry-after': '9' }),
    ) as RateLimitError;
    expect(both.retryAfterMs).toBe(250);
    const seconds = errorFromResponse(input(429, '', { 'retry-after': '2' })) as RateLimitError;
    expect(seconds.retryAfterMs).toBe(2000);
    const now = Date.parse('2025-03-14T09:26:50.000Z');
    const date = errorFromResponse({
      ...input(429, '', { 'retry-after': 'Fri, 14 Mar 2025 09:26:53 GMT' }),
      now,
    }) as RateLimitError;
    expect(date.retryAfterMs).toBe(3000);
    const none = errorFromResponse(input(429, '', { 'retry-after': 'soon' })) as RateLimitError;
    expect(none.retryAfterMs).toBeUndefined();
  });

  it('uses a plain-text body as the message, collapsed and truncated', () => {
    expect(errorFromResponse(input(502, '<html>\n Bad   gateway\n</html>')).message).toBe(
      '502: <html> Bad gateway </html>',
    );
    const long = errorFromResponse(input(500, 'x'.repeat(400)));
    expect(long.message).toBe(`500: ${'x'.repeat(300)}…`);
  });

  it('treats JSON that is not an object as text', () => {
    expect(errorFromResponse(input(400, '[1,2]')).message).toBe('400: [1,2]');
    expect(errorFromResponse(input(400, '{broken')).message).toBe('400: {broken');
  });

  it('never shows an API key echoed in the body', () => {
    const key = 'mp_live_supersecretkey9876';
    const error = errorFromResponse(
      input(401, JSON.stringify({ code: 'unauthenticated', detail: `Key ${key} revoked` })),
    );
    expect(error.message).toBe('401 unauthenticated: Key mp_live_…9876 revoked');
    expect(JSON.stringify(error)).not.toContain(key);
    expect(inspect(error, { depth: 5 })).not.toContain('supersecretkey');
  });
});

describe('MailPlatformError inspection', () => {
  it('shows name, message, fields and the cause, with secrets redacted', () => {
    const cause = new Error('upstream said mp_test_leakedvalue1234');
    const error = new MailPlatformError('boom', { code: 'x', requestId: 'req_9', cause, attempts: 3 });
    const shown = inspect(error);
    expect(shown).toContain('MailPlatformError: boom');
    expect(shown).toContain("requestId: 'req_9'");
    expect(shown).toContain('attempts: 3');
    expect(shown).toContain('mp_test_…1234');
    expect(shown).not.toContain('leakedvalue');
  });
});
