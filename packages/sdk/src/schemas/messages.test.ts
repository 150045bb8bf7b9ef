import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { validateSendMessage } from '../validation/validate-send-message.js';
import { BatchSendRequestSchema, SendMessageRequestSchema, TemplateRefSchema } from './messages.js';
import { toFieldErrors } from './problem.js';

const base = { from: 'Shop <ordre@shop.dk>', to: ['kunde@example.dk'], subject: 'Ordre #1042', text: 'Tak' };

function serverErrors(input: unknown, schema = SendMessageRequestSchema) {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return toFieldErrors(result.error);
}

function clientErrors(input: unknown) {
  try {
    validateSendMessage(input);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
}

describe('SendMessageRequestSchema', () => {
  it('parses shorthand into the canonical form with defaults', () => {
    const parsed = SendMessageRequestSchema.parse({
      ...base,
      to: 'Kunde <kunde@blåbær.dk>',
      attachments: [{ filename: 'a.txt', content: 'aGVq' }],
    });
    expect(parsed.to).toEqual(['Kunde <kunde@blåbær.dk>']);
    expect(parsed.stream).toBe('transactional');
    expect(parsed.attachments?.[0]?.disposition).toBe('attachment');
  });

  it('accepts a template send without subject or body', () => {
    const parsed = SendMessageRequestSchema.parse({
      from: { email: 'ordre@shop.dk', name: 'Shop' },
      to: ['kunde@example.dk'],
      template: { alias: 'order-confirmation', version: 3, data: { orderNo: 1042, lines: [] } },
      tracking: { opens: true, clicks: 'html' },
      metadata: { orderId: '1042' },
      headers: { 'List-Unsubscribe': '<https://shop.dk/u/abc>' },
      scheduledAt: '2025-03-14T08:00:00Z',
      sandbox: { simulate: 'hard-bounce' },
      clientReference: 'order-1042',
    });
    expect(parsed.template?.alias).toBe('order-confirmation');
  });

  it('rejects unknown fields (typos)', () => {
    expect(serverErrors({ ...base, subjcet: 'x' })).toEqual([
      { pointer: '', code: 'unrecognized_keys', message: expect.stringContaining('subjcet') },
    ]);
  });

  it('rejects an unknown simulator scenario and bad tracking values', () => {
    expect(serverErrors({ ...base, sandbox: { simulate: 'explode' } }).map((e) => e.pointer)).toEqual([
      '/sandbox/simulate',
    ]);
    expect(serverErrors({ ...base, tracking: { clicks: 'some' } }).map((e) => e.pointer)).toEqual([
      '/tracking/clicks',
    ]);
  });

  it('requires exactly one of template alias and id', () => {
    expect(TemplateRefSchema.safeParse({}).success).toBe(false);
    expect(TemplateRefSchema.safeParse({ alias: 'a', id: 'tmpl_01J' }).success).toBe(false);
    expect(TemplateRefSchema.safeParse({ id: 'tmpl_01J' }).success).toBe(true);
  });

  it('rejects an invalid scheduledAt', () => {
    expect(serverErrors({ ...base, scheduledAt: 'tomorrow' }).map((e) => e.pointer)).toEqual([
      '/scheduledAt',
    ]);
  });

  // The client and the server run the same rules: same pointers, same codes.
  it.each([
    ['bad recipient', { ...base, to: ['ok@example.dk', 'kunde@'] }],
    ['bad sender object', { ...base, from: { email: 'nope' } }],
    ['malformed name-addr', { ...base, cc: 'Kunde <kunde@example.dk' }],
    ['no recipients', { ...base, to: [] }],
    ['51 recipients', { ...base, to: Array.from({ length: 51 }, (_, i) => `k${i}@example.dk`) }],
    ['no body', { ...base, text: undefined }],
    ['no subject', { ...base, subject: undefined }],
    ['reserved header', { ...base, headers: { Subject: 'x', 'Content-Type': 'text/html' } }],
    ['control header', { ...base, headers: { 'X-MP-Tag': 'x' } }],
    ['bad header name', { ...base, headers: { 'X Foo': 'x' } }],
    ['injection in subject', { ...base, subject: 'a\r\nBcc: x@y.dk' }],
    ['injection in header', { ...base, headers: { 'X-Foo': 'a\nb' } }],
    ['injection in name', { ...base, from: { email: 'ordre@shop.dk', name: 'S\u2028' } }],
    ['long tag', { ...base, tag: 't'.repeat(101) }],
    [
      'metadata rules',
      { ...base, metadata: { ['k'.repeat(41)]: 'v', orderId: 'v'.repeat(501), 'a\nb': 'c' } },
    ],
    [
      'too many metadata keys',
      { ...base, metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) },
    ],
    ['attachment too large', { ...base, attachments: [{ filename: 'a', content: 'A'.repeat(13_981_016) }] }],
    ['invalid base64', { ...base, attachments: [{ filename: 'a', content: '***' }] }],
    ['injection in filename', { ...base, attachments: [{ filename: 'a\r\nb', content: 'AAAA' }] }],
  ])('agrees with validateSendMessage: %s', (_name, input) => {
    const client = clientErrors(input);
    expect(client.length).toBeGreaterThan(0);
    const server = serverErrors(input);
    const key = (e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`;
    expect(server.map(key).sort()).toEqual(client.map(key).sort());
  });
});

describe('BatchSendRequestSchema', () => {
  it('points into the failing message', () => {
    const errors = serverErrors(
      { messages: [base, base, base, { ...base, to: ['kunde@'] }] },
      BatchSendRequestSchema as never,
    );
    expect(errors).toEqual([
      { pointer: '/messages/3/to/0', code: 'invalid_email', message: "'kunde@' is not a valid address" },
    ]);
  });
  it('defaults validation to strict and caps the batch at 500', () => {
    expect(BatchSendRequestSchema.parse({ messages: [base] }).validation).toBe('strict');
    expect(
      BatchSendRequestSchema.safeParse({ messages: Array.from({ length: 501 }, () => base) }).success,
    ).toBe(false);
    expect(BatchSendRequestSchema.safeParse({ messages: [] }).success).toBe(false);
  });
});
