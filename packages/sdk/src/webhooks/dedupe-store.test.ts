import { describe, expect, it } from 'vitest';
import { createMemoryDedupeStore } from './dedupe-store.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('createMemoryDedupeStore', () => {
  it('remembers an id until its ttl passes', async () => {
    const time = clock();
    const store = createMemoryDedupeStore({ now: time.now });
    expect(await store.has('evt_1')).toBe(false);
    await store.put('evt_1', 60);
    expect(await store.has('evt_1')).toBe(true);
    time.advance(59_999);
    expect(await store.has('evt_1')).toBe(true);
    time.advance(1);
    expect(await store.has('evt_1')).toBe(false);
  });

  it('caps the ttl at the store ttl (default 5 days)', async () => {
    const time = clock();
    const store = createMemoryDedupeStore({ now: time.now });
    await store.put('evt_1', 30 * 24 * 3600);
    time.advance(5 * 24 * 3600 * 1000 - 1);
    expect(await store.has('evt_1')).toBe(true);
    time.advance(1);
    expect(await store.has('evt_1')).toBe(false);

    const short = createMemoryDedupeStore({ now: time.now, ttlSeconds: 10 });
    await short.put('evt_2', 3600);
    time.advance(10_000);
    expect(await short.has('evt_2')).toBe(false);
  });

  it('forgets the oldest id when full; a re-put makes an id young again', async () => {
    const store = createMemoryDedupeStore({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c']) await store.put(id, 60);
    await store.put('a', 60);
    await store.put('d', 60);
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((id) => store.has(id)))).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });
});
