import { toFieldErrors } from '@mailplatform/sdk/schemas';
import type { z } from 'zod';
import { validationFailed } from './problem.js';

/** Validates a request body or query with the SDK's own schema; failures become a 422 naming each field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw validationFailed(
      toFieldErrors(result.error).map((error) => ({ ...error, pointer: error.pointer || '/' })),
    );
  }
  return result.data;
}
