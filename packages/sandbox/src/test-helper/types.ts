export interface InboxAddress {
  email: string;
  name?: string;
}

export interface InboxRecipient {
  email: string;
  type: 'to' | 'cc' | 'bcc';
  status: string;
  /** First time each event happened to this recipient (`delivered`, `opened`, ...), RFC 3339. */
  events: Record<string, string>;
}

/** One captured message, as `GET /sandbox/v1/inbox` lists it. */
export interface InboxMessageSummary {
  id: string;
  status: string;
  stream: string;
  channel: 'api' | 'smtp';
  from: InboxAddress;
  to: InboxAddress[];
  cc: InboxAddress[];
  bcc: InboxAddress[];
  replyTo: InboxAddress[];
  subject: string;
  tag: string | null;
  metadata: Record<string, string>;
  template: { id: string; alias?: string; version: number } | null;
  scheduledAt: string | null;
  submittedAt: string;
  createdAt: string;
  recipients: InboxRecipient[];
}

export interface InboxLink {
  linkId: string;
  /** The link as written in the message. */
  url: string;
  /** The rewritten link; fetching it records a click. */
  trackingUrl: string;
}

export interface InboxAttachment {
  filename?: string;
  contentType: string;
  contentId: string | null;
  disposition: 'attachment' | 'inline';
  size: number;
}

/** One captured message with its content, as one recipient received it (`GET /sandbox/v1/inbox/{id}`). */
export interface InboxMessage extends InboxMessageSummary {
  headers: Record<string, string>;
  html: string | null;
  text: string | null;
  links: InboxLink[];
  attachments: InboxAttachment[];
}

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

export interface SandboxClockState {
  now: string;
  frozen: boolean;
}

export type SimulateEventName =
  | 'open'
  | 'click'
  | 'bounce'
  | 'deferred'
  | 'complaint'
  | 'unsubscribe'
  | 'auto_reply'
  | 'delivered';

export interface SimulateOptions {
  /** Default: the first recipient. */
  recipient?: string;
  event: SimulateEventName;
  options?: {
    /** click: the link clicked (default: the first tracked link). */
    url?: string;
    /** open: a machine open (Apple MPP). */
    machine?: boolean;
    /** click: a bot click. */
    bot?: boolean;
    /** bounce: the remote reply; classified by the bounce rules. */
    bounce?: { smtpCode?: number; enhancedCode?: string; diagnostic?: string; class?: string; type?: string };
    /** When, on the virtual clock, relative to now: `+PT5M`. Default now. */
    at?: string;
  };
}

/** An event as the platform records it (the payload webhooks carry). */
export interface SandboxEvent {
  id: string;
  type: string;
  timestamp: string;
  apiVersion: 'v1';
  data: Record<string, unknown>;
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
  simulate(messageId: string, event: SimulateOptions): Promise<SandboxEvent>;
  /** Clears this key's namespace (messages, events, templates, suppressions, ...); `all` clears every namespace. */
  reset(options?: { all?: boolean }): Promise<void>;
}
