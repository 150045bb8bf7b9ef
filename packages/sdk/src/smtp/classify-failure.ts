import {
  AmbiguousDeliveryError,
  AuthenticationError,
  type MailPlatformError,
  SmtpError,
  SmtpRejectedError,
  type SmtpStage,
  SmtpTransientError,
} from '../errors.js';
import { OpenConnectionError } from './connection-pool.js';

/** What nodemailer puts on its errors (`NodemailerError`). */
interface NodemailerFailure {
  name?: string;
  message?: string;
  stack?: string;
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  timeoutType?: string;
  rejectedErrors?: NodemailerFailure[];
}

export interface FailureContext {
  /** The whole message, final dot included, was handed to the socket. */
  dotSent: boolean;
  /** The connection's EHLO advertised `XMPIDEMPOTENCY`. */
  idempotent: boolean;
  /** Strings to scrub from messages and replies (the password and its base64 forms). */
  redact: (text: string) => string;
}

export interface ClassifiedFailure {
  error: MailPlatformError;
  /** Safe and useful to try again on a new connection. */
  retry: boolean;
}

const ENHANCED = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/;
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL']);

function stageOfCommand(command: string | undefined): SmtpStage {
  switch (command) {
    case 'MAIL FROM':
      return 'mail';
    case 'RCPT TO':
      return 'rcpt';
    case 'DATA':
      return 'data';
    case 'EHLO':
    case 'HELO':
      return 'ehlo';
    case 'STARTTLS':
      return 'starttls';
    case 'AUTH PLAIN':
    case 'AUTH LOGIN':
      return 'auth';
    default:
      return 'connect';
  }
}

/**
 * The `cause` kept on an SDK error: a copy of the nodemailer error with its message, stack, reply
 * and command scrubbed by the sender's `redact` (which knows the key's raw and base64 forms); the
 * generic redaction of `MailPlatformError` only recognises prefixed keys.
 */
function redactedCause(failure: NodemailerFailure, redact: (text: string) => string): Error {
  const copy = new Error(redact(failure.message ?? 'SMTP failure'));
  copy.name = failure.name ?? 'Error';
  copy.stack = failure.stack === undefined ? `${copy.name}: ${copy.message}` : redact(failure.stack);
  return Object.assign(copy, {
    ...(failure.code === undefined ? {} : { code: failure.code }),
    ...(failure.command === undefined ? {} : { command: redact(failure.command) }),
    ...(failure.response === undefined ? {} : { response: redact(failure.response) }),
    ...(failure.responseCode === undefined ? {} : { responseCode: failure.responseCode }),
    ...(failure.timeoutType === undefined ? {} : { timeoutType: failure.timeoutType }),
    ...(failure.rejectedErrors === undefined
      ? {}
      : { rejectedErrors: failure.rejectedErrors.map((rejection) => redactedCause(rejection, redact)) }),
  });
}

function details(failure: NodemailerFailure, stage: SmtpStage, redact: (text: string) => string) {
  const response = failure.response === undefined ? undefined : redact(failure.response);
  const enhancedCode = response === undefined ? undefined : ENHANCED.exec(response)?.[1];
  return {
    stage,
    cause: redactedCause(failure, redact),
    ...(failure.responseCode === undefined ? {} : { smtpCode: failure.responseCode }),
    ...(enhancedCode === undefined ? {} : { enhancedCode }),
    ...(response === undefined ? {} : { response }),
  };
}

function describe(failure: NodemailerFailure, redact: (text: string) => string): string {
  return redact(failure.message ?? 'SMTP failure');
}

function byReplyCode(failure: NodemailerFailure, stage: SmtpStage, ctx: FailureContext): ClassifiedFailure {
  const code = failure.responseCode ?? 0;
  const message = `SMTP ${stage}: ${describe(failure, ctx.redact)}`;
  // 503 "bad sequence": the session is confused, a fresh connection may work (reliability.md)
  if (code >= 500 && code !== 503) {
    return {
      error: new SmtpRejectedError(message, {
        code: 'smtp_rejected',
        ...details(failure, stage, ctx.redact),
      }),
      retry: false,
    };
  }
  return {
    error: new SmtpTransientError(message, {
      code: 'smtp_transient',
      retryable: true,
      ...details(failure, stage, ctx.redact),
    }),
    retry: true,
  };
}

/** reliability.md "SMTP policy": what a failed attempt means and whether to try again. */
export function classifyFailure(error: unknown, ctx: FailureContext): ClassifiedFailure {
  if (error instanceof OpenConnectionError) {
    const failure = error.cause as NodemailerFailure;
    if (error.stage === 'auth') {
      const code = failure.responseCode;
      if (code === undefined || code === 530 || code === 534 || code === 535 || code >= 500) {
        return {
          error: new AuthenticationError(`SMTP authentication failed: ${describe(failure, ctx.redact)}`, {
            status: 401,
            code: 'smtp_auth_failed',
            cause: redactedCause(failure, ctx.redact),
          }),
          retry: false,
        };
      }
      return byReplyCode(failure, 'auth', ctx);
    }
    const stage: SmtpStage =
      failure.timeoutType === 'GREETING_TIMEOUT' ? 'greeting' : stageOfCommand(failure.command);
    if (failure.code === 'ETLS') {
      return {
        error: new SmtpTransientError(`SMTP TLS failed: ${describe(failure, ctx.redact)}`, {
          code: 'smtp_transient',
          retryable: true,
          ...details(failure, 'starttls', ctx.redact),
        }),
        retry: true,
      };
    }
    if (failure.responseCode !== undefined) return byReplyCode(failure, stage, ctx);
    return {
      error: new SmtpTransientError(`SMTP connection failed: ${describe(failure, ctx.redact)}`, {
        code: 'smtp_connection_failed',
        retryable: true,
        ...details(failure, stage, ctx.redact),
      }),
      retry: true,
    };
  }
  if (error instanceof SmtpError) return { error, retry: false };

  const failure = (
    typeof error === 'object' && error !== null ? error : { message: String(error) }
  ) as NodemailerFailure;
  const lostConnection = CONNECTION_CODES.has(failure.code ?? '');
  if (lostConnection && ctx.dotSent) {
    const message = ctx.idempotent
      ? 'The connection was lost after the message was sent and before the relay answered; the relay deduplicates on the idempotency key, so it is retried'
      : 'The connection was lost after the message was sent and before the relay answered: it may have been delivered. Not retried, the relay does not advertise XMPIDEMPOTENCY';
    return {
      error: new AmbiguousDeliveryError(message, {
        code: 'smtp_ambiguous',
        retryable: ctx.idempotent,
        ...details(failure, 'message', ctx.redact),
      }),
      retry: ctx.idempotent,
    };
  }
  if (lostConnection) {
    return {
      error: new SmtpTransientError(`SMTP connection lost: ${describe(failure, ctx.redact)}`, {
        code: 'smtp_connection_lost',
        retryable: true,
        ...details(failure, stageOfCommand(failure.command), ctx.redact),
      }),
      retry: true,
    };
  }
  if (failure.code === 'EENVELOPE' && failure.command === 'RCPT TO' && failure.rejectedErrors?.length) {
    // every recipient was refused: permanent only when every refusal was
    const temporary = failure.rejectedErrors.find((rejection) => (rejection.responseCode ?? 0) < 500);
    return byReplyCode(temporary ?? failure.rejectedErrors[0] ?? failure, 'rcpt', ctx);
  }
  if (failure.code === 'EENVELOPE' && failure.responseCode !== undefined) {
    return byReplyCode(failure, stageOfCommand(failure.command), ctx);
  }
  if (failure.code === 'EMESSAGE' && failure.responseCode !== undefined)
    return byReplyCode(failure, 'message', ctx);
  if (failure.code === 'EMESSAGE' && failure.command === 'MAIL FROM') {
    // nodemailer refuses locally a message over the SIZE the relay advertised
    return {
      error: new SmtpRejectedError(`SMTP message refused: ${describe(failure, ctx.redact)}`, {
        code: 'smtp_rejected',
        ...details(failure, 'mail', ctx.redact),
      }),
      retry: false,
    };
  }
  return {
    error: new SmtpError(`SMTP failure: ${describe(failure, ctx.redact)}`, {
      cause: redactedCause(failure, ctx.redact),
    }),
    retry: false,
  };
}
