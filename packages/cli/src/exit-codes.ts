import { CommanderError } from 'commander';
import {
  CancelledError,
  CheckFailedError,
  CliError,
  CredentialsError,
  InterruptedError,
  PartialFailureError,
  UsageError,
  VerificationFailedError,
} from './errors.js';

/** The exit codes of cli.md §7, in one place. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  cancelled: 3,
  auth: 4,
  notFound: 5,
  transient: 6,
  partial: 7,
  checkFailed: 8,
  verificationFailed: 9,
  rejected: 10,
  interrupted: 130,
  /** SIGTERM (bin.ts). A closed stdout (`| head -1`) ends the run quietly with 0, as `gh` does. */
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

interface SdkErrorShape {
  name: string;
  status?: number;
  smtpCode?: number;
  stage?: string;
}

const BRAND = Symbol.for('mailplatform.error');

function isSdkError(error: unknown): error is Error & SdkErrorShape {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** SDK error classes by the name of the class or one of its ancestors (`instanceof` fails across copies). */
function lineage(error: object): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Error.prototype; ) {
    names.push(proto.constructor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

function sdkExitCode(error: Error & SdkErrorShape): ExitCodeValue {
  const names = lineage(error);
  const is = (name: string) => names.includes(name) || error.name === name;
  // decisions.md: an ambiguous SMTP delivery is 1, not 6 (a retry could duplicate the mail).
  if (is('AmbiguousDeliveryError')) return ExitCode.failure;
  // A reused idempotency key is a bug in the caller, not a rejected message (reliability.md S6).
  if (is('IdempotencyKeyReusedError')) return ExitCode.failure;
  if (is('WebhookVerificationError')) return ExitCode.verificationFailed;
  if (is('AbortError')) return ExitCode.interrupted;
  if (is('SmtpError')) {
    const code = error.smtpCode;
    if (code === 530 || code === 535 || code === 534 || error.stage === 'auth') return ExitCode.auth;
    if (is('SmtpRejectedError') || (code !== undefined && code >= 500)) return ExitCode.rejected;
    return ExitCode.transient;
  }
  if (is('ConnectionError')) return ExitCode.transient;
  if (is('ValidationError')) return ExitCode.rejected;
  if (is('ConfigError')) return ExitCode.usage;
  const status = error.status;
  if (status === 401 || status === 403) return ExitCode.auth;
  if (status === 404) return ExitCode.notFound;
  if (status === 400 || status === 413 || status === 422) return ExitCode.rejected;
  if (status === 429 || (status !== undefined && status >= 500)) return ExitCode.transient;
  return ExitCode.failure;
}

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.exitCode === 0
      ? ExitCode.ok
      : ExitCode.usage;
  }
  if (error instanceof CliError) {
    if (error instanceof UsageError) return ExitCode.usage;
    if (error instanceof CancelledError) return ExitCode.cancelled;
    if (error instanceof CredentialsError) return ExitCode.auth;
    if (error instanceof PartialFailureError) return ExitCode.partial;
    if (error instanceof CheckFailedError) return ExitCode.checkFailed;
    if (error instanceof VerificationFailedError) return ExitCode.verificationFailed;
    if (error instanceof InterruptedError) return ExitCode.interrupted;
    return ExitCode.failure;
  }
  if (isSdkError(error)) return sdkExitCode(error);
  return ExitCode.failure;
}
