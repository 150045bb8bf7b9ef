import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidHeaderError, isMailPlatformError, ValidationError } from '../errors.js';
import { findHeaderInjection } from '../validation/index.js';
import { createSmtpSender } from './create-smtp-sender.js';
import { createFakeRelay, type FakeRelay } from './testing/fake-relay.js';

const KEY = 'mp_test_propertykey77';
const PIECES = [
  'a',
  'Æ',
  ' ',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\0',
  '\u2028',
  '\u0085',
  '\u007f',
  ':',
  '"',
  '<',
  '>',
  ',',
  ';',
  '=?',
  '?=',
  '=?UTF-8?Q?a=0D=0AX-Evil:_1?=',
  '=?UTF-8?B?DQpYLUV2aWw6IDE=?=',
  'X-Evil: 1',
  '\r\nX-Evil: 1',
  '\r\n.\r\nMAIL FROM:<evil@x.dk>\r\n',
  'Bcc: victim@x.dk',
];
const SAFE_PIECES = PIECES.filter((piece) => findHeaderInjection(piece) === null);
const joined = (pieces: string[]) =>
  fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
// half of the values carry no control character, so a good share of the runs reaches the relay
const risky = fc.oneof(joined(PIECES), joined(SAFE_PIECES), joined(SAFE_PIECES));
const ALLOWED_HEADERS = new Set([
  'from',
  'to',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'x-mp-tag',
  'x-mp-metadata',
  'x-mp-idempotency-key',
  'x-entity-ref-id',
]);

let relay: FakeRelay;
beforeAll(async () => {
  relay = await createFakeRelay({ idempotency: false, password: KEY });
});
afterAll(async () => {
  await relay.close();
});

describe('SMTP header injection (reliability.md S10)', () => {
  it('no subject, name, header value, tag or metadata key yields an extra header line or a second message', async () => {
    const sender = createSmtpSender({
      apiKey: KEY,
      smtp: {
        host: '127.0.0.1',
        port: relay.port,
        secure: false,
        starttls: false,
        user: 'apikey',
        allowInsecureAuth: true,
      },
      logger: undefined,
      maxRetries: 0,
    });
    let run = 0;
    let delivered = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ subject: risky, name: risky, header: risky, tag: risky, metadataKey: risky }),
          async (input) => {
            run++;
            const before = relay.deliveries.length;
            const hasControl = Object.values(input).some((value) => findHeaderInjection(value) !== null);
            const key = `prop-${run}`;
            let outcome: unknown;
            try {
              outcome = await sender.send(
                {
                  from: { email: 'ordre@shop.dk', name: input.name },
                  to: [{ email: 'kunde@example.dk', name: input.name }],
                  subject: input.subject,
                  text: 'body',
                  tag: input.tag,
                  metadata: { [input.metadataKey]: 'v' },
                  headers: { 'X-Entity-Ref-ID': input.header },
                },
                { idempotencyKey: key },
              );
            } catch (error) {
              outcome = error;
            }
            if (hasControl) {
              expect(outcome).toBeInstanceOf(InvalidHeaderError);
              expect(relay.deliveries.length).toBe(before);
              return;
            }
            if (isMailPlatformError(outcome)) {
              // other rules (length, key syntax) may refuse the value; it must still never reach the relay
              expect(outcome).toBeInstanceOf(ValidationError);
              expect(relay.deliveries.length).toBe(before);
              return;
            }
            expect(relay.deliveries.length).toBe(before + 1);
            delivered++;
            const delivery = relay.deliveries[before]!;
            expect(delivery.rcptTo).toEqual(['kunde@example.dk']);
            const parsed = await simpleParser(delivery.raw);
            const names = parsed.headerLines.map((line) => line.key);
            for (const name of names) expect(ALLOWED_HEADERS.has(name)).toBe(true);
            // nodemailer leaves out a blank subject; anything else is exactly one Subject line
            expect(names.filter((name) => name === 'subject')).toHaveLength(
              input.subject.trim() === '' ? 0 : 1,
            );
            expect(names.filter((name) => name === 'to')).toHaveLength(1);
            expect(
              parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : [],
            ).toEqual(['kunde@example.dk']);
            expect(parsed.headers.get('x-mp-idempotency-key')).toBe(key);
          },
        ),
        { numRuns: 150, seed: Number(process.env.FAULT_SEED ?? 20250314) },
      );
    } finally {
      await sender.close();
    }
    expect(delivered).toBeGreaterThan(10);
  });
});
