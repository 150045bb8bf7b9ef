import { Readable } from 'node:stream';
import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { serializeMime } from './serialize-mime.js';

// pieces that move nodemailer between 7bit, quoted-printable and base64, and stress line wrapping
const TEXT_PIECES = [
  'Tak for din ordre',
  'Æblegrød på øen',
  '€',
  '😀',
  ' ',
  '\t',
  '\r\n',
  '\n',
  '\r',
  '=',
  '.',
  '..\r\n.\r\n',
  'x'.repeat(90),
  'ord '.repeat(30),
  '=?UTF-8?Q?x?=',
  '\u0000',
];
const text = fc
  .array(fc.constantFrom(...TEXT_PIECES), { minLength: 0, maxLength: 12 })
  .map((parts) => parts.join(''));
const bytes = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((array) => Buffer.from(array));

const mail = fc.record({
  subject: text,
  text: fc.option(text, { nil: undefined }),
  html: fc.option(text, { nil: undefined }),
  attachments: fc.array(
    fc.record({
      content: bytes,
      filename: fc.constantFrom('a.pdf', 'faktura æ.txt', 'logo.png'),
      inline: fc.boolean(),
      textType: fc.boolean(),
      quotedPrintable: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
});

type Mail = typeof mail extends fc.Arbitrary<infer T> ? T : never;

function compose(input: Mail) {
  return new MailComposer({
    from: { address: 'ordre@shop.dk', name: 'Shop' },
    to: [{ address: 'kunde@example.dk', name: 'Kunde Ø' }],
    subject: input.subject,
    ...(input.text === undefined ? {} : { text: input.text }),
    ...(input.html === undefined ? {} : { html: input.html }),
    headers: { 'X-MP-Tag': 'order', 'X-MP-Metadata': '{"orderId":"1042"}' },
    attachments: input.attachments.map((attachment, index) => ({
      filename: attachment.filename,
      content: attachment.content.toString('base64'),
      encoding: 'base64',
      ...(attachment.textType ? { contentType: 'text/plain; charset=utf-8' } : {}),
      ...(attachment.quotedPrintable ? { contentTransferEncoding: 'quoted-printable' as const } : {}),
      ...(attachment.inline ? { cid: `part${index}@shop.dk`, contentDisposition: 'inline' as const } : {}),
    })),
    messageId: '<mp.test@shop.dk>',
    date: new Date('2026-11-27T12:00:00Z'),
    disableFileAccess: true,
    disableUrlAccess: true,
  }).compile();
}

describe('serializeMime', () => {
  it('writes exactly the bytes node.build() streams, for any mix of bodies and attachments', async () => {
    await fc.assert(
      fc.asyncProperty(mail, async (input) => {
        const node = compose(input);
        const serialized = serializeMime(node);
        expect(serialized).toBeInstanceOf(Buffer);
        const built = await node.build();
        expect(serialized!.toString('latin1')).toBe(built.toString('latin1'));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves a tree with stream content to node.build()', () => {
    const node = new MailComposer({
      from: 'ordre@shop.dk',
      to: 'kunde@example.dk',
      text: Readable.from(['streamed']),
    }).compile();
    expect(serializeMime(node)).toBeUndefined();
  });
});
