export { type ConnectSandboxOptions, connectSandbox } from './connect-sandbox.js';
export { InboxTimeoutError } from './inbox-timeout-error.js';
export type {
  InboxAddress,
  InboxAttachment,
  InboxFilter,
  InboxLink,
  InboxMessage,
  InboxMessageSummary,
  InboxRecipient,
  SandboxClockState,
  SandboxEvent,
  SandboxHelper,
  SimulateEventName,
  SimulateOptions,
  WaitForOptions,
} from './types.js';
