import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { toJsonPointer } from '../validation/paths.js';

/** Stable problem codes (contract §9) with their HTTP status and title. */
export const PROBLEM_CODES = {
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  invalid_query: { status: 400, title: 'The query string is invalid' },
  cursor_mismatch: { status: 400, title: 'The cursor was issued for other filters' },
  idempotency_key_invalid: { status: 400, title: 'The Idempotency-Key header is invalid' },
  unauthenticated: { status: 401, title: 'Missing or invalid API key' },
  forbidden: { status: 403, title: 'Forbidden' },
  insufficient_scope: { status: 403, title: 'The API key lacks the required scope' },
  test_key_required: { status: 403, title: 'This route needs a test key' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  idempotency_request_in_progress: {
    status: 409,
    title: 'A request with this Idempotency-Key is in progress',
  },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  validation_failed: { status: 422, title: 'The request body is invalid' },
  sender_not_verified: { status: 422, title: 'The sender domain is not verified' },
  template_render_failed: { status: 422, title: 'The template could not be rendered' },
  control_header_in_api: { status: 422, title: 'SMTP control headers are not accepted by the API' },
  idempotency_key_reused: { status: 422, title: 'The Idempotency-Key was used with another request body' },
  rate_limited: { status: 429, title: 'Rate limit exceeded' },
  quota_exceeded: { status: 429, title: 'Quota exceeded' },
  internal_error: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export const ProblemCodeSchema = z.enum(Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]]).meta({
  id: 'ProblemCode',
  description: 'Stable error code; `type` is https://docs.mailplatform.dk/errors/<code with - for _>.',
});

/** `https://docs.mailplatform.dk/errors/validation-failed` for `validation_failed`. */
export function problemTypeUrl(code: string): string {
  return `https://docs.mailplatform.dk/errors/${code.replace(/_/g, '-')}`;
}

export const ProblemFieldErrorSchema = z
  .object({
    pointer: z.string().meta({ description: 'JSON pointer into the request (/to/0, /messages/3/to/0).' }),
    code: z
      .string()
      .meta({ description: 'Machine code (invalid_email, header_injection, reserved_header, …).' }),
    message: z.string(),
  })
  .meta({ id: 'ProblemFieldError' });

export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: 'URL of the documentation page for the code.' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: ProblemCodeSchema,
    requestId: z.string().optional().meta({ description: 'Same as the X-Request-Id header (req_...).' }),
    errors: z.array(ProblemFieldErrorSchema).optional(),
    violatedPolicies: z
      .array(z.string())
      .optional()
      .meta({ description: 'Rate-limit policies that were exceeded (send, api).' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });
export type Problem = z.infer<typeof ProblemSchema>;

/**
 * Maps zod issues to problem `errors[]`: the pointer comes from the issue path (below `basePath`), the code
 * from the shared rule (`params.code`) or zod's own issue code. A union whose value matched the type of
 * only one option reports that option's issues (`/cc` → `invalid_address`, not `invalid_union`).
 */
export function toFieldErrors(error: z.ZodError, basePath: (string | number)[] = []): FieldError[] {
  return flattenIssues(error.issues, basePath);
}

type PathPart = string | number;

function flattenIssues(issues: readonly z.core.$ZodIssue[], basePath: PathPart[]): FieldError[] {
  return issues.flatMap((issue) => {
    const path = [...basePath, ...issue.path.filter((part): part is PathPart => typeof part !== 'symbol')];
    if (issue.code === 'invalid_union') {
      const matching = issue.errors.filter((branch) => !branch.every(isTypeMismatch));
      if (matching.length === 1) return flattenIssues(matching[0]!, path);
    }
    const params =
      issue.code === 'custom' ? (issue.params as Record<string, unknown> | undefined) : undefined;
    const code = typeof params?.code === 'string' ? params.code : issue.code;
    return [{ pointer: toJsonPointer(path), code, message: issue.message }];
  });
}

function isTypeMismatch(issue: z.core.$ZodIssue): boolean {
  return (
    issue.path.length === 0 &&
    (issue.code === 'invalid_type' ||
      (issue.code === 'invalid_union' && issue.errors.every((b) => b.every(isTypeMismatch))))
  );
}
