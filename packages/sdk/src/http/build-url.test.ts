import { describe, expect, it } from 'vitest';
import { buildUrl } from './build-url.js';

const API = 'https://api.mailplatform.dk/v1';

describe('buildUrl', () => {
  it('returns the bare path without a query', () => {
    expect(buildUrl(API, '/messages', undefined)).toBe(`${API}/messages`);
    expect(buildUrl(API, '/messages', { tag: undefined, cursor: null })).toBe(`${API}/messages`);
  });

  it('repeats array keys, nests records as key[sub], encodes values and skips empty entries', () => {
    const url = buildUrl(API, '/events', {
      type: ['message.delivered', 'message.bounced'],
      recipient: 'kunde+1@shop.dk',
      limit: 50,
      includeTest: false,
      metadata: { orderId: '10 42', 'å key': 'ø' },
      tag: undefined,
    });
    expect(url).toBe(
      `${API}/events?type=message.delivered&type=message.bounced&recipient=kunde%2B1%40shop.dk&limit=50` +
        '&includeTest=false&metadata[orderId]=10%2042&metadata[%C3%A5%20key]=%C3%B8',
    );
    const parsed = new URL(url);
    expect(parsed.searchParams.getAll('type')).toEqual(['message.delivered', 'message.bounced']);
    expect(parsed.searchParams.get('metadata[å key]')).toBe('ø');
  });
});
