import type { Readable, Writable } from 'node:stream';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import {
  AbortError,
  AmbiguousDeliveryError,
  isMailPlatformError,
  type MailPlatformError,
  TimeoutError,
} from '../errors.js';
import { type BackoffSettings, backoffDelay } from '../http/backoff.js';
import type { SendResult } from '../resources/messages.js';
import type { SendMessageRequest } from '../schemas/messages.js';
import type { SmtpSender, SmtpSenderContext, SmtpSendOptions } from '../smtp-sender.js';
import { type BuiltMime, buildMime } from './build-mime.js';
import { classifyFailure } from './classify-failure.js';
import { ConnectionPool, type PooledConnection } from './connection-pool.js';
import { SendCancellation } from './send-cancellation.js';
import { smtpOptions } from './smtp-options.js';
import { redactSecrets, secretForms, type TraceListener, transcriptLogger } from './transcript.js';

/** reliability.md "SMTP timeouts": the whole send, backoff included. */
export const DEFAULT_SMTP_DEADLINE_MS = 120_000;
export const DEFAULT_SMTP_MAX_RETRIES = 2;
export const DEFAULT_SMTP_BACKOFF: BackoffSettings = { initialDelayMs: 500, maxDelayMs: 8_000, maxHintMs: 0 };

export interface SmtpSenderOptions extends SmtpSenderContext {
  /** Default 120 s for one send, backoff included; a per-call `deadline` wins. */
  deadline?: number;
  /** Receives the dialogue line by line (`C: ...`, `S: ...`), AUTH lines as `[redacted]`. */
  trace?: TraceListener;
  /** Extra `tls.connect` options (a `ca` for a private relay). */
  tls?: SMTPConnection.Options['tls'];
  maxConnections?: number;
  maxMessages?: number;
}

/** A rejected recipient of a message that other recipients accepted (5xx or 4xx at RCPT TO). */
export interface SmtpRejectedRecipient {
  email: string;
  smtpCode: number | undefined;
  enhancedCode: string | undefined;
  response: string | undefined;
}

/** The API's send result; over SMTP it also lists recipients the relay refused while accepting others. */
export type SmtpSendResult = SendResult & { rejected: SmtpRejectedRecipient[] };

interface SendInfo {
  accepted: string[];
  rejected: string[];
  rejectedErrors?: { recipient?: string; response?: string; responseCode?: number }[];
  response: string;
}

/** The `SmtpSender` the client uses, with the SMTP-specific `rejected` list in its result type. */
export interface SmtpResultSender extends SmtpSender {
  send(message: SendMessageRequest, sendOptions: SmtpSendOptions): Promise<SmtpSendResult>;
}

class AttemptFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly dotSent: boolean,
    readonly idempotent: boolean,
  ) {
    super('SMTP attempt failed');
  }
}

const REPLY_ID = /\b(queued as|duplicate of)\s+<?([^\s>]+)>?/i;

function sleep(ms: number, cancel: SendCancellation): Promise<void> {
  return new Promise((resolve, reject) => {
    if (cancel.aborted) return reject(cancel.reason);
    const timer = setTimeout(() => {
      cancel.clear();
      resolve();
    }, ms);
    cancel.onAbort((reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
}

function deadlineReason(): DOMException {
  return new DOMException('deadline', 'TimeoutError');
}

/**
 * The sender behind `messages.send(message, { via: 'smtp' })`: a pool of nodemailer connections to
 * the relay, the message as MIME with `X-MP-*` control headers, and reliability.md's SMTP policy
 * (retry 4xx and connection failures on a new connection, never a 5xx; an ambiguous failure after
 * the final dot only when the relay advertises XMPIDEMPOTENCY).
 */
export function createSmtpSender(options: SmtpSenderOptions): SmtpResultSender {
  const { smtp } = options;
  const secrets = secretForms(smtp.user, options.apiKey);
  const redact = (text: string): string => redactSecrets(text, secrets);
  const preset = smtpOptions({
    apiKey: options.apiKey,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    starttls: smtp.starttls,
    user: smtp.user,
    allowInsecureAuth: smtp.allowInsecureAuth,
  });
  const trace = options.trace ?? smtp.trace;
  const pool = new ConnectionPool({
    connection: {
      host: preset.host,
      port: preset.port,
      secure: preset.secure,
      requireTLS: preset.requireTLS,
      ignoreTLS: preset.ignoreTLS,
      connectionTimeout: preset.connectionTimeout,
      greetingTimeout: preset.greetingTimeout,
      socketTimeout: preset.socketTimeout,
      dnsTimeout: preset.dnsTimeout,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(trace === undefined
        ? { logger: false }
        : { logger: transcriptLogger(trace, secrets), transactionLog: true }),
    },
    auth: preset.auth,
    maxConnections: options.maxConnections ?? preset.maxConnections,
    maxMessages: options.maxMessages ?? preset.maxMessages,
  });
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? DEFAULT_SMTP_BACKOFF;

  async function attempt(built: BuiltMime, cancel: SendCancellation): Promise<SendInfo> {
    let pooled: PooledConnection;
    try {
      pooled = await pool.acquire(cancel);
    } catch (error) {
      throw new AttemptFailure(error, false, false);
    }
    let dotSent = false;
    // nodemailer pipes any `message` with a `pipe` method into its dot-escaping DATA stream once the
    // relay answered 354; ending that stream with the prepared bytes writes the body and the final
    // dot, without a Readable and its listeners per attempt.
    const body = {
      pipe(data: Writable): void {
        dotSent = true;
        data.end(built.raw);
      },
    };
    try {
      const info = await new Promise<SendInfo>((resolve, reject) => {
        cancel.onAbort((reason) => {
          pooled.connection.close();
          reject(reason);
        });
        // nodemailer writes its state (mailError, ...) into the envelope object: a fresh one per attempt
        const envelope = { from: built.envelope.from, to: [...built.envelope.to] };
        pooled.connection.send(envelope, body as unknown as Readable, (error, result) =>
          error ? reject(error) : resolve(result as SendInfo),
        );
      });
      pool.release(pooled, true);
      return info;
    } catch (error) {
      pool.release(pooled, false);
      throw new AttemptFailure(error, dotSent, pooled.idempotent);
    } finally {
      cancel.clear();
    }
  }

  function abortFailure(reason: unknown, failure: AttemptFailure, deadlineHit: boolean): MailPlatformError {
    if (failure.dotSent) {
      return new AmbiguousDeliveryError(
        'The send was interrupted after the message was sent and before the relay answered: it may have been delivered',
        { code: 'smtp_ambiguous', retryable: failure.idempotent, stage: 'message', cause: reason },
      );
    }
    if (deadlineHit)
      return new TimeoutError('The SMTP send did not finish before its deadline', {
        cause: reason,
        retryable: true,
      });
    return new AbortError('The SMTP send was aborted', { cause: reason });
  }

  function toResult(
    message: SendMessageRequest,
    built: BuiltMime,
    info: SendInfo,
    idempotencyKey: string,
  ): SmtpSendResult {
    const match = REPLY_ID.exec(info.response);
    const status = message.scheduledAt === undefined ? 'queued' : 'scheduled';
    const rejected = info.rejected.map((email): SmtpRejectedRecipient => {
      const rejection = info.rejectedErrors?.find((entry) => entry.recipient === email);
      const response = rejection?.response === undefined ? undefined : redact(rejection.response);
      return {
        email,
        smtpCode: rejection?.responseCode,
        enhancedCode:
          response === undefined ? undefined : /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})/.exec(response)?.[1],
        response,
      };
    });
    return {
      id: match?.[2] ?? built.messageId,
      status,
      stream: message.stream ?? 'transactional',
      submittedAt: new Date().toISOString(),
      ...(message.scheduledAt === undefined
        ? {}
        : { scheduledAt: new Date(message.scheduledAt).toISOString() }),
      ...(message.clientReference === undefined ? {} : { clientReference: message.clientReference }),
      recipients: info.accepted.map((email) => ({
        email,
        type: built.recipientTypes.get(email.toLowerCase()) ?? 'to',
        status,
      })),
      idempotencyKey,
      replayed: match?.[1]?.toLowerCase() === 'duplicate of',
      rejected,
    };
  }

  return {
    async send(message, sendOptions) {
      const { idempotencyKey } = sendOptions;
      const built = await buildMime(message, idempotencyKey);
      const maxRetries = sendOptions.maxRetries ?? options.maxRetries ?? DEFAULT_SMTP_MAX_RETRIES;
      const deadlineMs = sendOptions.deadline ?? options.deadline ?? DEFAULT_SMTP_DEADLINE_MS;
      const started = Date.now();
      // A cleared timer, not AbortSignal.timeout(): that one keeps a 120 s timer alive per send.
      const cancel = new SendCancellation();
      const timer = setTimeout(() => cancel.abort(deadlineReason(), true), deadlineMs);
      const { signal } = sendOptions;
      const onSignal = (): void => cancel.abort(signal?.reason, false);
      if (signal?.aborted) onSignal();
      else signal?.addEventListener('abort', onSignal, { once: true });
      try {
        for (let attempts = 1; ; attempts++) {
          try {
            return toResult(message, built, await attempt(built, cancel), idempotencyKey);
          } catch (error) {
            if (!(error instanceof AttemptFailure)) throw error;
            let final: MailPlatformError;
            let retry = false;
            if (cancel.aborted) {
              final = abortFailure(cancel.reason, error, cancel.deadlineHit);
            } else if (isMailPlatformError(error.failure)) {
              final = error.failure;
            } else {
              const classified = classifyFailure(error.failure, {
                dotSent: error.dotSent,
                idempotent: error.idempotent,
                redact,
              });
              final = classified.error;
              retry = classified.retry;
            }
            final.idempotencyKey = idempotencyKey;
            final.attempts = attempts;
            if (!retry || attempts > maxRetries) throw final;
            const delay = backoffDelay(attempts, random, undefined, backoff);
            if (Date.now() - started + delay >= deadlineMs) throw final;
            try {
              await sleep(delay, cancel);
            } catch (reason) {
              const interrupted = abortFailure(
                reason,
                new AttemptFailure(reason, false, false),
                cancel.deadlineHit,
              );
              interrupted.idempotencyKey = idempotencyKey;
              interrupted.attempts = attempts;
              throw interrupted;
            }
          }
        }
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onSignal);
      }
    },
    close: () => pool.close(),
  };
}
