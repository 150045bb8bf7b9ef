import { parseSmtpReply } from './parse-smtp-reply.js';
import { type BounceRules, bounceRules, type RuleResult } from './rules.js';
import type {
  BounceClassification,
  BounceInput,
  BounceOutcome,
  BounceType,
  DeferralOutcome,
  DeferralReason,
} from './types.js';

interface Context {
  /** The reply is 4xx / 4.x.x: the receiver asked us to retry. */
  transient: boolean;
  /** The verdict is final: a DSN, or a rule that never retries. */
  final: boolean;
  /** A hard result wins even on a transient reply (text overrides: "user unknown" on a 4xx). */
  hardOnTransient: boolean;
}

function reasonFor(type: BounceType): DeferralReason {
  switch (type) {
    case 'mailbox_full':
    case 'host_unreachable':
    case 'rate_limited':
      return type;
    case 'reputation_block':
      return 'reputation';
    default:
      return 'temporary';
  }
}

function bounce(cls: BounceOutcome['class'], type: BounceType, rule: string): BounceOutcome {
  return { outcome: 'bounce', class: cls, type, suppress: cls === 'hard', rule };
}

function resolve(result: RuleResult, rule: string, context: Context): BounceClassification {
  if (result.deferral !== undefined) {
    return context.final
      ? bounce('soft', result.type, rule)
      : { outcome: 'deferral', reason: result.deferral, type: result.type, rule };
  }
  const retry = context.transient && !context.final && (result.class !== 'hard' || !context.hardOnTransient);
  if (retry) return { outcome: 'deferral', reason: reasonFor(result.type), type: result.type, rule };
  return bounce(result.class, result.type, rule);
}

function matchEnhanced(rules: BounceRules, code: string) {
  const [cls, subject, detail] = code.split('.');
  let best: { rule: BounceRules['enhancedCodes'][number]; score: number } | undefined;
  for (const rule of rules.enhancedCodes) {
    const [ruleClass, ruleSubject, ruleDetail] = rule.code.split('.');
    if (ruleSubject !== subject) continue;
    if (ruleClass !== 'x' && ruleClass !== cls) continue;
    if (ruleDetail !== '*' && ruleDetail !== detail) continue;
    const score = (ruleClass === 'x' ? 0 : 1) + (ruleDetail === '*' ? 0 : 2);
    if (!best || score > best.score) best = { rule, score };
  }
  return best?.rule;
}

/**
 * Classifies a delivery failure: transport failure → text overrides → enhanced status code → basic
 * reply code (see `rules.json`). Codes missing from the input are read from the diagnostic text.
 */
export function classifyBounce(input: BounceInput, rules: BounceRules = bounceRules): BounceClassification {
  if (input.transport !== undefined) {
    return resolve(rules.transport[input.transport], `transport:${input.transport}`, {
      transient: false,
      final: false,
      hardOnTransient: false,
    });
  }

  const parsed = input.diagnostic === undefined ? undefined : parseSmtpReply(input.diagnostic);
  const smtpCode = input.smtpCode ?? parsed?.smtpCode;
  const enhancedCode = input.enhancedCode?.trim() ?? parsed?.enhancedCode;
  const validEnhanced = enhancedCode !== undefined && /^[245]\.\d{1,3}\.\d{1,3}$/.test(enhancedCode);
  const replyClass =
    smtpCode !== undefined ? Math.floor(smtpCode / 100) : validEnhanced ? Number(enhancedCode[0]) : undefined;
  const transient = replyClass === 4;
  const final = input.phase === 'dsn';
  const diagnostic = input.diagnostic ?? '';

  for (const override of rules.textOverrides) {
    if (override.when === 'permanent' && replyClass !== 5) continue;
    if (override.when === 'transient' && replyClass !== 4) continue;
    if (override.pattern.test(diagnostic)) {
      return resolve(override, `text:${override.id}`, { transient, final, hardOnTransient: true });
    }
  }

  if (validEnhanced) {
    const rule = matchEnhanced(rules, enhancedCode);
    if (rule) {
      return resolve(rule, `enhanced:${rule.code}`, {
        transient,
        final: final || rule.final === true,
        hardOnTransient: false,
      });
    }
  }

  if (smtpCode !== undefined) {
    const code = String(smtpCode);
    const wildcard = `${code[0]}xx`;
    const applies = (rule: BounceRules['basicCodes'][number]) =>
      rule.phase === undefined || rule.phase === input.phase;
    const rule =
      rules.basicCodes.find((candidate) => candidate.code === code && applies(candidate)) ??
      rules.basicCodes.find((candidate) => candidate.code === wildcard && applies(candidate));
    if (rule) return resolve(rule, `basic:${rule.code}`, { transient, final, hardOnTransient: false });
  }

  return bounce('undetermined', 'undetermined', 'none');
}

/** Retry exhaustion: the last deferral becomes a final soft bounce of its type. */
export function finalizeDeferral(lastDeferral: DeferralOutcome): BounceOutcome {
  return bounce('soft', lastDeferral.type, `expired:${lastDeferral.rule}`);
}
