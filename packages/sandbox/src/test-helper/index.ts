export { type ConnectSandboxOptions, connectSandbox } from './connect-sandbox.js';
export { InboxTimeoutError } from './inbox-timeout-error.js';
export type {
  SandboxClockState,
  InboxAddress,
  InboxAttachment,
  InboxFilter,
  InboxLink,
  InboxMessage,
  InboxMessageSummary,
  InboxRecipient,
  SandboxEvent,
  SandboxHelper,
  SimulateEventName,
  SimulateOptions,
  WaitForOptions,
} from './types.js';
