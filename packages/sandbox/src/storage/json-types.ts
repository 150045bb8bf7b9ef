export interface Address {
  email: string;
  name?: string;
}

export type RecipientType = 'to' | 'cc' | 'bcc';

export type ClickTracking = 'none' | 'html' | 'text' | 'all';

export interface StoredAttachment {
  filename?: string;
  contentType: string;
  content: string;
  contentId: string | null;
  disposition: 'attachment' | 'inline';
}

/** A message after validation, template merge and defaults: what the sandbox stores and delivers. */
export interface StoredMessage {
  id: string;
  namespace: string;
  createdAt: string;
  status: MessageStatus;
  channel: 'api' | 'smtp';
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  subject: string;
  html?: string;
  text?: string;
  stream: string;
  tag?: string;
  metadata: Record<string, string>;
  headers: Record<string, string>;
  attachments: StoredAttachment[];
  tracking: { opens: boolean; clicks: ClickTracking };
  template?: { id: string; alias?: string; version: number };
  scheduledAt?: string;
  simulate?: string;
  clientReference?: string;
  messageIdHeader: string;
}

export type MessageStatus = 'queued' | 'scheduled' | 'suppressed' | 'cancelled' | 'processed';

export type RecipientStatus =
  | 'queued'
  | 'scheduled'
  | 'suppressed'
  | 'deferred'
  | 'delivered'
  | 'bounced'
  | 'failed'
  | 'cancelled';

export interface TrackedLink {
  linkId: string;
  url: string;
  trackingUrl: string;
}

export interface StoredRecipient {
  messageId: string;
  position: number;
  email: string;
  type: RecipientType;
  status: RecipientStatus;
  html?: string;
  text?: string;
  links: TrackedLink[];
  firstEvents: Record<string, string>;
}

export interface MailEventEnvelope {
  id: string;
  type: string;
  timestamp: string;
  apiVersion: 'v1';
  data: Record<string, unknown>;
}

export interface Suppression {
  id: string;
  email: string;
  stream: string;
  reason: 'hard_bounce' | 'soft_bounce_repeated' | 'spam_complaint' | 'unsubscribe' | 'manual';
  origin: 'bounce' | 'complaint' | 'unsubscribe' | 'api' | 'dashboard';
  createdAt: string;
  lastEventId: string | null;
  bounceType: string | null;
  enhancedCode: string | null;
  diagnostic: string | null;
}
