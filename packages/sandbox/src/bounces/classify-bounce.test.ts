import { describe, expect, it } from 'vitest';
import {
  type BounceClassification,
  type BounceInput,
  bounceRules,
  classifyBounce,
  compileRules,
  finalizeDeferral,
} from './index.js';
import rawRules from './rules.json' with { type: 'json' };

function verdict(result: BounceClassification) {
  return result.outcome === 'bounce'
    ? { outcome: 'bounce', class: result.class, type: result.type, suppress: result.suppress }
    : { outcome: 'deferral', reason: result.reason, type: result.type };
}

// The contract's twenty-one real-world rejections. The table wins over the code rules.
// Transient replies are deferrals; their class/type is the soft bounce they become at retry exhaustion.
const TABLE: Array<{
  row: number;
  input: BounceInput;
  expected: ReturnType<typeof verdict>;
  final?: { class: string; type: string };
}> = [
  {
    row: 1,
    input: {
      diagnostic: '550 5.1.1 The email account that you tried to reach does not exist',
      phase: 'rcpt',
    },
    expected: { outcome: 'bounce', class: 'hard', type: 'mailbox_not_found', suppress: true },
  },
  {
    row: 2,
    input: { diagnostic: '550 5.5.0 Requested action not taken: mailbox unavailable', phase: 'rcpt' },
    expected: { outcome: 'bounce', class: 'hard', type: 'mailbox_not_found', suppress: true },
  },
  {
    row: 3,
    input: { diagnostic: '550 5.4.1 Recipient address rejected: Access denied', phase: 'rcpt' },
    expected: { outcome: 'bounce', class: 'hard', type: 'mailbox_not_found', suppress: true },
  },
  {
    row: 4,
    input: {
      diagnostic:
        '550 5.1.1 <kunde@example.dk>: Recipient address rejected: User unknown in virtual mailbox table',
      phase: 'rcpt',
    },
    expected: { outcome: 'bounce', class: 'hard', type: 'mailbox_not_found', suppress: true },
  },
  {
    row: 5,
    input: { diagnostic: "554 delivery error: dd This user doesn't have a yahoo.com account", phase: 'data' },
    expected: { outcome: 'bounce', class: 'hard', type: 'mailbox_not_found', suppress: true },
  },
  {
    row: 6,
    input: { diagnostic: '550 5.2.1 The email account that you tried to reach is disabled', phase: 'rcpt' },
    expected: { outcome: 'bounce', class: 'hard', type: 'mailbox_disabled', suppress: true },
  },
  {
    row: 7,
    input: {
      diagnostic:
        'Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found',
      enhancedCode: '5.4.4',
      phase: 'dsn',
    },
    expected: { outcome: 'bounce', class: 'hard', type: 'domain_not_found', suppress: true },
  },
  {
    row: 8,
    input: { diagnostic: '556 5.1.10 Recipient address has null MX', phase: 'rcpt' },
    expected: { outcome: 'bounce', class: 'hard', type: 'domain_not_found', suppress: true },
  },
  {
    row: 9,
    input: { diagnostic: '452 4.2.2 The email account that you tried to reach is over quota', phase: 'rcpt' },
    expected: { outcome: 'deferral', reason: 'mailbox_full', type: 'mailbox_full' },
    final: { class: 'soft', type: 'mailbox_full' },
  },
  {
    row: 10,
    input: { diagnostic: '552 5.2.2 Mailbox full', phase: 'rcpt' },
    expected: { outcome: 'bounce', class: 'soft', type: 'mailbox_full', suppress: false },
  },
  {
    row: 10,
    input: { diagnostic: '552 Quota exceeded', phase: 'data' },
    expected: { outcome: 'bounce', class: 'soft', type: 'mailbox_full', suppress: false },
  },
  {
    row: 11,
    input: {
      diagnostic: 'connect to mx.example.dk[192.0.2.25]:25: Connection timed out',
      enhancedCode: '4.4.1',
    },
    expected: { outcome: 'deferral', reason: 'host_unreachable', type: 'host_unreachable' },
    final: { class: 'soft', type: 'host_unreachable' },
  },
  {
    row: 12,
    input: { diagnostic: '4.4.7 Delivery time expired', phase: 'dsn' },
    expected: { outcome: 'bounce', class: 'soft', type: 'delivery_expired', suppress: false },
  },
  {
    row: 12,
    input: { diagnostic: 'Delivery time expired', enhancedCode: '5.4.7' },
    expected: { outcome: 'bounce', class: 'soft', type: 'delivery_expired', suppress: false },
  },
  {
    row: 13,
    input: { diagnostic: '451 4.7.1 Greylisting in action, please try again later', phase: 'rcpt' },
    expected: { outcome: 'deferral', reason: 'greylisted', type: 'delivery_expired' },
    final: { class: 'soft', type: 'delivery_expired' },
  },
  {
    row: 14,
    input: {
      diagnostic: '450 4.2.1 The user you are trying to contact is receiving mail too quickly',
      phase: 'rcpt',
    },
    expected: { outcome: 'deferral', reason: 'rate_limited', type: 'rate_limited' },
    final: { class: 'soft', type: 'rate_limited' },
  },
  {
    row: 15,
    input: {
      diagnostic:
        '421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume or user complaints',
      phase: 'mail',
    },
    expected: { outcome: 'deferral', reason: 'reputation', type: 'reputation_block' },
    final: { class: 'soft', type: 'reputation_block' },
  },
  {
    row: 16,
    input: {
      diagnostic: '550 5.7.26 This mail has been blocked because the sender is unauthenticated',
      phase: 'data',
    },
    expected: { outcome: 'bounce', class: 'block', type: 'auth_failed', suppress: false },
  },
  {
    row: 17,
    input: {
      diagnostic:
        '550 5.7.1 [192.0.2.10] Our system has detected that this message is likely unsolicited mail',
      phase: 'data',
    },
    expected: { outcome: 'bounce', class: 'block', type: 'content_rejected', suppress: false },
  },
  {
    row: 18,
    input: {
      diagnostic: '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org',
      phase: 'rcpt',
    },
    expected: { outcome: 'bounce', class: 'block', type: 'reputation_block', suppress: false },
  },
  {
    row: 19,
    input: { diagnostic: '550 5.7.606 Access denied, banned sending IP [192.0.2.10]', phase: 'rcpt' },
    expected: { outcome: 'bounce', class: 'block', type: 'reputation_block', suppress: false },
  },
  {
    row: 20,
    input: { diagnostic: '552 5.3.4 Message size exceeds fixed maximum message size', phase: 'data' },
    expected: { outcome: 'bounce', class: 'block', type: 'message_too_large', suppress: false },
  },
  {
    row: 21,
    input: { diagnostic: '554 5.7.1 <kunde@example.dk>: Relay access denied', phase: 'rcpt' },
    expected: { outcome: 'bounce', class: 'undetermined', type: 'relay_denied', suppress: false },
  },
];

describe('classifyBounce: the contract table of 21 real rejections', () => {
  it('covers every row', () => {
    expect(new Set(TABLE.map((entry) => entry.row)).size).toBe(21);
  });

  it.each(TABLE)('row $row: $input.diagnostic', ({ input, expected, final }) => {
    const result = classifyBounce(input);
    expect(verdict(result)).toEqual(expected);
    if (result.outcome === 'deferral') {
      const finalized = finalizeDeferral(result);
      expect({ class: finalized.class, type: finalized.type }).toEqual(final);
      expect(finalized.suppress).toBe(false);
    }
  });

  it('row 7 also classifies from the text alone, and as a transport failure', () => {
    const text =
      'Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found';
    expect(classifyBounce({ diagnostic: text })).toMatchObject({ class: 'hard', type: 'domain_not_found' });
    expect(classifyBounce({ transport: 'nxdomain', diagnostic: text })).toMatchObject({
      outcome: 'bounce',
      class: 'hard',
      type: 'domain_not_found',
      rule: 'transport:nxdomain',
    });
  });

  it('a DNS failure that says "try again" is a deferral, not a missing domain', () => {
    const text =
      'Host or domain name not found. Name service error for name=example.dk type=MX: Host not found, try again';
    expect(verdict(classifyBounce({ diagnostic: text }))).toEqual({
      outcome: 'deferral',
      reason: 'host_unreachable',
      type: 'host_unreachable',
    });
  });

  it('a transient reply in a DSN is final', () => {
    expect(
      verdict(
        classifyBounce({
          diagnostic: '452 4.2.2 The email account that you tried to reach is over quota',
          phase: 'dsn',
        }),
      ),
    ).toEqual({ outcome: 'bounce', class: 'soft', type: 'mailbox_full', suppress: false });
  });
});

describe('classifyBounce: text overrides', () => {
  it('"user unknown" is hard even on a 4xx', () => {
    expect(
      classifyBounce({ diagnostic: '450 4.1.1 <a@b.dk>: Recipient address rejected: User unknown' }),
    ).toEqual({
      outcome: 'bounce',
      class: 'hard',
      type: 'mailbox_not_found',
      suppress: true,
      rule: 'text:mailbox-not-found',
    });
  });

  it('"mailbox unavailable" on a 4xx is only temporary', () => {
    expect(
      verdict(
        classifyBounce({ diagnostic: '450 4.2.0 Requested mail action not taken: mailbox unavailable' }),
      ),
    ).toEqual({
      outcome: 'deferral',
      reason: 'temporary',
      type: 'delivery_expired',
    });
  });

  it('a greylisting text wins over a 5xx code', () => {
    expect(classifyBounce({ smtpCode: 550, diagnostic: 'Greylisted, please come back later' })).toMatchObject(
      {
        outcome: 'deferral',
        reason: 'greylisted',
      },
    );
  });

  it('a blocklist name is a reputation block, not content', () => {
    expect(classifyBounce({ smtpCode: 554, diagnostic: 'rejected: listed at bl.spamcop.net' })).toMatchObject(
      {
        class: 'block',
        type: 'reputation_block',
      },
    );
  });

  it('generic try-again-later text is a temporary deferral', () => {
    expect(classifyBounce({ diagnostic: '451 4.3.0 Temporary failure, try again later' })).toEqual({
      outcome: 'deferral',
      reason: 'temporary',
      type: 'delivery_expired',
      rule: 'text:try-again-later',
    });
  });
});

describe('classifyBounce: codes only', () => {
  it.each([
    [{ smtpCode: 550, enhancedCode: '5.1.1' }, 'bounce', 'hard', 'mailbox_not_found', 'enhanced:x.1.1'],
    [{ smtpCode: 553, enhancedCode: '5.1.3' }, 'bounce', 'hard', 'invalid_address', 'enhanced:x.1.3'],
    [{ smtpCode: 550, enhancedCode: '5.1.2' }, 'bounce', 'hard', 'domain_not_found', 'enhanced:x.1.2'],
    [{ smtpCode: 550, enhancedCode: '5.4.4' }, 'bounce', 'hard', 'domain_not_found', 'enhanced:5.4.4'],
    [{ smtpCode: 550, enhancedCode: '5.2.1' }, 'bounce', 'hard', 'mailbox_disabled', 'enhanced:x.2.1'],
    [{ smtpCode: 550, enhancedCode: '5.7.13' }, 'bounce', 'hard', 'mailbox_disabled', 'enhanced:x.7.13'],
    [{ smtpCode: 552, enhancedCode: '5.2.2' }, 'bounce', 'soft', 'mailbox_full', 'enhanced:x.2.2'],
    [{ smtpCode: 552, enhancedCode: '5.3.4' }, 'bounce', 'block', 'message_too_large', 'enhanced:x.3.4'],
    [{ smtpCode: 554, enhancedCode: '5.4.7' }, 'bounce', 'soft', 'delivery_expired', 'enhanced:x.4.7'],
    [{ smtpCode: 554, enhancedCode: '5.6.0' }, 'bounce', 'block', 'content_rejected', 'enhanced:x.6.*'],
    [{ smtpCode: 550, enhancedCode: '5.7.1' }, 'bounce', 'block', 'policy_block', 'enhanced:x.7.*'],
    [{ smtpCode: 550, enhancedCode: '5.7.26' }, 'bounce', 'block', 'auth_failed', 'enhanced:x.7.26'],
    [{ smtpCode: 550, enhancedCode: '5.7.23' }, 'bounce', 'block', 'auth_failed', 'enhanced:x.7.23'],
    [{ smtpCode: 550, enhancedCode: '5.5.0' }, 'bounce', 'undetermined', 'protocol_error', 'enhanced:x.5.*'],
    [{ smtpCode: 552, enhancedCode: '5.5.3' }, 'bounce', 'soft', 'protocol_error', 'enhanced:x.5.3'],
    [{ smtpCode: 550, phase: 'rcpt' as const }, 'bounce', 'hard', 'mailbox_not_found', 'basic:550'],
    [{ smtpCode: 551, phase: 'rcpt' as const }, 'bounce', 'hard', 'mailbox_not_found', 'basic:551'],
    [{ smtpCode: 553, phase: 'rcpt' as const }, 'bounce', 'hard', 'mailbox_not_found', 'basic:553'],
    [{ smtpCode: 550, phase: 'data' as const }, 'bounce', 'undetermined', 'undetermined', 'basic:5xx'],
    [{ smtpCode: 550 }, 'bounce', 'undetermined', 'undetermined', 'basic:5xx'],
    [{ smtpCode: 552 }, 'bounce', 'soft', 'mailbox_full', 'basic:552'],
    [{ smtpCode: 554 }, 'bounce', 'block', 'policy_block', 'basic:554'],
    [{ smtpCode: 500 }, 'bounce', 'undetermined', 'undetermined', 'basic:5xx'],
    [{}, 'bounce', 'undetermined', 'undetermined', 'none'],
    [
      { smtpCode: 550, enhancedCode: 'bogus', phase: 'rcpt' as const },
      'bounce',
      'hard',
      'mailbox_not_found',
      'basic:550',
    ],
  ] as const)('%j → %s %s/%s', (input, outcome, cls, type, rule) => {
    expect(classifyBounce(input)).toEqual({ outcome, class: cls, type, suppress: cls === 'hard', rule });
  });

  it.each([
    [{ smtpCode: 421 }, 'temporary', 'delivery_expired', 'basic:4xx'],
    [{ smtpCode: 451 }, 'temporary', 'delivery_expired', 'basic:4xx'],
    [{ smtpCode: 452, enhancedCode: '4.2.2' }, 'mailbox_full', 'mailbox_full', 'enhanced:x.2.2'],
    [{ smtpCode: 450, enhancedCode: '4.1.1' }, 'temporary', 'mailbox_not_found', 'enhanced:x.1.1'],
    [{ smtpCode: 421, enhancedCode: '4.4.2' }, 'host_unreachable', 'host_unreachable', 'enhanced:x.4.2'],
    [{ smtpCode: 451, enhancedCode: '4.7.1' }, 'temporary', 'policy_block', 'enhanced:x.7.*'],
    [{ enhancedCode: '4.4.1' }, 'host_unreachable', 'host_unreachable', 'enhanced:x.4.1'],
  ] as const)('%j → deferral %s', (input, reason, type, rule) => {
    expect(classifyBounce(input)).toEqual({ outcome: 'deferral', reason, type, rule });
  });

  it('4.4.7 is final even though it is transient', () => {
    expect(classifyBounce({ enhancedCode: '4.4.7' })).toEqual({
      outcome: 'bounce',
      class: 'soft',
      type: 'delivery_expired',
      suppress: false,
      rule: 'enhanced:x.4.7',
    });
  });
});

describe('classifyBounce: transport failures', () => {
  it.each([
    ['nxdomain', { outcome: 'bounce', class: 'hard', type: 'domain_not_found', suppress: true }],
    ['no_mx', { outcome: 'bounce', class: 'hard', type: 'domain_not_found', suppress: true }],
    ['null_mx', { outcome: 'bounce', class: 'hard', type: 'domain_not_found', suppress: true }],
    ['servfail', { outcome: 'deferral', reason: 'host_unreachable', type: 'host_unreachable' }],
    ['connection_refused', { outcome: 'deferral', reason: 'host_unreachable', type: 'host_unreachable' }],
    ['connection_timeout', { outcome: 'deferral', reason: 'host_unreachable', type: 'host_unreachable' }],
    ['tls_failure', { outcome: 'deferral', reason: 'temporary', type: 'delivery_expired' }],
  ] as const)('%s', (transport, expected) => {
    const result = classifyBounce({ transport, smtpCode: 250, diagnostic: '550 5.1.1 user unknown' });
    expect(verdict(result)).toEqual(expected);
    expect(result.rule).toBe(`transport:${transport}`);
  });
});

describe('finalizeDeferral', () => {
  it('turns the last deferral into a soft bounce of its type', () => {
    const last = classifyBounce({ transport: 'connection_timeout' });
    if (last.outcome !== 'deferral') throw new Error('expected a deferral');
    expect(finalizeDeferral(last)).toEqual({
      outcome: 'bounce',
      class: 'soft',
      type: 'host_unreachable',
      suppress: false,
      rule: 'expired:transport:connection_timeout',
    });
  });
});

describe('compileRules', () => {
  it('compiles the shipped rules', () => {
    expect(bounceRules.textOverrides.length).toBeGreaterThan(10);
    expect(bounceRules.textOverrides[0]?.pattern).toBeInstanceOf(RegExp);
  });

  it.each([
    [
      { ...rawRules, textOverrides: [{ id: 'x', pattern: 'a', class: 'soft', type: 'nope' }] },
      'bounces/rules.json: textOverrides[0]: unknown type "nope"',
    ],
    [
      { ...rawRules, textOverrides: [{ id: 'x', pattern: 'a', class: 'medium', type: 'undetermined' }] },
      'bounces/rules.json: textOverrides[0]: unknown class "medium"',
    ],
    [
      { ...rawRules, textOverrides: [{ id: 'x', pattern: 'a', deferral: 'later', type: 'undetermined' }] },
      'bounces/rules.json: textOverrides[0]: unknown deferral reason "later"',
    ],
    [
      { ...rawRules, enhancedCodes: [{ code: '5.1', class: 'hard', type: 'undetermined' }] },
      'bounces/rules.json: enhancedCodes[0]: bad code "5.1"',
    ],
    [
      { ...rawRules, basicCodes: [{ code: '55', class: 'hard', type: 'undetermined' }] },
      'bounces/rules.json: basicCodes[0]: bad code "55"',
    ],
    [{ ...rawRules, transport: {} }, 'bounces/rules.json: transport.nxdomain: missing'],
  ])('rejects malformed rules (%#)', (data, message) => {
    expect(() => compileRules(data)).toThrow(new Error(message));
  });
});
