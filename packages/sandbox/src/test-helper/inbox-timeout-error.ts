import { MailPlatformError } from '@mailplatform/sdk';
import type { InboxFilter } from './types.js';

/** `inbox.waitFor` saw no matching message within its timeout. */
export class InboxTimeoutError extends MailPlatformError {
  constructor(
    readonly filter: InboxFilter,
    readonly timeoutMs: number,
  ) {
    super(`No message matching ${JSON.stringify(filter)} arrived within ${timeoutMs} ms`, {
      code: 'inbox_timeout',
    });
  }
}
