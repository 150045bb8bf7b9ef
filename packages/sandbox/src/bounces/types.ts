export type BounceClass = 'hard' | 'soft' | 'block' | 'undetermined';

export type BounceType =
  | 'mailbox_not_found'
  | 'invalid_address'
  | 'domain_not_found'
  | 'mailbox_disabled'
  | 'mailbox_full'
  | 'host_unreachable'
  | 'delivery_expired'
  | 'rate_limited'
  | 'message_too_large'
  | 'content_rejected'
  | 'reputation_block'
  | 'auth_failed'
  | 'policy_block'
  | 'relay_denied'
  | 'protocol_error'
  | 'undetermined';

export type DeferralReason =
  | 'greylisted'
  | 'rate_limited'
  | 'host_unreachable'
  | 'mailbox_full'
  | 'reputation'
  | 'temporary';

export type SmtpPhase = 'connect' | 'helo' | 'mail' | 'rcpt' | 'data' | 'dsn';

/** A failure before any SMTP reply was received. */
export type TransportFailure =
  | 'nxdomain'
  | 'null_mx'
  | 'no_mx'
  | 'servfail'
  | 'connection_refused'
  | 'connection_timeout'
  | 'tls_failure';

export interface BounceInput {
  smtpCode?: number;
  enhancedCode?: string;
  diagnostic?: string;
  phase?: SmtpPhase;
  transport?: TransportFailure;
}

export interface BounceOutcome {
  outcome: 'bounce';
  class: BounceClass;
  type: BounceType;
  /** Only hard bounces suppress the recipient at once. */
  suppress: boolean;
  /** The rule that decided, e.g. `text:mailbox-full`, `enhanced:x.1.1`, `basic:550`, `transport:nxdomain`. */
  rule: string;
}

export interface DeferralOutcome {
  outcome: 'deferral';
  reason: DeferralReason;
  /** The type of the soft bounce this becomes when retries run out (see `finalizeDeferral`). */
  type: BounceType;
  rule: string;
}

export type BounceClassification = BounceOutcome | DeferralOutcome;

export interface ParsedSmtpReply {
  smtpCode?: number;
  enhancedCode?: string;
  diagnostic: string;
}
