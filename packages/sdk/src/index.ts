// The default build of `@mailplatform/sdk`: Web-standard runtimes (edge, workers, browsers, Deno, Bun).
// It reaches the network only through `fetch`; nothing here imports node:*, undici or nodemailer.
export type { Attachment, AttachmentDisposition, AttachmentInput } from './attachments.js';
export type { AttachmentPathInput, NodeAttachmentInput } from './attachments-node.js';
export { MailPlatform } from './client.js';
export {
  AbortError,
  AmbiguousDeliveryError,
  ApiError,
  type ApiErrorOptions,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConflictError,
  ConnectionError,
  type ErrorFromResponseInput,
  errorFromResponse,
  type FieldError,
  IdempotencyKeyReusedError,
  InvalidHeaderError,
  isMailPlatformError,
  MailPlatformError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  type ProblemDetails,
  RateLimitError,
  ServerError,
  SmtpError,
  SmtpRejectedError,
  type SmtpStage,
  SmtpTransientError,
  TimeoutError,
  UnprocessableEntityError,
  UnsupportedRuntimeError,
  ValidationError,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from './errors.js';
export type { Logger, RequestOptions, Transport, TransportRequest, TransportResponse } from './http/types.js';
export { isLoopbackHost } from './is-loopback-host.js';
export type { ClientOptions, SmtpOptions } from './options.js';
export { Page, PagePromise } from './pagination.js';
export type { SendMessageInput } from './platform.js';
export { redactSecret } from './redact.js';
export type { AccountResource } from './resources/account.js';
export type { BouncesResource } from './resources/bounces.js';
export type { EventsResource } from './resources/events.js';
export { ExportFailedError, type ExportsResource, type WaitForExportOptions } from './resources/exports.js';
export type {
  BatchItemFailure,
  BatchItemResult,
  BatchItemSuccess,
  MessagesResource,
  SendOptions,
  SendResult,
} from './resources/messages.js';
export type { StatsResource } from './resources/stats.js';
export type {
  CheckSuppressionQuery,
  RemoveSuppressionQuery,
  SuppressionCheck,
  SuppressionsResource,
} from './resources/suppressions.js';
export type { TemplatesResource } from './resources/templates.js';
export type {
  ListWebhookDeliveriesQuery,
  ListWebhookEndpointsQuery,
  WebhookEndpointsResource,
} from './resources/webhook-endpoints.js';
export type {
  Account,
  AddSuppressionsRequest,
  AddSuppressionsResponse,
  Bounce,
  CreateExportRequest,
  CreateTemplateRequest,
  CreateWebhookEndpointRequest,
  Export,
  ListBouncesQuery,
  ListEventsQuery,
  ListMessagesQuery,
  ListSuppressionsQuery,
  ListTemplatesQuery,
  Message,
  RenderTemplateRequest,
  RenderTemplateResponse,
  SendMessageRequest,
  SendMessageResponse,
  StatsQuery,
  StatsResponse,
  Suppression,
  Template,
  UpdateTemplateRequest,
  UpdateWebhookEndpointRequest,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './schemas/index.js';
export { SDK_VERSION } from './version.js';
export {
  createMemoryDedupeStore,
  type DedupeStore,
  type EventOf,
  type EventType,
  type HandleWebhookOptions,
  handleWebhookRequest,
  type MailEvent,
  type SignWebhookInput,
  signWebhook,
  type VerifyWebhookInput,
  verifyWebhook,
  type WebhookHandlerMap,
} from './webhooks/index.js';
