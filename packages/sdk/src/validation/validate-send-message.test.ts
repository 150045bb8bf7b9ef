import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidHeaderError, ValidationError } from '../errors.js';
import { validateSendMessage } from './validate-send-message.js';

const base = { from: 'Shop <ordre@shop.dk>', to: ['kunde@example.dk'], subject: 'Ordre #1042', text: 'Tak' };

function errorOf(input: unknown, options?: Parameters<typeof validateSendMessage>[1]): ValidationError {
  try {
    validateSendMessage(input, options);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected validateSendMessage to throw');
}

function expectInvalid(input: unknown, field: string, code: string, type = ValidationError) {
  const error = errorOf(input);
  expect(error).toBeInstanceOf(type);
  if (type === ValidationError) expect(error).not.toBeInstanceOf(InvalidHeaderError);
  expect(error.field).toBe(field);
  expect(error.errors[0]!.code).toBe(code);
  return error;
}

const bytes = (n: number) => new Uint8Array(n);
const MB10 = 10 * 1024 * 1024;
/** A base64 string of exactly `n` decoded bytes, built without allocating the bytes. */
const base64Of = (n: number) =>
  'A'.repeat(Math.floor(n / 3) * 4) + (n % 3 === 1 ? 'AA==' : n % 3 === 2 ? 'AAA=' : '');

describe('validateSendMessage: valid input', () => {
  it.each([
    ['minimal', base],
    [
      'address objects and shorthand',
      { ...base, from: { email: 'ordre@shop.dk', name: 'Shop' }, to: 'kunde@example.dk' },
    ],
    ['UTF-8 and IDN addresses', { ...base, to: ['æøå@shop.dk', 'Kunde <kunde@blåbær.dk>'] }],
    ['bcc only', { ...base, to: undefined, bcc: ['kunde@example.dk'] }],
    [
      'template without subject and body',
      { from: base.from, to: base.to, template: { alias: 'order-confirmation' } },
    ],
    ['html only', { ...base, text: undefined, html: '<p>Tak</p>' }],
    [
      'exactly 50 recipients',
      {
        ...base,
        to: Array.from({ length: 30 }, (_, i) => `k${i}@example.dk`),
        cc: Array.from({ length: 20 }, (_, i) => `c${i}@example.dk`),
      },
    ],
    [
      'allowed headers',
      {
        ...base,
        headers: {
          'List-Unsubscribe': '<https://shop.dk/u/abc>',
          'Reply-To': 'a@b.dk',
          'X-Entity-Ref-ID': '1042\tx',
        },
      },
    ],
    [
      '20 metadata keys at the length limits',
      {
        ...base,
        metadata: Object.fromEntries(
          Array.from({ length: 20 }, (_, i) => [`k${i}`.padEnd(40, 'x'), 'v'.repeat(500)]),
        ),
      },
    ],
    ['tag of 100 characters', { ...base, tag: 't'.repeat(100) }],
    [
      'attachment of exactly 10 MB (base64)',
      { ...base, attachments: [{ filename: 'a.pdf', content: base64Of(MB10) }] },
    ],
    [
      'attachment of exactly 10 MB (bytes)',
      { ...base, attachments: [{ filename: 'a.pdf', content: bytes(MB10) }] },
    ],
    ['scheduledAt far ahead (a server rule)', { ...base, scheduledAt: '2099-01-01T00:00:00Z' }],
  ])('accepts %s', (_name, input) => {
    expect(() => validateSendMessage(input)).not.toThrow();
  });

  it('allows X-MP-* headers on the smtp channel', () => {
    expect(() =>
      validateSendMessage({ ...base, headers: { 'X-MP-Tag': 'a' } }, { channel: 'smtp' }),
    ).not.toThrow();
  });
});

describe('validateSendMessage: invalid input', () => {
  it('rejects a non-object', () => {
    expectInvalid('hello', '', 'invalid_type');
  });
  it('requires from', () => {
    expectInvalid({ ...base, from: undefined }, 'from', 'required');
  });
  it('names the bad recipient', () => {
    const error = expectInvalid({ ...base, to: ['ok@example.dk', 'kunde@'] }, 'to[1]', 'invalid_email');
    expect(error.message).toBe("to[1]: 'kunde@' is not a valid address");
    expect(error.errors).toEqual([
      { pointer: '/to/1', code: 'invalid_email', message: "'kunde@' is not a valid address" },
    ]);
  });
  it('rejects a malformed "Name <addr>" string', () => {
    expectInvalid({ ...base, to: ['Kunde <kunde@example.dk'] }, 'to[0]', 'invalid_address');
  });
  it('rejects a bad address inside "Name <addr>"', () => {
    expectInvalid({ ...base, cc: ['Kunde <kunde@localhost>'] }, 'cc[0]', 'invalid_email');
  });
  it('rejects a bad address object', () => {
    expectInvalid({ ...base, from: { email: 'nope', name: 'Shop' } }, 'from.email', 'invalid_email');
  });
  it('rejects a bad replyTo', () => {
    expectInvalid({ ...base, replyTo: 'x y@z.dk' }, 'replyTo', 'invalid_email');
  });
  it('rejects a wrong address type', () => {
    expectInvalid({ ...base, to: [42] }, 'to[0]', 'invalid_type');
  });
  it('requires a recipient', () => {
    expectInvalid({ ...base, to: [] }, 'to', 'no_recipients');
  });
  it('rejects more than 50 recipients in total', () => {
    const error = expectInvalid(
      {
        ...base,
        to: Array.from({ length: 40 }, (_, i) => `k${i}@example.dk`),
        bcc: Array.from({ length: 11 }, (_, i) => `b${i}@example.dk`),
      },
      'to',
      'too_many_recipients',
    );
    expect(error.message).toBe('to: 51 recipients across to, cc and bcc; the limit is 50');
  });
  it('requires a body or a template', () => {
    expectInvalid({ ...base, text: undefined }, 'html', 'missing_content');
    expectInvalid({ ...base, text: '' }, 'html', 'missing_content');
  });
  it('requires a subject without a template', () => {
    expectInvalid({ ...base, subject: undefined }, 'subject', 'missing_subject');
  });
  it('rejects reserved headers and names the field to use', () => {
    const error = expectInvalid({ ...base, headers: { Subject: 'x' } }, 'headers.Subject', 'reserved_header');
    expect(error.message).toBe(
      "headers.Subject: The header Subject is reserved; use the 'subject' field instead",
    );
    expectInvalid(
      { ...base, headers: { 'content-type': 'text/html' } },
      'headers.content-type',
      'reserved_header',
    );
    expectInvalid({ ...base, headers: { 'Message-ID': '<a@b>' } }, 'headers.Message-ID', 'reserved_header');
    expectInvalid({ ...base, headers: { Bcc: 'spy@evil.dk' } }, 'headers.Bcc', 'reserved_header');
  });
  it('rejects X-MP-* headers on the API path with the JSON field to use', () => {
    const error = expectInvalid(
      { ...base, headers: { 'X-MP-Tag': 'welcome' } },
      'headers.X-MP-Tag',
      'control_header_in_api',
    );
    expect(error.message).toBe(
      "headers.X-MP-Tag: X-MP-Tag is an SMTP control header; use the 'tag' field instead",
    );
    const key = errorOf({ ...base, headers: { 'X-MP-Idempotency-Key': 'k' } });
    expect(key.message).toContain('use the Idempotency-Key request header instead');
    const meta = errorOf({ ...base, headers: { 'X-MP-Metadata-OrderId': '1' } });
    expect(meta.message).toContain("use the 'metadata.OrderId' field instead");
  });
  it('rejects invalid header names', () => {
    expectInvalid({ ...base, headers: { 'X Foo': 'a' } }, 'headers.X Foo', 'invalid_header_name');
  });
  it('rejects non-string header values', () => {
    expectInvalid({ ...base, headers: { 'X-Foo': 1 } }, 'headers.X-Foo', 'invalid_type');
  });
  it('rejects a tag over 100 characters', () => {
    expectInvalid({ ...base, tag: 't'.repeat(101) }, 'tag', 'too_long');
  });
  it('rejects more than 20 metadata keys', () => {
    const metadata = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    expectInvalid({ ...base, metadata }, 'metadata', 'too_many_metadata_keys');
  });
  it('rejects long metadata keys and values, empty keys and non-strings', () => {
    expectInvalid({ ...base, metadata: { ['k'.repeat(41)]: 'v' } }, `metadata.${'k'.repeat(41)}`, 'too_long');
    expectInvalid({ ...base, metadata: { orderId: 'v'.repeat(501) } }, 'metadata.orderId', 'too_long');
    expectInvalid({ ...base, metadata: { '': 'v' } }, 'metadata.', 'required');
    expectInvalid({ ...base, metadata: { orderId: 1042 } }, 'metadata.orderId', 'invalid_type');
  });
  it('rejects an attachment over 10 MB after base64 decoding, without decoding', () => {
    const error = expectInvalid(
      {
        ...base,
        attachments: [
          { filename: 'a.pdf', content: 'AAAA' },
          { filename: 'b.pdf', content: base64Of(MB10 + 1) },
        ],
      },
      'attachments[1].content',
      'attachment_too_large',
    );
    expect(error.message).toBe(
      'attachments[1].content: The attachment is 10485761 bytes; the limit is 10485760 bytes (10 MB)',
    );
  });
  it('rejects a Uint8Array attachment over 10 MB', () => {
    expectInvalid(
      { ...base, attachments: [{ filename: 'a.bin', content: bytes(MB10 + 1) }] },
      'attachments[0].content',
      'attachment_too_large',
    );
  });
  it('rejects attachments over 10 MB together', () => {
    const half = base64Of(MB10 / 2 + 1);
    expectInvalid(
      {
        ...base,
        attachments: [
          { filename: 'a', content: half },
          { filename: 'b', content: half },
        ],
      },
      'attachments',
      'message_too_large',
    );
  });
  it('rejects invalid base64, missing content and a missing filename', () => {
    expectInvalid(
      { ...base, attachments: [{ filename: 'a', content: 'not base64!' }] },
      'attachments[0].content',
      'invalid_base64',
    );
    expectInvalid({ ...base, attachments: [{ filename: 'a' }] }, 'attachments[0].content', 'required');
    expectInvalid({ ...base, attachments: [{ content: 'AAAA' }] }, 'attachments[0].filename', 'required');
    expectInvalid(
      { ...base, attachments: [{ filename: 'a', content: 42 }] },
      'attachments[0].content',
      'invalid_type',
    );
    expectInvalid({ ...base, attachments: 'a' }, 'attachments', 'invalid_type');
  });
  it('accepts a Node file path attachment without content', () => {
    expect(() =>
      validateSendMessage({ ...base, attachments: [{ filename: 'a', path: '/tmp/a.pdf' }] }),
    ).not.toThrow();
  });
  it('prefixes fields and pointers with options.path (batch items)', () => {
    const error = errorOf({ ...base, to: ['kunde@'] }, { path: ['messages', 3] });
    expect(error.field).toBe('messages[3].to[0]');
    expect(error.errors[0]!.pointer).toBe('/messages/3/to/0');
  });
  it('lists every problem and counts the rest in the message', () => {
    const error = errorOf({ ...base, to: ['kunde@'], tag: 't'.repeat(101) });
    expect(error.errors.map((e) => e.pointer)).toEqual(['/to/0', '/tag']);
    expect(error.message).toBe("to[0]: 'kunde@' is not a valid address (and 1 more)");
  });
});

describe('validateSendMessage: header injection', () => {
  it.each([
    ['subject', { ...base, subject: 'Hi\r\nBcc: spy@evil.dk' }, 'subject'],
    ['display name (string)', { ...base, from: 'Shop\n <ordre@shop.dk>' }, 'from'],
    [
      'display name (object)',
      { ...base, to: [{ email: 'kunde@example.dk', name: 'K\u0000' }] },
      'to[0].name',
    ],
    ['address', { ...base, to: ['kunde@example.dk\r\nBcc: x@y.dk'] }, 'to[0]'],
    ['header value', { ...base, headers: { 'X-Foo': 'a\r\nBcc: x@y.dk' } }, 'headers.X-Foo'],
    ['header name', { ...base, headers: { 'X-Foo\r\nBcc': 'a' } }, 'headers.X-Foo\r\nBcc'],
    ['tag', { ...base, tag: 'a\u2028b' }, 'tag'],
    ['metadata key', { ...base, metadata: { 'order\nId': '1' } }, 'metadata.order\nId'],
    ['metadata value', { ...base, metadata: { orderId: '1\u0085' } }, 'metadata.orderId'],
    [
      'filename',
      { ...base, attachments: [{ filename: 'a\r\n.pdf', content: 'AAAA' }] },
      'attachments[0].filename',
    ],
    [
      'content type',
      { ...base, attachments: [{ filename: 'a.pdf', contentType: 'text/plain\r\nX: y', content: 'AAAA' }] },
      'attachments[0].contentType',
    ],
  ])('rejects control characters in the %s with InvalidHeaderError', (_name, input, field) => {
    const error = expectInvalid(input, field, 'header_injection', InvalidHeaderError);
    expect(error.code).toBe('header_injection');
  });

  it('reports injection before other problems', () => {
    const error = errorOf({ ...base, to: ['kunde@'], subject: 'a\nb' });
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect(error.field).toBe('subject');
  });

  const hostile = fc
    .tuple(fc.string(), fc.constantFrom('\r', '\n', '\r\n', '\u0000', '\u2028'), fc.string())
    .map(([before, control, after]) => `${before}${control}${after}`);
  const placements: [string, (s: string) => Record<string, unknown>][] = [
    ['subject', (s) => ({ ...base, subject: s })],
    ['display name', (s) => ({ ...base, from: { email: 'ordre@shop.dk', name: s } })],
    ['header value', (s) => ({ ...base, headers: { 'X-Custom': s } })],
    ['header name', (s) => ({ ...base, headers: { [s]: 'v' } })],
    ['tag', (s) => ({ ...base, tag: s })],
    ['metadata key', (s) => ({ ...base, metadata: { [s]: 'v' } })],
    ['metadata value', (s) => ({ ...base, metadata: { k: s } })],
  ];

  it.each(placements)(
    'property: any string with CR, LF, NUL or U+2028 in the %s throws InvalidHeaderError',
    (_name, place) => {
      fc.assert(
        fc.property(hostile, (value) => {
          const error = errorOf(place(value));
          return (
            error instanceof InvalidHeaderError && error.errors.some((e) => e.code === 'header_injection')
          );
        }),
        { numRuns: 500 },
      );
    },
  );
});
