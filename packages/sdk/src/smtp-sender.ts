import type { BackoffSettings } from './http/backoff.js';
import type { Logger, RequestOptions } from './http/types.js';
import type { ResolvedSmtpOptions } from './options.js';
import type { SendResult } from './resources/messages.js';
import type { SendMessageRequest } from './schemas/index.js';

/**
 * What the client needs from the SMTP side for `messages.send(message, { via: 'smtp' })`.
 * `@mailplatform/sdk/smtp` (Node only) exports `createSmtpSender`; the Node build loads it lazily.
 */
export interface SmtpSender {
  /**
   * Sends one message (attachments already base64; the sender validates it, header-injection checks
   * included, before nodemailer sees it) through
   * the relay with `X-MP-Idempotency-Key: options.idempotencyKey`. Resolves like the API: the
   * message id and status, the key, and `replayed: true` when the relay answered "duplicate of msg_...".
   */
  send(message: SendMessageRequest, options: SmtpSendOptions): Promise<SendResult>;
  /** Drains and closes the connection pool. */
  close(): Promise<void>;
}

export interface SmtpSendOptions extends Omit<RequestOptions, 'idempotencyKey' | 'headers'> {
  idempotencyKey: string;
}

/** What the sender is built from: the client's API key (the SMTP password), its resolved `smtp` option and logger. */
export interface SmtpSenderContext {
  apiKey: string;
  smtp: ResolvedSmtpOptions;
  logger: Logger | undefined;
  /** The client's `maxRetries` applies to the relay too (the SMTP deadline stays 120 s per message). */
  maxRetries?: number;
  backoff?: BackoffSettings;
  random?: () => number;
}

export type CreateSmtpSender = (context: SmtpSenderContext) => SmtpSender;
