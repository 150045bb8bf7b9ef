export { classifyBounce, finalizeDeferral } from './classify-bounce.js';
export { parseSmtpReply } from './parse-smtp-reply.js';
export {
  type BasicCodeRule,
  type BounceRules,
  bounceRules,
  compileRules,
  type EnhancedCodeRule,
  type RuleResult,
  type TextOverride,
} from './rules.js';
export type {
  BounceClass,
  BounceClassification,
  BounceInput,
  BounceOutcome,
  BounceType,
  DeferralOutcome,
  DeferralReason,
  ParsedSmtpReply,
  SmtpPhase,
  TransportFailure,
} from './types.js';
