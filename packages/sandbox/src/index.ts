export type { ClockOptions } from './clock/virtual-clock.js';
export type { SandboxCore } from './core/sandbox-core.js';
export { createSandbox, newTestKey, type Sandbox, type SandboxOptions } from './create-sandbox.js';
export {
  type ConnectSandboxOptions,
  connectSandbox,
  type InboxAddress,
  type InboxAttachment,
  type InboxFilter,
  type InboxLink,
  type InboxMessage,
  type InboxMessageSummary,
  InboxTimeoutError,
  type SandboxClockState,
  type SandboxHelper,
  type SimulateEventName,
  type SimulateOptions,
  type SimulateResponse,
  type WaitForOptions,
} from './test-helper/index.js';
