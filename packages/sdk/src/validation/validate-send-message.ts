import { type FieldError, InvalidHeaderError, ValidationError } from '../errors.js';
import { toFieldPath, toJsonPointer } from './paths.js';
import { type Channel, checkSendMessage } from './rules.js';

export interface ValidateSendMessageOptions {
  /** Prefix for field names and pointers, as a path (`['messages', 3]` → `messages[3].to[0]`). */
  path?: (string | number)[];
  /** `smtp` allows `X-MP-*` control headers; `api` (default) refuses them. */
  channel?: Channel;
}

/**
 * Checks a send request before anything goes over the wire. Throws `InvalidHeaderError` when any value
 * holds a control character (header injection), otherwise `ValidationError` for the other rules. The
 * error's `field` names the first offending value (`to[0]`, `headers.X-Foo`, `attachments[1].content`,
 * `metadata.orderId`) and `errors` lists every problem with a JSON pointer.
 */
export function validateSendMessage(input: unknown, options: ValidateSendMessageOptions = {}): void {
  const prefix = options.path ?? [];
  const issues = checkSendMessage(input, options.channel ?? 'api');
  if (issues.length === 0) return;
  const errors: FieldError[] = issues.map((issue) => ({
    pointer: toJsonPointer([...prefix, ...issue.path]),
    code: issue.code,
    message: issue.message,
  }));
  const injection = issues.find((issue) => issue.code === 'header_injection');
  const first = injection ?? issues[0]!;
  const field = toFieldPath([...prefix, ...first.path]);
  const suffix = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const message = `${field}: ${first.message}${suffix}`;
  if (injection) throw new InvalidHeaderError(message, { field, errors, code: 'header_injection' });
  throw new ValidationError(message, { field, errors });
}
