import type { SendMessageRequest } from '@mailplatform/sdk';
import { createSmtpSender, type SmtpSenderOptions } from '@mailplatform/sdk/smtp';
import type { FaultSmtpRelay } from '../src/fault-smtp-relay.js';
import { createPrng } from '../src/prng.js';
import { API_KEY } from './helpers.js';
import { type Outcome, sendOutcomes } from './send-outcomes.js';

export type SmtpSender = ReturnType<typeof createSmtpSender>;

export function smtpSender(relay: FaultSmtpRelay, extra: Partial<SmtpSenderOptions> = {}): SmtpSender {
  return createSmtpSender({
    apiKey: API_KEY,
    smtp: {
      host: '127.0.0.1',
      port: relay.port,
      secure: false,
      starttls: false,
      user: 'apikey',
      allowInsecureAuth: true,
    },
    logger: undefined,
    backoff: { initialDelayMs: 5, maxDelayMs: 50, maxHintMs: 0 },
    random: createPrng(11).next,
    maxConnections: 5,
    ...extra,
  });
}

export function smtpMessage(ref: string): SendMessageRequest {
  return {
    from: `Shop <ordre+${ref}@shop.example>`,
    to: [`${ref}@kunde.example`],
    subject: `Ordrebekræftelse ${ref}`,
    text: `Tak for din ordre ${ref}.`,
    clientReference: ref,
  } as SendMessageRequest;
}

export function smtpSendAll(
  sender: SmtpSender,
  refs: readonly string[],
  concurrency: number,
  keyOf: (ref: string) => string = (ref) => `order-${ref}:confirmation`,
): Promise<Outcome[]> {
  return sendOutcomes(refs, concurrency, (ref) =>
    sender.send(smtpMessage(ref), { idempotencyKey: keyOf(ref) }),
  );
}
