import { type BounceInput, classifyBounce, finalizeDeferral } from '../bounces/index.js';
import { classifyClick, classifyOpen } from '../tracking/index.js';

export const SIMULATOR_DOMAIN = 'sim.mailplatform.test';

export type SimulatedEvent =
  | 'delivered'
  | 'deferred'
  | 'bounced'
  | 'complained'
  | 'unsubscribed'
  | 'opened'
  | 'clicked'
  | 'auto_replied'
  | 'suppressed';

export interface ScenarioStep {
  /** ISO-8601 duration from submission. Steps are in order; equal offsets keep array order. */
  after: string;
  event: SimulatedEvent;
  reply?: string;
  smtpCode?: number;
  enhancedCode?: string;
  phase?: BounceInput['phase'];
  /**
   * Event-specific fields. `bounced`: `class`, `type`, `suppress`, `rule` (from `classifyBounce`);
   * `deferred`: `reason`, `type`, `rule`; transport failures add `transport`. `opened`: `machine`,
   * `machineReason?`, `userAgent`, `ip`. `clicked`: `link` (`first`|`all`), `bot`, `botReason?`,
   * `userAgent`, `ip`. `complained`: `feedbackType`. `unsubscribed`: `method`. `auto_replied`: `kind`.
   */
  details?: Record<string, unknown>;
}

export interface Scenario {
  name: ScenarioName;
  /** The `+label` of the recipient's local part, echoed so tests can tell messages apart. */
  label?: string;
  steps: ScenarioStep[];
}

// Replies reproduced verbatim from the contract's table of real rejections (rows 1, 6, 7, 9, 11, 13, 16, 18).
export const SIMULATOR_REPLIES = {
  delivered: '250 2.0.0 OK',
  mailboxNotFound: '550 5.1.1 The email account that you tried to reach does not exist',
  mailboxDisabled: '550 5.2.1 The email account that you tried to reach is disabled',
  domainNotFound: `Host or domain name not found. Name service error for name=${SIMULATOR_DOMAIN} type=MX: Host not found`,
  overQuota: '452 4.2.2 The email account that you tried to reach is over quota',
  connectionTimedOut: `connect to mx.${SIMULATOR_DOMAIN}[192.0.2.25]:25: Connection timed out`,
  greylisted: '451 4.7.1 Greylisting in action, please try again later',
  unauthenticated: '550 5.7.26 This mail has been blocked because the sender is unauthenticated',
  blocked: '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org',
} as const;

const HUMAN_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const HUMAN_IP = '192.0.2.44';
const APPLE_PROXY_IP = '17.58.63.11';
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const RETRIES = ['PT5M', 'PT30M', 'PT2H'];
const RETRY_WINDOW = 'PT72H';

function deliveredAt(after = 'PT1S'): ScenarioStep {
  return {
    after,
    event: 'delivered',
    reply: SIMULATOR_REPLIES.delivered,
    smtpCode: 250,
    enhancedCode: '2.0.0',
    phase: 'data',
  };
}

function failure(after: string, input: BounceInput & { reply: string }): ScenarioStep {
  const { reply, ...rest } = input;
  const result = classifyBounce({ ...rest, diagnostic: reply });
  const step: ScenarioStep = { after, event: result.outcome === 'bounce' ? 'bounced' : 'deferred', reply };
  if (rest.smtpCode !== undefined) step.smtpCode = rest.smtpCode;
  if (rest.enhancedCode !== undefined) step.enhancedCode = rest.enhancedCode;
  if (rest.phase !== undefined) step.phase = rest.phase;
  const transport = rest.transport === undefined ? {} : { transport: rest.transport };
  step.details =
    result.outcome === 'bounce'
      ? { class: result.class, type: result.type, suppress: result.suppress, rule: result.rule, ...transport }
      : { reason: result.reason, type: result.type, rule: result.rule, ...transport };
  return step;
}

/** Deferred at +5 min, +30 min and +2 h, then the soft bounce of the last deferral at +72 h. */
function retriedUntilExpiry(input: BounceInput & { reply: string }): ScenarioStep[] {
  const { reply, ...rest } = input;
  const last = classifyBounce({ ...rest, diagnostic: reply });
  if (last.outcome !== 'deferral') throw new Error(`simulator: ${reply} is not a deferral`);
  const final = finalizeDeferral(last);
  const deferrals = RETRIES.map((after) => failure(after, input));
  const { details: _deferral, ...attempt } = deferrals[deferrals.length - 1]!;
  const transport = rest.transport === undefined ? {} : { transport: rest.transport };
  const details = {
    class: final.class,
    type: final.type,
    suppress: final.suppress,
    rule: final.rule,
    ...transport,
  };
  return [...deferrals, { ...attempt, after: RETRY_WINDOW, event: 'bounced', details }];
}

function opened(after: string, afterMs: number, userAgent: string, ip: string): ScenarioStep {
  const verdict = classifyOpen({ method: 'GET', userAgent, ip, deliveredAt: SECOND, at: afterMs });
  return { after, event: 'opened', details: { ...verdict, userAgent, ip } };
}

function clicked(after: string, afterMs: number, link: 'first' | 'all'): ScenarioStep {
  const verdict = classifyClick({
    method: 'GET',
    userAgent: HUMAN_USER_AGENT,
    ip: HUMAN_IP,
    deliveredAt: SECOND,
    at: afterMs,
    recentClicksAt: [],
  });
  return {
    after,
    event: 'clicked',
    details: { link, ...verdict, userAgent: HUMAN_USER_AGENT, ip: HUMAN_IP },
  };
}

const SCENARIOS = {
  delivered: () => [deliveredAt()],
  'soft-bounce': () =>
    retriedUntilExpiry({
      reply: SIMULATOR_REPLIES.overQuota,
      smtpCode: 452,
      enhancedCode: '4.2.2',
      phase: 'rcpt',
    }),
  'mailbox-full': () =>
    retriedUntilExpiry({
      reply: SIMULATOR_REPLIES.overQuota,
      smtpCode: 452,
      enhancedCode: '4.2.2',
      phase: 'rcpt',
    }),
  'no-answer': () =>
    retriedUntilExpiry({
      reply: SIMULATOR_REPLIES.connectionTimedOut,
      enhancedCode: '4.4.1',
      phase: 'connect',
      transport: 'connection_timeout',
    }),
  greylisted: () => [
    failure('PT1S', {
      reply: SIMULATOR_REPLIES.greylisted,
      smtpCode: 451,
      enhancedCode: '4.7.1',
      phase: 'rcpt',
    }),
    deliveredAt('PT5M1S'),
  ],
  'hard-bounce': () => [
    failure('PT1S', {
      reply: SIMULATOR_REPLIES.mailboxNotFound,
      smtpCode: 550,
      enhancedCode: '5.1.1',
      phase: 'rcpt',
    }),
  ],
  'no-such-user': () => [
    failure('PT1S', {
      reply: SIMULATOR_REPLIES.mailboxNotFound,
      smtpCode: 550,
      enhancedCode: '5.1.1',
      phase: 'rcpt',
    }),
  ],
  deleted: () => [
    failure('PT1S', {
      reply: SIMULATOR_REPLIES.mailboxDisabled,
      smtpCode: 550,
      enhancedCode: '5.2.1',
      phase: 'rcpt',
    }),
  ],
  'no-domain': () => [
    failure('PT1S', {
      reply: SIMULATOR_REPLIES.domainNotFound,
      enhancedCode: '5.1.2',
      phase: 'connect',
      transport: 'nxdomain',
    }),
  ],
  'late-bounce': () => [
    deliveredAt(),
    failure('PT10M', {
      reply: SIMULATOR_REPLIES.mailboxNotFound,
      smtpCode: 550,
      enhancedCode: '5.1.1',
      phase: 'dsn',
    }),
  ],
  blocked: () => [
    failure('PT1S', {
      reply: SIMULATOR_REPLIES.blocked,
      smtpCode: 554,
      enhancedCode: '5.7.1',
      phase: 'rcpt',
    }),
  ],
  'auth-fail': () => [
    failure('PT1S', {
      reply: SIMULATOR_REPLIES.unauthenticated,
      smtpCode: 550,
      enhancedCode: '5.7.26',
      phase: 'data',
    }),
  ],
  complaint: () => [
    deliveredAt(),
    {
      after: 'PT2M',
      event: 'complained',
      details: { feedbackType: 'abuse', feedbackProvider: SIMULATOR_DOMAIN },
    },
  ],
  unsubscribe: () => [
    deliveredAt(),
    { after: 'PT2M', event: 'unsubscribed', details: { method: 'one_click' } },
  ],
  open: () => [deliveredAt(), opened('PT1M', MINUTE, HUMAN_USER_AGENT, HUMAN_IP)],
  click: () => [
    deliveredAt(),
    opened('PT1M', MINUTE, HUMAN_USER_AGENT, HUMAN_IP),
    clicked('PT2M', 2 * MINUTE, 'first'),
  ],
  'mpp-open': () => [deliveredAt(), opened('PT5S', 5 * SECOND, 'Mozilla/5.0', APPLE_PROXY_IP)],
  'bot-click': () => [deliveredAt(), clicked('PT1S', SECOND, 'all')],
  ooto: () => [deliveredAt(), { after: 'PT1M', event: 'auto_replied', details: { kind: 'out_of_office' } }],
  suppressed: () => [{ after: 'PT0S', event: 'suppressed' }],
  slow: () => [deliveredAt('PT10M')],
} satisfies Record<string, () => ScenarioStep[]>;

export type ScenarioName = keyof typeof SCENARIOS;

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}

/** Splits `local+label@domain` (case-insensitive); undefined for text without an `@`. */
export function parseSimulatorAddress(
  recipient: string,
): { local: string; label?: string; domain: string } | undefined {
  const address = recipient.trim().replace(/^.*<([^>]+)>\s*$/, '$1');
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const localPart = address.slice(0, at).toLowerCase();
  const domain = address.slice(at + 1).toLowerCase();
  const plus = localPart.indexOf('+');
  return plus === -1
    ? { local: localPart, domain }
    : { local: localPart.slice(0, plus), label: address.slice(plus + 1, at), domain };
}

/**
 * The simulated event sequence for a recipient (contract §17). `simulate` (the `X-MP-Simulate` header or
 * `sandbox.simulate`) names a scenario for any address and wins over the address. Ordinary addresses,
 * unknown simulator addresses and unknown scenario names are delivered at +1 s; validate a user-given
 * name with `isScenarioName` first to reject typos.
 */
export function scenarioFor(recipient: string, simulate?: string): Scenario {
  const parsed = parseSimulatorAddress(recipient);
  const label = parsed?.domain === SIMULATOR_DOMAIN ? parsed.label : undefined;
  const requested = simulate?.trim().toLowerCase();
  const fromAddress = parsed?.domain === SIMULATOR_DOMAIN ? parsed.local : undefined;
  const candidate = requested || fromAddress;
  const name: ScenarioName = candidate !== undefined && isScenarioName(candidate) ? candidate : 'delivered';
  const scenario: Scenario = { name, steps: SCENARIOS[name]() };
  if (label !== undefined) scenario.label = label;
  return scenario;
}
