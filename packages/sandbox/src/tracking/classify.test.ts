import { describe, expect, it } from 'vitest';
import { classifyClick, classifyOpen, isImageProxy, isProxyRefetch, truncateIp } from './index.js';

const HUMAN_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
const DELIVERED = Date.UTC(2025, 2, 14, 8, 0, 0);

describe('classifyOpen', () => {
  const base = {
    method: 'GET',
    userAgent: HUMAN_UA,
    ip: '192.0.2.7',
    deliveredAt: DELIVERED,
    at: DELIVERED + 60_000,
  };

  it('a browser open is human', () => {
    expect(classifyOpen(base)).toEqual({ machine: false });
  });

  it('the bare MPP user agent is apple_mpp', () => {
    expect(classifyOpen({ ...base, userAgent: 'Mozilla/5.0' })).toEqual({
      machine: true,
      machineReason: 'apple_mpp',
    });
  });

  it('an Apple 17.0.0.0/8 address is apple_mpp, also IPv4-mapped', () => {
    expect(classifyOpen({ ...base, ip: '17.58.10.3' })).toEqual({
      machine: true,
      machineReason: 'apple_mpp',
    });
    expect(classifyOpen({ ...base, ip: '::ffff:17.1.2.3' })).toEqual({
      machine: true,
      machineReason: 'apple_mpp',
    });
    expect(classifyOpen({ ...base, ip: '170.1.2.3' })).toEqual({ machine: false });
  });

  it('GoogleImageProxy is a human open', () => {
    const ua = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
    expect(classifyOpen({ ...base, userAgent: ua })).toEqual({ machine: false });
    expect(isImageProxy(ua)).toBe(true);
    expect(isImageProxy(HUMAN_UA)).toBe(false);
  });

  it('HEAD, scanners and a missing agent are image_proxy_prefetch', () => {
    const prefetch = { machine: true, machineReason: 'image_proxy_prefetch' };
    expect(classifyOpen({ ...base, method: 'HEAD' })).toEqual(prefetch);
    expect(classifyOpen({ ...base, userAgent: 'Mozilla/5.0 HeadlessChrome/120.0' })).toEqual(prefetch);
    expect(classifyOpen({ ...base, userAgent: null })).toEqual(prefetch);
  });
});

describe('classifyClick', () => {
  const base = {
    method: 'GET',
    userAgent: HUMAN_UA,
    ip: '192.0.2.7',
    deliveredAt: DELIVERED,
    at: DELIVERED + 120_000,
    recentClicksAt: [] as number[],
  };

  it('a browser click well after delivery is human', () => {
    expect(classifyClick(base)).toEqual({ bot: false });
  });

  it('HEAD is a bot even from a browser agent', () => {
    expect(classifyClick({ ...base, method: 'head' })).toEqual({ bot: true, botReason: 'head_request' });
  });

  it('a click within 2 s of delivery is too_fast; at 2 s it is not', () => {
    expect(classifyClick({ ...base, at: DELIVERED + 1_999 })).toEqual({ bot: true, botReason: 'too_fast' });
    expect(
      classifyClick({ ...base, at: new Date(DELIVERED + 2_000), deliveredAt: new Date(DELIVERED) }),
    ).toEqual({
      bot: false,
    });
  });

  it('a click within 1 s of a click on another link is too_fast', () => {
    expect(classifyClick({ ...base, recentClicksAt: [base.at - 400] })).toEqual({
      bot: true,
      botReason: 'too_fast',
    });
    expect(classifyClick({ ...base, recentClicksAt: [base.at - 1_000] })).toEqual({ bot: false });
  });

  it.each([
    'Microsoft Office SafeLinks',
    'Proofpoint URL Defense',
    'Mimecast-URL-Protect',
    'Barracuda Sentinel',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
    'python-requests/2.31.0',
    'Go-http-client/1.1',
    'Wget/1.21',
    '',
  ])('scanner agent %j', (userAgent) => {
    expect(classifyClick({ ...base, userAgent })).toEqual({ bot: true, botReason: 'scanner_ua' });
  });

  it('curl is a developer test click in the sandbox, not a bot', () => {
    expect(classifyClick({ ...base, userAgent: 'curl/8.5.0' })).toEqual({ bot: false });
  });

  it('without a delivery time only the other rules apply', () => {
    expect(classifyClick({ ...base, deliveredAt: null, at: DELIVERED })).toEqual({ bot: false });
  });
});

describe('isProxyRefetch', () => {
  it('is true within 5 minutes of the previous open', () => {
    expect(isProxyRefetch(DELIVERED, DELIVERED + 4 * 60_000)).toBe(true);
    expect(isProxyRefetch(new Date(DELIVERED), new Date(DELIVERED + 5 * 60_000 - 1))).toBe(true);
  });

  it('is false at 5 minutes, before the previous open, or without one', () => {
    expect(isProxyRefetch(DELIVERED, DELIVERED + 5 * 60_000)).toBe(false);
    expect(isProxyRefetch(DELIVERED, DELIVERED - 1)).toBe(false);
    expect(isProxyRefetch(undefined, DELIVERED)).toBe(false);
    expect(isProxyRefetch(null, DELIVERED)).toBe(false);
  });
});

describe('truncateIp', () => {
  it.each([
    ['192.0.2.77', '192.0.2.0'],
    [' 10.1.2.3 ', '10.1.2.0'],
    ['::ffff:203.0.113.9', '203.0.113.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:0DB8:0000:0001::1', '2001:db8::'],
    ['2001:db8:1::', '2001:db8:1::'],
    ['fe80::1%eth0', 'fe80::'],
    ['::1', '::'],
    ['2001:db8:1:2::192.0.2.1', '2001:db8:1::'],
  ])('%s → %s', (ip, truncated) => {
    expect(truncateIp(ip)).toBe(truncated);
  });

  it.each(['', 'localhost', '256.1.1.1', '1.2.3', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1'])(
    'rejects %j',
    (ip) => {
      expect(truncateIp(ip)).toBeUndefined();
    },
  );
});
