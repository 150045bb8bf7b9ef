import type { z } from 'zod';
import type { Issue } from '../validation/rules.js';

/**
 * Adapts a shared validation rule (from `../validation`) to `.superRefine`, so the server's zod parse and
 * the client's `validateSendMessage` report the same fields with the same codes (`params.code`).
 */
export function fromRule<T>(check: (value: T) => Issue[]): (value: T, ctx: z.RefinementCtx<T>) => void {
  return (value, ctx) => {
    for (const issue of check(value)) {
      ctx.addIssue({
        code: 'custom',
        message: issue.message,
        path: issue.path,
        params: { code: issue.code },
      });
    }
  };
}
