import type {
  Clock,
  InboxMessage,
  InboxMessageSummary,
  SimulateEvent,
  SimulateRequest,
  SimulateResponse,
} from '@mailplatform/sdk/schemas';

export type { InboxMessage, InboxMessageSummary, SimulateResponse };

export type InboxAddress = InboxMessageSummary['from'];
export type InboxLink = InboxMessage['links'][number];
export type InboxAttachment = InboxMessage['attachments'][number];
export type SandboxClockState = Clock;
export type SimulateEventName = SimulateEvent;

export interface InboxFilter {
  /** A recipient address (to, cc or bcc). */
  to?: string;
  /** A case-insensitive substring of the subject. */
  subject?: string;
  tag?: string;
}

export interface WaitForOptions extends InboxFilter {
  /** Milliseconds to wait for a match; default 10,000. */
  timeout?: number;
}

export interface SimulateOptions {
  /** Default: the first recipient. */
  recipient?: string;
  event: SimulateEventName;
  /** Link, machine/bot flag, bounce reply and `at` (`+PT5M` or a timestamp), as the control API takes them. */
  options?: SimulateRequest['options'];
}

export interface SandboxHelper {
  inbox: {
    /** Resolves with the newest message that matches, waiting (long-poll) until one arrives. */
    waitFor(options?: WaitForOptions): Promise<InboxMessage>;
    /** The messages captured so far, newest first. */
    list(filter?: InboxFilter): Promise<InboxMessageSummary[]>;
    /** A message's content as `recipient` (default: the first recipient) received it. */
    get(messageId: string, options?: { recipient?: string }): Promise<InboxMessage>;
    /** The MIME as sent. */
    raw(messageId: string): Promise<string>;
  };
  clock: {
    /** Moves the virtual clock forward (`'PT6H'` or milliseconds) and runs everything that falls due. */
    advance(by: string | number): Promise<SandboxClockState>;
    /** Stops (or, with `false`, restarts) the virtual clock. */
    freeze(frozen?: boolean): Promise<SandboxClockState>;
    /** Sets the virtual clock to an instant. */
    set(at: Date | string): Promise<SandboxClockState>;
    now(): Promise<Date>;
  };
  /** Records an event for a message's recipient, through the same code path as real events. */
  simulate(messageId: string, event: SimulateOptions): Promise<SimulateResponse>;
  /** Clears this key's namespace (messages, events, templates, suppressions, ...); `all` clears every namespace. */
  reset(options?: { all?: boolean }): Promise<void>;
}
