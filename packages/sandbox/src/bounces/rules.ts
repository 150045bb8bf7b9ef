import { BounceClassSchema, BounceTypeSchema } from '@mailplatform/sdk/schemas';
import raw from './rules.json' with { type: 'json' };
import type { BounceClass, BounceType, DeferralReason, SmtpPhase, TransportFailure } from './types.js';

/** What a rule concludes: a bounce of a class, or a deferral that ends as a soft bounce of `type`. */
export type RuleResult =
  | { class: BounceClass; type: BounceType; deferral?: undefined }
  | { deferral: DeferralReason; type: BounceType; class?: undefined };

export type TextOverride = RuleResult & {
  id: string;
  pattern: RegExp;
  /** Apply only to permanent (5xx) or transient (4xx) replies. */
  when?: 'permanent' | 'transient';
};

export type EnhancedCodeRule = RuleResult & {
  code: string;
  /** A final result even on a transient (4.x.x) code, e.g. `x.4.7` delivery time expired. */
  final?: boolean;
};

export type BasicCodeRule = RuleResult & { code: string; phase?: SmtpPhase };

export interface BounceRules {
  version: number;
  transport: Record<TransportFailure, RuleResult>;
  textOverrides: TextOverride[];
  enhancedCodes: EnhancedCodeRule[];
  basicCodes: BasicCodeRule[];
}

// The contract's classes and types: the rule file may only use these.
const CLASSES = new Set<string>(BounceClassSchema.options);
const TYPES = new Set<string>(BounceTypeSchema.options);
const REASONS = new Set<string>([
  'greylisted',
  'rate_limited',
  'host_unreachable',
  'mailbox_full',
  'reputation',
  'temporary',
]);
const TRANSPORTS: TransportFailure[] = [
  'nxdomain',
  'null_mx',
  'no_mx',
  'servfail',
  'connection_refused',
  'connection_timeout',
  'tls_failure',
];
const PHASES = new Set<string>(['connect', 'helo', 'mail', 'rcpt', 'data', 'dsn']);

type Json = Record<string, unknown>;

function fail(where: string, problem: string): never {
  throw new Error(`bounces/rules.json: ${where}: ${problem}`);
}

function result(entry: Json, where: string): RuleResult {
  const type = entry.type;
  if (typeof type !== 'string' || !TYPES.has(type)) fail(where, `unknown type ${JSON.stringify(type)}`);
  if (entry.deferral !== undefined) {
    if (typeof entry.deferral !== 'string' || !REASONS.has(entry.deferral)) {
      fail(where, `unknown deferral reason ${JSON.stringify(entry.deferral)}`);
    }
    return { deferral: entry.deferral as DeferralReason, type: type as BounceType };
  }
  if (typeof entry.class !== 'string' || !CLASSES.has(entry.class)) {
    fail(where, `unknown class ${JSON.stringify(entry.class)}`);
  }
  return { class: entry.class as BounceClass, type: type as BounceType };
}

function entries(value: unknown, where: string): Json[] {
  if (!Array.isArray(value)) fail(where, 'expected an array');
  return value as Json[];
}

/** Validates the rule data and compiles its patterns. Throws on any malformed rule. */
export function compileRules(data: unknown): BounceRules {
  const root = data as Json;
  const transport = root.transport as Json | undefined;
  if (!transport) fail('transport', 'missing');
  const transportRules = Object.fromEntries(
    TRANSPORTS.map((name) => [
      name,
      result((transport[name] ?? fail(`transport.${name}`, 'missing')) as Json, `transport.${name}`),
    ]),
  ) as Record<TransportFailure, RuleResult>;

  const textOverrides = entries(root.textOverrides, 'textOverrides').map((entry, i): TextOverride => {
    const where = `textOverrides[${i}]`;
    if (typeof entry.id !== 'string') fail(where, 'missing id');
    if (typeof entry.pattern !== 'string') fail(where, 'missing pattern');
    if (entry.when !== undefined && entry.when !== 'permanent' && entry.when !== 'transient') {
      fail(where, `bad when ${JSON.stringify(entry.when)}`);
    }
    return {
      ...result(entry, where),
      id: entry.id,
      pattern: new RegExp(entry.pattern, 'i'),
      ...(entry.when ? { when: entry.when as 'permanent' | 'transient' } : {}),
    };
  });

  const enhancedCodes = entries(root.enhancedCodes, 'enhancedCodes').map((entry, i): EnhancedCodeRule => {
    const where = `enhancedCodes[${i}]`;
    if (typeof entry.code !== 'string' || !/^[x245]\.\d{1,3}\.(\d{1,3}|\*)$/.test(entry.code)) {
      fail(where, `bad code ${JSON.stringify(entry.code)}`);
    }
    return { ...result(entry, where), code: entry.code, ...(entry.final === true ? { final: true } : {}) };
  });

  const basicCodes = entries(root.basicCodes, 'basicCodes').map((entry, i): BasicCodeRule => {
    const where = `basicCodes[${i}]`;
    if (typeof entry.code !== 'string' || !/^[245](\d\d|xx)$/.test(entry.code)) {
      fail(where, `bad code ${JSON.stringify(entry.code)}`);
    }
    if (entry.phase !== undefined && (typeof entry.phase !== 'string' || !PHASES.has(entry.phase))) {
      fail(where, `bad phase ${JSON.stringify(entry.phase)}`);
    }
    return {
      ...result(entry, where),
      code: entry.code,
      ...(entry.phase ? { phase: entry.phase as SmtpPhase } : {}),
    };
  });

  if (typeof root.version !== 'number') fail('version', 'missing');
  return { version: root.version, transport: transportRules, textOverrides, enhancedCodes, basicCodes };
}

/** The shipped rule set (`bounces/rules.json`). */
export const bounceRules: BounceRules = compileRules(raw);
