import {
  InvalidHeaderError,
  MailPlatform,
  type SendMessageInput,
  type SendMessageRequest,
} from '@mailplatform/sdk';
import { buildMime } from '@mailplatform/sdk/smtp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_KEY, report, SOAK, seeded } from './helpers.js';

const prng = seeded('S10');
const RUNS = SOAK ? 50_000 : 10_000;
const MIME_RUNS = SOAK ? 50_000 : 10_000;
/** What the SDK must refuse in a header: C0 controls except TAB, DEL, NEL, U+2028, U+2029. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]/;

/** Strings built to attack a header: line breaks, NUL, encoded-word tricks, a fake header line. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '\r',
        '\n',
        '\r\n',
        '\0',
        '\u2028',
        '\u2029',
        '\u0085',
        '\u000b',
        '\u000c',
        '\u007f',
        '\t',
      ),
      fc.constantFrom('=?utf-8?q?a=0D=0ABcc:_evil@x.example?=', '=?utf-8?b?DQpCY2M6IGV2aWxAeC5leGFtcGxl?='),
      fc.constantFrom('Bcc: evil@x.example', 'X-Injected: 1', '\r\n\r\n--boundary', '.\r\n', ':'),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join(''));

type Field = 'subject' | 'fromName' | 'toName' | 'header' | 'tag' | 'metadataKey';
const fields: Field[] = ['subject', 'fromName', 'toName', 'header', 'tag', 'metadataKey'];

function messageWith(field: Field, value: string): SendMessageRequest {
  return {
    from: field === 'fromName' ? { email: 'ordre@shop.example', name: value } : 'ordre@shop.example',
    to: [field === 'toName' ? { email: 'kunde@kunde.example', name: value } : 'kunde@kunde.example'],
    subject: field === 'subject' ? value : 'Ordre',
    text: 'Tak',
    ...(field === 'header' ? { headers: { 'X-Shop-Ref': value } } : {}),
    ...(field === 'tag' ? { tag: value } : {}),
    ...(field === 'metadataKey' ? { metadata: { [value]: 'v' } } : {}),
  } as SendMessageRequest;
}

describe('S10 header injection fuzz', () => {
  it(`${RUNS} hostile values through the API payload validation: every control character → InvalidHeaderError, nothing sent`, {
    timeout: 180_000,
  }, async () => {
    let sent = 0;
    const mp = new MailPlatform({
      apiKey: API_KEY,
      baseUrl: 'http://127.0.0.1:9',
      fetch: async () => {
        sent++;
        return new Response(
          '{"id":"msg_1","status":"queued","stream":"transactional","submittedAt":"2026-01-01T00:00:00Z","recipients":[]}',
          { status: 202 },
        );
      },
    });
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), hostile, async (field, value) => {
        const before = sent;
        try {
          await mp.messages.send(messageWith(field, value) as SendMessageInput, { idempotencyKey: 'fuzz' });
          expect(CONTROL.test(value)).toBe(false);
        } catch (error) {
          if (CONTROL.test(value)) {
            expect(error).toBeInstanceOf(InvalidHeaderError);
            expect(sent).toBe(before);
            refused++;
          } else {
            // other validation (an invalid tag or metadata key) may refuse it, never with a request
            expect(sent).toBe(before);
          }
        }
      }),
      { numRuns: RUNS, seed: prng.seed },
    );
    expect(refused).toBeGreaterThan(RUNS / 4);
    report({
      scenario: 'S10/api',
      n: RUNS,
      seed: prng.seed,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      attemptsPerSend: 0,
      extra: { refused },
    });
  });

  it(`${MIME_RUNS} hostile values through the SMTP MIME builder: no extra header line, no second message`, {
    timeout: 180_000,
  }, async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), hostile, async (field, value) => {
        let raw: string;
        try {
          raw = (await buildMime(messageWith(field, value), 'fuzz-key')).raw.toString('utf8');
        } catch (error) {
          if (CONTROL.test(value)) {
            expect(error).toBeInstanceOf(InvalidHeaderError);
            refused++;
          }
          return;
        }
        expect(CONTROL.test(value)).toBe(false);
        const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
        const names = head
          .split('\r\n')
          .filter((line) => !/^[ \t]/.test(line))
          .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
        for (const name of names) expect(['bcc', 'x-injected']).not.toContain(name);
        expect(new Set(names).size).toBe(names.length);
        expect(raw.match(/^From:/gim)?.length).toBe(1);
        expect(raw.match(/^Subject:/gim)?.length ?? 0).toBeLessThanOrEqual(1);
      }),
      { numRuns: MIME_RUNS, seed: prng.seed },
    );
    expect(refused).toBeGreaterThan(0);
    report({
      scenario: 'S10/mime',
      n: MIME_RUNS,
      seed: prng.seed,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      attemptsPerSend: 0,
      extra: { refused },
    });
  });
});
