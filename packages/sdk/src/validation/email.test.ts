import { describe, expect, it } from 'vitest';
import { isValidDomain, isValidEmail, toAsciiDomain } from './email.js';

describe('isValidEmail', () => {
  it.each([
    'kunde@example.dk',
    'first.last+tag@shop.dk',
    "o'brien@example.ie",
    'æøå@shop.dk',
    'kunde@blåbær.dk',
    'kunde@xn--blbr-roah.dk',
    'a@b.co',
    'hard-bounce+signup42@sim.mailplatform.test',
    'user@sub-domain.example.com',
    `${'a'.repeat(64)}@example.dk`,
  ])('accepts %s', (value) => {
    expect(isValidEmail(value)).toBe(true);
  });

  it.each([
    ['kunde@', 'no domain'],
    ['@example.dk', 'no local part'],
    ['kunde', 'no @'],
    ['kun de@example.dk', 'space in local part'],
    ['kunde@exa mple.dk', 'space in domain'],
    ['kunde@localhost', 'single-label domain'],
    ['kunde@example.1', 'numeric TLD'],
    ['kunde@example.d', 'one-letter TLD'],
    ['kunde@127.0.0.1', 'IP address'],
    ['.kunde@example.dk', 'leading dot'],
    ['kunde.@example.dk', 'trailing dot'],
    ['ku..nde@example.dk', 'consecutive dots'],
    ['kunde@-example.dk', 'label starts with a hyphen'],
    ['kunde@example-.dk', 'label ends with a hyphen'],
    ['kunde@example..dk', 'empty label'],
    ['"quoted"@example.dk', 'quoted local part'],
    ['kunde@[127.0.0.1]', 'address literal'],
    ['kunde\r\n@example.dk', 'CRLF'],
    ['kunde@exam\u0000ple.dk', 'NUL'],
    [`${'a'.repeat(65)}@example.dk`, 'local part over 64 bytes'],
    [`${'æ'.repeat(33)}@example.dk`, 'UTF-8 local part over 64 bytes'],
    [`a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(58)}.dk`, 'over 254 characters'],
    [`a@${'b'.repeat(64)}.dk`, 'label over 63 characters'],
    ['', 'empty'],
  ])('rejects %j (%s)', (value) => {
    expect(isValidEmail(value)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(isValidEmail(42)).toBe(false);
    expect(isValidEmail(undefined)).toBe(false);
  });
});

describe('domains', () => {
  it('converts IDN domains to punycode', () => {
    expect(toAsciiDomain('blåbær.dk')).toBe('xn--blbr-roah.dk');
  });
  it('rejects a domain whose punycode label exceeds 63 characters', () => {
    expect(isValidDomain(`${'æ'.repeat(60)}.dk`)).toBe(false);
    expect(isValidDomain(`${'æ'.repeat(10)}.dk`)).toBe(true);
  });
});

describe('the ASCII fast path and the verdict cache', () => {
  it('still sends punycode labels through the IDNA check', () => {
    expect(isValidDomain('xn--a.dk')).toBe(false);
    expect(isValidDomain('XN--BLBR-ROAH.dk')).toBe(true);
    expect(isValidEmail('kunde@xn--zz.dk')).toBe(false);
  });

  it('accepts mixed case and inner double hyphens like the URL parser does', () => {
    expect(isValidEmail('Kunde@Example.DK')).toBe(true);
    expect(isValidDomain('ab--cd.dk')).toBe(true);
  });

  it('gives the same verdict for a repeated address', () => {
    for (let round = 0; round < 3; round++) {
      expect(isValidEmail('ordre@shop.dk')).toBe(true);
      expect(isValidEmail('ordre@shop..dk')).toBe(false);
      expect(isValidEmail('ordre@blåbær.dk')).toBe(true);
    }
  });

  it('keeps working after more distinct addresses than the cache holds', () => {
    for (let i = 0; i < 1_200; i++) expect(isValidEmail(`user${i}@shop${i}.dk`)).toBe(true);
    expect(isValidEmail(`user@shop.${'1'.repeat(3)}`)).toBe(false);
  });
});
