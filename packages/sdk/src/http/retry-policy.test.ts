import { describe, expect, it } from 'vitest';
import { type AttemptOutcome, decideRetry, isRetryableResponse, type RetryContext } from './retry-policy.js';

const context: RetryContext = {
  retriesSoFar: 0,
  maxRetries: 2,
  idempotent: true,
  maxRetryAfterMs: 60_000,
  staleSocketRetryUsed: false,
};

function response(
  status: number,
  extra: Partial<Extract<AttemptOutcome, { kind: 'response' }>> = {},
): AttemptOutcome {
  return { kind: 'response', status, code: '', shouldRetry: null, retryAfterMs: undefined, ...extra };
}

describe('decideRetry', () => {
  const table: [string, AttemptOutcome, Partial<RetryContext>, ReturnType<typeof decideRetry>][] = [
    [
      'connect failure',
      { kind: 'connect-failure' },
      {},
      { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false },
    ],
    [
      'connect failure on a POST without key',
      { kind: 'connect-failure' },
      { idempotent: false },
      { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false },
    ],
    [
      'connection lost',
      { kind: 'connection-lost' },
      {},
      { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false },
    ],
    [
      'connection lost, not idempotent',
      { kind: 'connection-lost' },
      { idempotent: false },
      { retry: false, reason: 'not_idempotent' },
    ],
    [
      'connection lost with maxRetries 0: the stale-socket retry',
      { kind: 'connection-lost' },
      { maxRetries: 0 },
      { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: true },
    ],
    [
      'connection lost again after the stale-socket retry',
      { kind: 'connection-lost' },
      { maxRetries: 0, staleSocketRetryUsed: true },
      { retry: false, reason: 'max_retries' },
    ],
    [
      'timeout costs 10',
      { kind: 'timeout' },
      {},
      { retry: true, cost: 10, hintMs: undefined, staleSocketRetry: false },
    ],
    [
      'timeout, not idempotent',
      { kind: 'timeout' },
      { idempotent: false },
      { retry: false, reason: 'not_idempotent' },
    ],
    ['deadline', { kind: 'deadline' }, {}, { retry: false, reason: 'deadline' }],
    ['caller abort', { kind: 'aborted' }, {}, { retry: false, reason: 'aborted' }],
    ['fatal', { kind: 'fatal' }, {}, { retry: false, reason: 'not_retryable' }],
    ['408', response(408), {}, { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false }],
    ['425', response(425), {}, { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false }],
    [
      '409 in progress',
      response(409, { code: 'idempotency_request_in_progress', retryAfterMs: 1000 }),
      {},
      { retry: true, cost: 5, hintMs: 1000, staleSocketRetry: false },
    ],
    ['409 conflict', response(409, { code: 'conflict' }), {}, { retry: false, reason: 'not_retryable' }],
    [
      '422 key reused',
      response(422, { code: 'idempotency_key_reused' }),
      {},
      { retry: false, reason: 'not_retryable' },
    ],
    [
      '429 with hint',
      response(429, { retryAfterMs: 50 }),
      {},
      { retry: true, cost: 5, hintMs: 50, staleSocketRetry: false },
    ],
    [
      '429 without hint',
      response(429),
      {},
      { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false },
    ],
    [
      '429 hint above maxRetryAfter fails fast',
      response(429, { retryAfterMs: 60_001 }),
      {},
      { retry: false, reason: 'retry_after_too_long' },
    ],
    [
      '429 hint equal to maxRetryAfter',
      response(429, { retryAfterMs: 60_000 }),
      {},
      { retry: true, cost: 5, hintMs: 60_000, staleSocketRetry: false },
    ],
    ['500', response(500), {}, { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false }],
    ['502', response(502), {}, { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false }],
    [
      '503 with Retry-After',
      response(503, { retryAfterMs: 2000 }),
      {},
      { retry: true, cost: 5, hintMs: 2000, staleSocketRetry: false },
    ],
    ['504', response(504), {}, { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false }],
    [
      '500 on a POST without key',
      response(500),
      { idempotent: false },
      { retry: false, reason: 'not_idempotent' },
    ],
    ['501', response(501), {}, { retry: false, reason: 'not_retryable' }],
    ['505', response(505), {}, { retry: false, reason: 'not_retryable' }],
    ['400', response(400), {}, { retry: false, reason: 'not_retryable' }],
    ['401', response(401), {}, { retry: false, reason: 'not_retryable' }],
    ['403', response(403), {}, { retry: false, reason: 'not_retryable' }],
    ['404', response(404), {}, { retry: false, reason: 'not_retryable' }],
    ['405', response(405), {}, { retry: false, reason: 'not_retryable' }],
    ['413', response(413), {}, { retry: false, reason: 'not_retryable' }],
    ['415', response(415), {}, { retry: false, reason: 'not_retryable' }],
    ['422', response(422, { code: 'validation_failed' }), {}, { retry: false, reason: 'not_retryable' }],
    [
      'x-should-retry: true on a 400',
      response(400, { shouldRetry: 'true' }),
      {},
      { retry: true, cost: 5, hintMs: undefined, staleSocketRetry: false },
    ],
    [
      'x-should-retry: false on a 503',
      response(503, { shouldRetry: 'false' }),
      {},
      { retry: false, reason: 'not_retryable' },
    ],
    [
      'x-should-retry: true still limited by count',
      response(400, { shouldRetry: 'true' }),
      { retriesSoFar: 2 },
      { retry: false, reason: 'max_retries' },
    ],
    ['503 after maxRetries', response(503), { retriesSoFar: 2 }, { retry: false, reason: 'max_retries' }],
    ['503 with maxRetries 0', response(503), { maxRetries: 0 }, { retry: false, reason: 'max_retries' }],
    [
      'timeout after maxRetries',
      { kind: 'timeout' },
      { retriesSoFar: 2 },
      { retry: false, reason: 'max_retries' },
    ],
  ];

  it.each(table)('%s', (_name, outcome, overrides, expected) => {
    expect(decideRetry(outcome, { ...context, ...overrides })).toEqual(expected);
  });
});

describe('isRetryableResponse', () => {
  it.each([
    [500, '', null, true],
    [501, '', null, false],
    [409, 'idempotency_request_in_progress', null, true],
    [409, 'conflict', null, false],
    [404, '', 'true', true],
    [429, '', 'false', false],
  ] as const)('%i %s x-should-retry=%s → %s', (status, code, header, expected) => {
    expect(isRetryableResponse(status, code, header)).toBe(expected);
  });
});
