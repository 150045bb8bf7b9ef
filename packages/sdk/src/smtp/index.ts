export { type BuiltMime, buildMime, messageIdFor, type RecipientType } from './build-mime.js';
export { advertisesIdempotency, IDEMPOTENCY_KEYWORD } from './connection-pool.js';
export {
  createSmtpSender,
  DEFAULT_SMTP_BACKOFF,
  DEFAULT_SMTP_DEADLINE_MS,
  DEFAULT_SMTP_MAX_RETRIES,
  type SmtpRejectedRecipient,
  type SmtpResultSender,
  type SmtpSenderOptions,
  type SmtpSendResult,
} from './create-smtp-sender.js';
export {
  MAX_TEMPLATE_DATA_LENGTH,
  type MailplatformExtras,
  type MailplatformHeaders,
  mailplatformHeaders,
  type PreparedHeader,
} from './mailplatform-headers.js';
export { SMTP_TIMEOUTS, type SmtpPreset, type SmtpPresetInput, smtpOptions } from './smtp-options.js';
export type { TraceListener } from './transcript.js';
