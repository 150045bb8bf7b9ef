/** Errors raised by the CLI itself (the SDK's errors cover everything that talks to the platform). */
export class CliError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  constructor(message: string, options: { code: string; hint?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.hint = options.hint;
  }
}

/** Bad flags or missing input: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'usage_error', hint });
  }
}

/** A declined confirmation or a `--wait` that ran out of time: exit 3. */
export class CancelledError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'cancelled', hint });
  }
}

/** No key, or a key of the wrong mode for `--live`/`--test`: exit 4. */
export class CredentialsError extends CliError {
  constructor(message: string, code: 'missing_api_key' | 'mode_mismatch' | 'invalid_api_key', hint?: string) {
    super(message, { code, hint });
  }
}

export interface ItemResult {
  [key: string]: unknown;
  status: string;
}

/** Some items of a batch, import or push failed; the per-item results were already printed: exit 7. */
export class PartialFailureError extends CliError {
  readonly results: readonly ItemResult[];
  constructor(message: string, results: readonly ItemResult[]) {
    super(message, { code: 'partial_failure' });
    this.results = results;
  }
}

/** `doctor` found a failing check: exit 8. */
export class CheckFailedError extends CliError {
  constructor(message: string) {
    super(message, { code: 'check_failed' });
  }
}

/** `webhooks verify` rejected the payload: exit 9. `reason` follows the SDK's WebhookVerificationError. */
export class VerificationFailedError extends CliError {
  readonly reason: string;
  constructor(message: string, reason: string, hint?: string) {
    super(message, { code: `webhook_${reason}`, hint });
    this.reason = reason;
  }
}

/** Ctrl-C: exit 130. */
export class InterruptedError extends CliError {
  constructor() {
    super('interrupted', { code: 'interrupted' });
  }
}
