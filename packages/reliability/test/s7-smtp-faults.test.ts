import {
  AmbiguousDeliveryError,
  isMailPlatformError,
  SmtpRejectedError,
  SmtpTransientError,
} from '@mailplatform/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createFaultSmtpRelay, type FaultSmtpRelay, type SmtpFaultRule } from '../src/fault-smtp-relay.js';
import { API_KEY, refs, report, SOAK, seeded } from './helpers.js';
import { smtpSendAll, smtpSender } from './smtp.js';

const prng = seeded('S7');
const N = SOAK ? 10_000 : 1_000;
let relay: FaultSmtpRelay | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

const permanent = (ref: string): boolean => prng.at('s7-permanent', ref) < 0.02;

/** reliability.md S7: 10% 421/451 at RCPT or after the dot, 2% drop before DATA, 1% drop after the dot, 2% 550 at RCPT. */
const faults: SmtpFaultRule = ({ ref, attempt }) => {
  if (permanent(ref)) return { kind: 'reply', stage: 'rcpt', code: 550, text: '5.1.1 No such user' };
  const roll = prng.at('s7', ref, attempt);
  if (roll < 0.025) return { kind: 'reply', stage: 'rcpt', code: 421, text: '4.3.2 Try again later' };
  if (roll < 0.05) return { kind: 'reply', stage: 'rcpt', code: 451, text: '4.7.1 Greylisted' };
  if (roll < 0.075) return { kind: 'reply', stage: 'data', code: 421, text: '4.3.2 Try again later' };
  if (roll < 0.1) return { kind: 'reply', stage: 'data', code: 451, text: '4.3.0 Local error' };
  if (roll < 0.12) return { kind: 'drop-before-data' };
  if (roll < 0.13) return { kind: 'drop-after-dot' };
  return undefined;
};

describe('S7 SMTP faults, pool of 5', () => {
  for (const idempotency of [true, false]) {
    it(`${N} messages, relay ${idempotency ? 'with' : 'without'} XMPIDEMPOTENCY: 0 duplicated, 0 lost`, {
      timeout: 180_000,
    }, async () => {
      relay = await createFaultSmtpRelay({ password: API_KEY, idempotency, faults });
      const sender = smtpSender(relay);
      const all = refs('s7', N);
      const outcomes = await smtpSendAll(sender, all, 20);

      const perKeyMax = Math.max(0, ...relay.truth.acceptedPerKey.values());
      const perRefMax = Math.max(0, ...relay.truth.acceptedPerRef.values());
      expect(perKeyMax).toBeLessThanOrEqual(1);
      expect(perRefMax).toBeLessThanOrEqual(1);

      let rejected = 0;
      let ambiguous = 0;
      let lost = 0;
      for (const outcome of outcomes) {
        if (outcome.ok) {
          if (relay.truth.acceptedPerRef.get(outcome.ref) !== 1) lost++;
          continue;
        }
        if (!isMailPlatformError(outcome.error) || outcome.key !== `order-${outcome.ref}:confirmation`) {
          lost++;
          continue;
        }
        if (permanent(outcome.ref)) {
          expect(outcome.error).toBeInstanceOf(SmtpRejectedError);
          expect(outcome.error).toMatchObject({
            smtpCode: 550,
            stage: 'rcpt',
            attempts: 1,
            retryable: false,
          });
          expect(relay.truth.attemptsPerRef.get(outcome.ref)).toBe(1);
          rejected++;
        } else if (outcome.error instanceof AmbiguousDeliveryError) {
          // with the capability it was retried (and ran out of retries): resubmitting is safe
          expect(outcome.error).toMatchObject({ mayHaveBeenDelivered: true, retryable: idempotency });
          if (idempotency) expect(outcome.error.attempts).toBe(3);
          // without it, nothing was tried after the ambiguous attempt
          expect(relay.truth.attemptsPerRef.get(outcome.ref)).toBe(outcome.error.attempts);
          // the relay did store it: ambiguous, not lost
          expect(relay.truth.acceptedPerRef.get(outcome.ref)).toBe(1);
          ambiguous++;
        } else {
          expect(outcome.error).toBeInstanceOf(SmtpTransientError);
          expect(outcome.error).toMatchObject({ retryable: true });
        }
      }
      expect(lost).toBe(0);
      expect(rejected).toBe(all.filter(permanent).length);
      if (!idempotency) expect(ambiguous).toBeGreaterThan(0);

      // the drain: retryable failures resubmitted with their key; permanent ones and (without the
      // capability) ambiguous ones are not
      relay.setFaults(({ ref }) =>
        permanent(ref) ? { kind: 'reply', stage: 'rcpt', code: 550, text: '5.1.1 No such user' } : undefined,
      );
      const retry = outcomes
        .filter((o) => !o.ok && isMailPlatformError(o.error) && o.error.retryable)
        .map((o) => o.ref);
      const drained = await smtpSendAll(sender, retry, 20);
      await sender.close();
      expect(drained.every((o) => o.ok)).toBe(true);
      const delivered = relay.truth.acceptedPerRef.size;
      expect(delivered).toBe(N - rejected);
      expect(Math.max(0, ...relay.truth.acceptedPerKey.values())).toBe(1);
      const attempts = [...relay.truth.attemptsPerRef.values()].reduce((a, b) => a + b, 0);
      report({
        scenario: idempotency ? 'S7/idempotent relay' : 'S7/plain relay',
        n: N,
        seed: prng.seed,
        delivered,
        duplicated: 0,
        lost,
        attemptsPerSend: attempts / N,
        extra: {
          rejected550: rejected,
          ambiguous,
          drained: retry.length,
          deduplicatedByRelay: relay.truth.deduplicated,
          replayed: outcomes.filter((o) => o.ok && o.replayed).length,
        },
      });
    });
  }
});
