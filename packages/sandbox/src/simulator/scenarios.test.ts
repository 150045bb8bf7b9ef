import { describe, expect, it } from 'vitest';
import { classifyBounce, finalizeDeferral, type TransportFailure } from '../bounces/index.js';
import { parseDuration } from '../time/index.js';
import {
  isScenarioName,
  parseSimulatorAddress,
  SCENARIO_NAMES,
  type ScenarioStep,
  SIMULATOR_REPLIES,
  scenarioFor,
} from './index.js';

function timeline(steps: ScenarioStep[]) {
  return steps.map((step) => `${step.after} ${step.event}`);
}

const sim = (local: string) => `${local}@sim.mailplatform.test`;

describe('scenarioFor: addresses', () => {
  it('ordinary addresses are delivered at +1 s', () => {
    expect(scenarioFor('kunde@example.dk')).toEqual({
      name: 'delivered',
      steps: [
        {
          after: 'PT1S',
          event: 'delivered',
          reply: '250 2.0.0 OK',
          smtpCode: 250,
          enhancedCode: '2.0.0',
          phase: 'data',
        },
      ],
    });
  });

  it('unknown simulator addresses are delivered', () => {
    expect(scenarioFor(sim('whatever')).name).toBe('delivered');
  });

  it('reads the local part before +label, case-insensitively, and echoes the label', () => {
    expect(scenarioFor('Hard-Bounce+Signup42@SIM.mailplatform.TEST')).toMatchObject({
      name: 'hard-bounce',
      label: 'Signup42',
    });
    expect(scenarioFor('"Kunde" <hard-bounce+x@sim.mailplatform.test>').name).toBe('hard-bounce');
  });

  it('simulator names at other domains are ordinary addresses', () => {
    expect(scenarioFor('hard-bounce@example.dk')).toMatchObject({ name: 'delivered' });
    expect(scenarioFor('hard-bounce+x@example.dk').label).toBeUndefined();
  });

  it('X-MP-Simulate applies a scenario to any address and wins over the address', () => {
    expect(scenarioFor('kunde@example.dk', 'Complaint').name).toBe('complaint');
    expect(scenarioFor(sim('hard-bounce'), 'open').name).toBe('open');
  });

  it('an unknown scenario name is delivered, and isScenarioName tells it apart', () => {
    expect(scenarioFor('kunde@example.dk', 'hard-bouce').name).toBe('delivered');
    expect(isScenarioName('hard-bouce')).toBe(false);
    expect(isScenarioName('hard-bounce')).toBe(true);
    expect(isScenarioName('toString')).toBe(false);
  });

  it('parseSimulatorAddress', () => {
    expect(parseSimulatorAddress('a+b+c@X.dk')).toEqual({ local: 'a', label: 'b+c', domain: 'x.dk' });
    expect(parseSimulatorAddress('no-at-sign')).toBeUndefined();
    expect(parseSimulatorAddress('@x.dk')).toBeUndefined();
  });
});

describe('scenarioFor: every scenario', () => {
  it('has all nineteen contract addresses (plus aliases)', () => {
    expect(SCENARIO_NAMES.sort()).toEqual(
      [
        'auth-fail',
        'blocked',
        'bot-click',
        'click',
        'complaint',
        'deleted',
        'delivered',
        'greylisted',
        'hard-bounce',
        'late-bounce',
        'mailbox-full',
        'mpp-open',
        'no-answer',
        'no-domain',
        'no-such-user',
        'ooto',
        'open',
        'slow',
        'soft-bounce',
        'suppressed',
        'unsubscribe',
      ].sort(),
    );
  });

  it.each(SCENARIO_NAMES)('%s: offsets parse and never go backwards', (name) => {
    const offsets = scenarioFor(sim(name)).steps.map((step) => parseDuration(step.after));
    expect(offsets.length).toBeGreaterThan(0);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it.each(SCENARIO_NAMES)('%s: every bounce and deferral step is classified by classifyBounce', (name) => {
    for (const step of scenarioFor(sim(name)).steps) {
      if (step.event !== 'bounced' && step.event !== 'deferred') continue;
      const input = {
        diagnostic: step.reply,
        smtpCode: step.smtpCode,
        enhancedCode: step.enhancedCode,
        phase: step.phase,
        transport: step.details?.transport as TransportFailure | undefined,
      };
      const result = classifyBounce(input);
      if (step.event === 'deferred') {
        expect(result.outcome).toBe('deferral');
        if (result.outcome === 'deferral') {
          expect(step.details).toMatchObject({ reason: result.reason, type: result.type, rule: result.rule });
        }
      } else if (result.outcome === 'bounce') {
        expect(step.details).toMatchObject({
          class: result.class,
          type: result.type,
          suppress: result.suppress,
        });
      } else {
        const final = finalizeDeferral(result);
        expect(step.details).toMatchObject({
          class: final.class,
          type: final.type,
          suppress: false,
          rule: final.rule,
        });
      }
    }
  });

  it.each([['soft-bounce'], ['mailbox-full']])(
    '%s: deferred at +5 min, +30 min, +2 h, then bounced soft/mailbox_full at +72 h',
    (name) => {
      const { steps } = scenarioFor(sim(name));
      expect(timeline(steps)).toEqual(['PT5M deferred', 'PT30M deferred', 'PT2H deferred', 'PT72H bounced']);
      expect(
        steps.every(
          (step) => step.reply === '452 4.2.2 The email account that you tried to reach is over quota',
        ),
      ).toBe(true);
      expect(steps[0]?.details).toEqual({
        reason: 'mailbox_full',
        type: 'mailbox_full',
        rule: 'text:mailbox-full',
      });
      expect(steps[3]?.details).toEqual({
        class: 'soft',
        type: 'mailbox_full',
        suppress: false,
        rule: 'expired:text:mailbox-full',
      });
    },
  );

  it('no-answer: connection timeouts, then soft/host_unreachable', () => {
    const { steps } = scenarioFor(sim('no-answer'));
    expect(timeline(steps)).toEqual(['PT5M deferred', 'PT30M deferred', 'PT2H deferred', 'PT72H bounced']);
    expect(steps[0]).toEqual({
      after: 'PT5M',
      event: 'deferred',
      reply: 'connect to mx.sim.mailplatform.test[192.0.2.25]:25: Connection timed out',
      enhancedCode: '4.4.1',
      phase: 'connect',
      details: {
        reason: 'host_unreachable',
        type: 'host_unreachable',
        rule: 'transport:connection_timeout',
        transport: 'connection_timeout',
      },
    });
    expect(steps[3]?.details).toMatchObject({ class: 'soft', type: 'host_unreachable', suppress: false });
  });

  it('greylisted: deferred once, delivered on the retry five minutes later', () => {
    const { steps } = scenarioFor(sim('greylisted'));
    expect(timeline(steps)).toEqual(['PT1S deferred', 'PT5M1S delivered']);
    expect(steps[0]).toMatchObject({
      reply: '451 4.7.1 Greylisting in action, please try again later',
      details: { reason: 'greylisted' },
    });
  });

  it.each([
    ['hard-bounce', SIMULATOR_REPLIES.mailboxNotFound, 'hard', 'mailbox_not_found', true],
    ['no-such-user', SIMULATOR_REPLIES.mailboxNotFound, 'hard', 'mailbox_not_found', true],
    [
      'deleted',
      '550 5.2.1 The email account that you tried to reach is disabled',
      'hard',
      'mailbox_disabled',
      true,
    ],
    [
      'no-domain',
      'Host or domain name not found. Name service error for name=sim.mailplatform.test type=MX: Host not found',
      'hard',
      'domain_not_found',
      true,
    ],
    [
      'blocked',
      '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org',
      'block',
      'reputation_block',
      false,
    ],
    [
      'auth-fail',
      '550 5.7.26 This mail has been blocked because the sender is unauthenticated',
      'block',
      'auth_failed',
      false,
    ],
  ])('%s: bounced at +1 s', (name, reply, cls, type, suppress) => {
    const { steps } = scenarioFor(sim(name));
    expect(timeline(steps)).toEqual(['PT1S bounced']);
    expect(steps[0]?.reply).toBe(reply);
    expect(steps[0]?.details).toMatchObject({ class: cls, type, suppress });
  });

  it('hard-bounce reproduces row 1 exactly', () => {
    expect(SIMULATOR_REPLIES.mailboxNotFound).toBe(
      '550 5.1.1 The email account that you tried to reach does not exist',
    );
  });

  it('late-bounce: delivered, then an asynchronous DSN at +10 min', () => {
    const { steps } = scenarioFor(sim('late-bounce'));
    expect(timeline(steps)).toEqual(['PT1S delivered', 'PT10M bounced']);
    expect(steps[1]).toMatchObject({
      phase: 'dsn',
      enhancedCode: '5.1.1',
      details: { class: 'hard', type: 'mailbox_not_found' },
    });
  });

  it.each([
    ['complaint', ['PT1S delivered', 'PT2M complained'], { feedbackType: 'abuse' }],
    ['unsubscribe', ['PT1S delivered', 'PT2M unsubscribed'], { method: 'one_click' }],
    ['ooto', ['PT1S delivered', 'PT1M auto_replied'], { kind: 'out_of_office' }],
  ])('%s', (name, expected, details) => {
    const { steps } = scenarioFor(sim(name));
    expect(timeline(steps)).toEqual(expected);
    expect(steps[1]?.details).toMatchObject(details);
  });

  it('open: a human open at +1 min', () => {
    const { steps } = scenarioFor(sim('open'));
    expect(timeline(steps)).toEqual(['PT1S delivered', 'PT1M opened']);
    expect(steps[1]?.details).toMatchObject({ machine: false });
  });

  it('click: open, then a human click on the first link at +2 min', () => {
    const { steps } = scenarioFor(sim('click'));
    expect(timeline(steps)).toEqual(['PT1S delivered', 'PT1M opened', 'PT2M clicked']);
    expect(steps[2]?.details).toMatchObject({ link: 'first', bot: false });
  });

  it('mpp-open: a machine open at +5 s', () => {
    const { steps } = scenarioFor(sim('mpp-open'));
    expect(timeline(steps)).toEqual(['PT1S delivered', 'PT5S opened']);
    expect(steps[1]?.details).toEqual({
      machine: true,
      machineReason: 'apple_mpp',
      userAgent: 'Mozilla/5.0',
      ip: '17.58.63.11',
    });
  });

  it('bot-click: every link clicked too fast', () => {
    const { steps } = scenarioFor(sim('bot-click'));
    expect(timeline(steps)).toEqual(['PT1S delivered', 'PT1S clicked']);
    expect(steps[1]?.details).toMatchObject({ link: 'all', bot: true, botReason: 'too_fast' });
  });

  it('suppressed and slow', () => {
    expect(timeline(scenarioFor(sim('suppressed')).steps)).toEqual(['PT0S suppressed']);
    expect(timeline(scenarioFor(sim('slow')).steps)).toEqual(['PT10M delivered']);
  });
});
