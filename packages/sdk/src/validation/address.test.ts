import { describe, expect, it } from 'vitest';
import { formatAddress, parseAddress } from './address.js';

describe('parseAddress', () => {
  it.each([
    ['Shop <ordre@shop.dk>', { email: 'ordre@shop.dk', name: 'Shop' }],
    ['"Shop, Inc." <ordre@shop.dk>', { email: 'ordre@shop.dk', name: 'Shop, Inc.' }],
    ['"Say \\"hi\\"" <a@b.dk>', { email: 'a@b.dk', name: 'Say "hi"' }],
    ['  ordre@shop.dk  ', { email: 'ordre@shop.dk' }],
    ['<ordre@shop.dk>', { email: 'ordre@shop.dk' }],
    ['Blåbær Butik <kunde@blåbær.dk>', { email: 'kunde@blåbær.dk', name: 'Blåbær Butik' }],
  ])('parses %s', (input, expected) => {
    expect(parseAddress(input)).toEqual(expected);
  });

  it.each(['', '   ', 'Shop <ordre@shop.dk', 'Shop ordre@shop.dk>', 'Shop <>', 'a <b> <c@d.dk>'])(
    'returns null for %j',
    (input) => {
      expect(parseAddress(input)).toBeNull();
    },
  );
});

describe('formatAddress', () => {
  it('formats with and without a name, quoting when needed', () => {
    expect(formatAddress({ email: 'a@b.dk' })).toBe('a@b.dk');
    expect(formatAddress({ email: 'a@b.dk', name: 'Blåbær Butik' })).toBe('Blåbær Butik <a@b.dk>');
    expect(formatAddress({ email: 'a@b.dk', name: 'Shop, "Inc"' })).toBe('"Shop, \\"Inc\\"" <a@b.dk>');
  });
  it('round-trips through parseAddress', () => {
    const address = { email: 'a@b.dk', name: 'Shop, "Inc" \\ ltd' };
    expect(parseAddress(formatAddress(address))).toEqual(address);
  });
});
