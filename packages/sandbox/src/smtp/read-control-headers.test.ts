import { createPublicKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords } from './decode-encoded-words.js';
import { splitMessage, withoutFields } from './header-block.js';
import { InvalidControlHeaderError } from './invalid-control-header-error.js';
import { MAX_TEMPLATE_DATA_LENGTH, readControlHeaders } from './read-control-headers.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

const read = (headers: Record<string, string>) =>
  readControlHeaders(Object.entries(headers).map(([name, value]) => ({ name, value })));

function invalid(headers: Record<string, string>): string {
  try {
    read(headers);
  } catch (error) {
    if (error instanceof InvalidControlHeaderError) return error.message;
    throw error;
  }
  throw new Error('expected InvalidControlHeaderError');
}

describe('readControlHeaders', () => {
  it('maps every control header to its JSON field', () => {
    expect(
      read({
        'X-MP-Stream': 'broadcast',
        'X-MP-Tag': '=?UTF-8?Q?ordre_=C3=A6?=',
        'X-MP-Track-Opens': 'FALSE',
        'X-MP-Track-Clicks': 'all',
        'X-MP-Template': 'tmpl_01ABC@2',
        'X-MP-Send-At': '2025-03-14T09:00:00+01:00',
        'X-MP-Idempotency-Key': 'order-1042:receipt:v1',
        'X-MP-Simulate': 'hard-bounce',
        Subject: 'not a control header',
      }),
    ).toEqual({
      idempotencyKey: 'order-1042:receipt:v1',
      fields: {
        stream: 'broadcast',
        tag: 'ordre æ',
        tracking: { opens: false, clicks: 'all' },
        template: { id: 'tmpl_01ABC', version: 2 },
        scheduledAt: '2025-03-14T08:00:00.000Z',
        sandbox: { simulate: 'hard-bounce' },
      },
    });
  });

  it('unfolds template data and refuses data over 8 KB', () => {
    const data = Buffer.from(JSON.stringify({ lines: [1, 2, 3] })).toString('base64url');
    const folded = `${data.slice(0, 10)} ${data.slice(10)}`;
    expect(read({ 'X-MP-Template': 'receipt', 'X-MP-Template-Data': folded }).fields.template).toEqual({
      alias: 'receipt',
      data: { lines: [1, 2, 3] },
    });
    expect(
      invalid({ 'X-MP-Template': 'receipt', 'X-MP-Template-Data': 'A'.repeat(MAX_TEMPLATE_DATA_LENGTH + 1) }),
    ).toBe(
      'Invalid X-MP-Template-Data header: longer than 8192 characters; send larger data through the API',
    );
  });

  it('names the header that is wrong', () => {
    expect(invalid({ 'X-MP-Template-Data': 'e30' })).toBe(
      'Invalid X-MP-Template-Data header: X-MP-Template is missing',
    );
    expect(invalid({ 'X-MP-Metadata': '{"a":1}' })).toBe(
      'Invalid X-MP-Metadata header: the value of "a" must be a string',
    );
    expect(invalid({ 'X-MP-Track-Opens': 'yes' })).toBe(
      'Invalid X-MP-Track-Opens header: expected true or false',
    );
    expect(invalid({ 'X-MP-Send-At': 'tomorrow' })).toBe(
      'Invalid X-MP-Send-At header: expected an RFC 3339 timestamp',
    );
    expect(invalid({ 'X-MP-Template': 'a@0' })).toBe(
      'Invalid X-MP-Template header: the version must be a positive integer',
    );
    expect(invalid({ 'X-MP-Idempotency-Key': 'ø' })).toBe(
      'Invalid X-MP-Idempotency-Key header: expected 1 to 255 printable ASCII characters',
    );
    expect(invalid({ 'X-MP-Tag': 'x'.repeat(101) })).toBe(
      'Invalid X-MP-Tag header: expected 1 to 100 characters',
    );
    expect(invalid({ 'X-MP-Metadata-': 'x' })).toBe(
      'Invalid X-MP-Metadata- header: expected a metadata key after X-MP-Metadata-',
    );
    expect(() =>
      readControlHeaders([
        { name: 'X-MP-Tag', value: 'a' },
        { name: 'x-mp-tag', value: 'b' },
      ]),
    ).toThrow('Invalid x-mp-tag header: given more than once');
  });
});

describe('decodeEncodedWords', () => {
  it('decodes B and Q words in any charset and joins adjacent words', () => {
    expect(decodeEncodedWords('=?ISO-8859-1?Q?R=F8dgr=F8d?= =?UTF-8?B?IG1lZCBmbMO4ZGU=?=')).toBe(
      'Rødgrød med fløde',
    );
    expect(decodeEncodedWords('plain =?utf-8?q?a_b?= text')).toBe('plain a b text');
    expect(decodeEncodedWords('no words here')).toBe('no words here');
  });
});

describe('header block', () => {
  it('drops fields with their continuation lines and keeps the body byte for byte', () => {
    const raw = Buffer.from('A: 1\r\nX-MP-Tag: x\r\n y\r\nB: 2\r\n\r\nbody\r\nX-MP-Tag: in body\r\n');
    expect(splitMessage(raw).rawFields.map((field) => field.toString())).toEqual([
      'A: 1\r\n',
      'X-MP-Tag: x\r\n y\r\n',
      'B: 2\r\n',
    ]);
    expect(withoutFields(raw, (name) => name.toLowerCase().startsWith('x-mp-')).toString()).toBe(
      'A: 1\r\nB: 2\r\n\r\nbody\r\nX-MP-Tag: in body\r\n',
    );
  });
});

describe('createSelfSignedCertificate', () => {
  it('creates a certificate for localhost and 127.0.0.1 signed by its own key', () => {
    const material = createSelfSignedCertificate('localhost', new Date('2025-03-14T08:00:00Z'));
    const certificate = new X509Certificate(material.cert);
    expect(certificate.verify(createPublicKey(material.key))).toBe(true);
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(
      new Date('2026-03-13T00:00:00Z').getTime(),
    );
    expect(certificate.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(material.fingerprint256);
  });
});
