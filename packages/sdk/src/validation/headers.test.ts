import { describe, expect, it } from 'vitest';
import { base64DecodedLength, isBase64 } from './base64.js';
import { findHeaderInjection, formatCodePoint } from './header-injection.js';
import {
  controlHeaderField,
  isControlHeader,
  isReservedHeader,
  reservedHeaderField,
  validateHeaderName,
} from './headers.js';

describe('findHeaderInjection', () => {
  it.each([
    ['a\rb', 1, 0x0d],
    ['a\nb', 1, 0x0a],
    ['\u0000', 0, 0x00],
    ['ab\u0007', 2, 0x07],
    ['x\u001b[31m', 1, 0x1b],
    ['del\u007f', 3, 0x7f],
    ['nel\u0085', 3, 0x85],
    ['line\u2028sep', 4, 0x2028],
    ['para\u2029sep', 4, 0x2029],
  ])('finds the control character in %j', (value, index, codePoint) => {
    expect(findHeaderInjection(value)).toEqual({ index, codePoint });
  });

  it('accepts TAB, non-ASCII text and emoji', () => {
    expect(findHeaderInjection('Ordrebekræftelse\t#1042 ✓ 🎉')).toBeNull();
  });

  it('formats code points', () => {
    expect(formatCodePoint(0x0a)).toBe('U+000A');
    expect(formatCodePoint(0x2028)).toBe('U+2028');
  });
});

describe('reserved and control headers', () => {
  it.each([
    'From',
    'to',
    'CC',
    'Bcc',
    'Subject',
    'Date',
    'Message-ID',
    'mime-version',
    'Content-Type',
    'content-transfer-encoding',
    'Return-Path',
  ])('%s is reserved', (name) => {
    expect(isReservedHeader(name)).toBe(true);
  });

  it.each(['Reply-To', 'List-Unsubscribe', 'X-Entity-Ref-ID', 'X-MP-Tag', 'Contents'])(
    '%s is not reserved',
    (name) => {
      expect(isReservedHeader(name)).toBe(false);
    },
  );

  it('names the JSON field of a reserved header', () => {
    expect(reservedHeaderField('SUBJECT')).toBe('subject');
    expect(reservedHeaderField('Message-ID')).toBeNull();
    expect(reservedHeaderField('Content-Type')).toBeNull();
  });

  it('recognises X-MP-* control headers and their JSON equivalents', () => {
    expect(isControlHeader('X-MP-Tag')).toBe(true);
    expect(isControlHeader('x-mp-anything')).toBe(true);
    expect(isControlHeader('X-Mailer')).toBe(false);
    expect(controlHeaderField('X-MP-Tag')).toBe('tag');
    expect(controlHeaderField('x-mp-track-clicks')).toBe('tracking.clicks');
    expect(controlHeaderField('X-MP-Metadata-OrderId')).toBe('metadata.OrderId');
    expect(controlHeaderField('X-MP-Send-At')).toBe('scheduledAt');
    expect(controlHeaderField('X-MP-Simulate')).toBe('sandbox.simulate');
    expect(controlHeaderField('X-MP-Unknown')).toBeNull();
  });
});

describe('validateHeaderName', () => {
  it.each(['X-Entity-Ref-ID', 'List-Unsubscribe-Post', 'X_odd!#$'])('accepts %s', (name) => {
    expect(validateHeaderName(name)).toBe(true);
  });
  it.each(['', 'X Foo', 'X:Foo', 'X-Før', 'X-\u0000', 'X'.repeat(77)])('rejects %j', (name) => {
    expect(validateHeaderName(name)).toBe(false);
  });
});

describe('base64', () => {
  it('computes the decoded length without decoding', () => {
    for (const bytes of [0, 1, 2, 3, 4, 5, 100, 1001]) {
      const encoded = btoa('x'.repeat(bytes));
      expect(base64DecodedLength(encoded)).toBe(bytes);
      expect(base64DecodedLength(encoded.replace(/=+$/, ''))).toBe(bytes);
    }
    expect(base64DecodedLength('aGVs\r\nbG8=')).toBe(5);
  });
  it('validates the alphabet and padding', () => {
    expect(isBase64('aGVsbG8=')).toBe(true);
    expect(isBase64('aGVsbG8')).toBe(true);
    expect(isBase64('aGVs\nbG8=')).toBe(true);
    expect(isBase64('')).toBe(true);
    expect(isBase64('aGVsbG8*')).toBe(false);
    expect(isBase64('a')).toBe(false);
    expect(isBase64('aGVsbG8==')).toBe(false);
    expect(isBase64('aGV=sbG8')).toBe(false);
    expect(isBase64('aGVsbG8-_')).toBe(false);
  });
});
