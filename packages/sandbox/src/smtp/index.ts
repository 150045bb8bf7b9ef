export type { SmtpEnvelope } from './build-relay-message.js';
export {
  createSmtpRelay,
  DEFAULT_MAX_RECIPIENTS,
  DEFAULT_MAX_SIZE,
  type RelayLogger,
  type SmtpChaosReply,
  type SmtpPhase,
  type SmtpRelay,
  type SmtpRelayOptions,
  type SubmitOptions,
  type SubmitResult,
} from './create-smtp-relay.js';
export { InvalidControlHeaderError } from './invalid-control-header-error.js';
export { MAX_TEMPLATE_DATA_LENGTH } from './read-control-headers.js';
export type {
  ClickTracking,
  RelayAddress,
  RelayAttachment,
  RelayMessage,
  RelayTemplate,
} from './relay-message.js';
export { IDEMPOTENCY_KEYWORD } from './relay-server.js';
export { createSelfSignedCertificate, type TlsMaterial } from './self-signed-certificate.js';
