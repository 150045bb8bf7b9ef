import type { TrackedLink } from '../storage/json-types.js';

/** One simulated step for a recipient; `afterMs` counts from the moment the message is sent. */
export interface ScenarioStep {
  afterMs: number;
  /** Full event type, `message.delivered`, `message.bounced`, ... */
  type: string;
  smtpCode?: number;
  enhancedCode?: string;
  diagnostic?: string;
  phase?: string;
  details?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  steps: ScenarioStep[];
}

export interface TrackingInput {
  html?: string;
  text?: string;
  baseUrl: string;
  /** Creates the token of one link (stored so `/t/c/:token` can resolve it). */
  clickToken: (url: string, linkId: string) => string;
  openToken: string;
  opens: boolean;
  clicks: 'none' | 'html' | 'text' | 'all';
  /** The message's `List-Unsubscribe` header: its URLs are never rewritten. */
  listUnsubscribe?: string;
}

export interface TrackingOutput {
  html?: string;
  text?: string;
  links: TrackedLink[];
}

export interface RenderInput {
  subject: string;
  html?: string;
  text?: string;
  /** The layout template's parts; their `{{{body}}}` slot receives the rendered template. */
  layout?: { html?: string; text?: string };
  data: Record<string, unknown>;
  locale?: string;
  timezone?: string;
  strict: boolean;
}

export interface RenderOutput {
  subject: string;
  html?: string;
  text?: string;
  missingVariables: string[];
  warnings: string[];
}

export interface BounceClassification {
  class: 'hard' | 'soft' | 'block' | 'undetermined';
  type: string;
  /** The rule that decided, e.g. `transport:nxdomain` or `enhanced:x.1.1`. */
  rule: string;
}

export interface OpenClassification {
  machine: boolean;
  machineReason?: string;
}

export interface ClickClassification {
  bot: boolean;
  botReason?: string;
}

/**
 * The pure engines the pipeline uses (simulator, tracking, templates, bounce rules), behind one seam
 * so the pipeline does not depend on their internal shapes.
 */
export interface DeliveryEngines {
  scenarioFor(recipient: string, simulate?: string): Scenario;
  applyTracking(input: TrackingInput): TrackingOutput;
  renderTemplate(input: RenderInput): RenderOutput;
  extractVariables(parts: { subject: string; html?: string; text?: string }): string[];
  classifyBounce(input: {
    smtpCode?: number;
    enhancedCode?: string;
    diagnostic?: string;
    phase?: string;
    /** A failure before any SMTP reply (`nxdomain`, `connection_timeout`, ...); decides first. */
    transport?: string;
  }): BounceClassification;
  /** `at` and `deliveredAt` are sandbox-clock milliseconds. */
  classifyOpen(input: {
    userAgent: string;
    ip: string;
    method: string;
    at: number;
    deliveredAt: number | null;
  }): OpenClassification;
  classifyClick(input: {
    userAgent: string;
    ip: string;
    method: string;
    at: number;
    deliveredAt: number | null;
    /** When this recipient clicked OTHER links of the same message (several within 1 s is a scanner). */
    recentClicksAt?: number[];
  }): ClickClassification;
  truncateIp(ip: string): string;
}
