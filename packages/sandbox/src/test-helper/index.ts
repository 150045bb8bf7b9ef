export { type ConnectSandboxOptions, connectSandbox } from './connect-sandbox.js';
export { InboxTimeoutError } from './inbox-timeout-error.js';
export type {
  InboxAddress,
  InboxAttachment,
  InboxFilter,
  InboxLink,
  InboxMessage,
  InboxMessageSummary,
  SandboxClockState,
  SandboxHelper,
  SimulateEventName,
  SimulateOptions,
  SimulateResponse,
  WaitForOptions,
} from './types.js';
