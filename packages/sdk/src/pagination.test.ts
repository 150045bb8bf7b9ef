import { describe, expect, it } from 'vitest';
import { MailPlatformError, RateLimitError } from './errors.js';
import type { ApiResponse } from './http/types.js';
import { createPagePromise, type ListEnvelope, Page, PagePromise } from './pagination.js';

/** Serves `total` numbered items in pages of `size`; cursors are the next start index. */
function fakeList(total: number, size: number) {
  const cursors: (string | undefined)[] = [];
  const fetchPage = async (cursor?: string): Promise<ListEnvelope<number>> => {
    cursors.push(cursor);
    const start = cursor === undefined ? 0 : Number(cursor);
    const data = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => start + i);
    const hasMore = start + size < total;
    return { data, hasMore, nextCursor: hasMore ? String(start + size) : null };
  };
  return { fetchPage, cursors };
}

function apiResponse<T>(data: T, requestId: string): ApiResponse<T> {
  return {
    data,
    status: 200,
    requestId,
    idempotencyKey: undefined,
    replayed: false,
    attempts: 1,
    headers: new Headers(),
  };
}

describe('PagePromise', () => {
  it('awaits to the first page only', async () => {
    const list = fakeList(5, 2);
    const page = await createPagePromise(list.fetchPage);
    expect(page).toBeInstanceOf(Page);
    expect(page.data).toEqual([0, 1]);
    expect(page.hasMore).toBe(true);
    expect(page.nextCursor).toBe('2');
    expect(page.hasNextPage()).toBe(true);
    expect(list.cursors).toEqual([undefined]);
  });

  it('walks pages with getNextPage until hasNextPage() is false, then refuses', async () => {
    const list = fakeList(5, 2);
    let page = await createPagePromise(list.fetchPage);
    const seen = [...page.data];
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      seen.push(...page.data);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(page.nextCursor).toBeNull();
    expect(list.cursors).toEqual([undefined, '2', '4']);
    const error = await page.getNextPage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailPlatformError);
    expect((error as MailPlatformError).code).toBe('no_next_page');
    expect(list.cursors).toHaveLength(3);
  });

  it('iterates every item across pages with one request per page', async () => {
    const list = fakeList(7, 3);
    const items: number[] = [];
    for await (const item of createPagePromise(list.fetchPage)) items.push(item);
    expect(items).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(list.cursors).toEqual([undefined, '3', '6']);
  });

  it('fetches lazily: breaking early stops fetching', async () => {
    const list = fakeList(100, 10);
    const items: number[] = [];
    for await (const item of createPagePromise(list.fetchPage)) {
      items.push(item);
      if (item === 12) break;
    }
    expect(items).toHaveLength(13);
    expect(list.cursors).toEqual([undefined, '10']);
  });

  it('stops on hasMore false even when a cursor is present, and on a missing cursor', async () => {
    let calls = 0;
    const endWithCursor = async () => {
      calls++;
      return { data: ['a'], hasMore: false, nextCursor: 'ignored' };
    };
    const items: string[] = [];
    for await (const item of createPagePromise(endWithCursor)) items.push(item);
    const noCursor = async () => {
      calls++;
      return { data: ['b'], hasMore: true };
    };
    for await (const item of createPagePromise(noCursor)) items.push(item);
    expect(items).toEqual(['a', 'b']);
    expect(calls).toBe(2);
  });

  it('handles an empty list', async () => {
    const list = fakeList(0, 10);
    const items: number[] = [];
    for await (const item of createPagePromise(list.fetchPage)) items.push(item);
    expect(items).toEqual([]);
    expect((await createPagePromise(list.fetchPage)).hasNextPage()).toBe(false);
  });

  it('accepts ApiResponse-wrapped envelopes and exposes the request id', async () => {
    const fetchPage = async (cursor?: string) =>
      cursor === undefined
        ? apiResponse({ data: [1], hasMore: true, nextCursor: 'c2' }, 'req_1')
        : apiResponse({ data: [2], hasMore: false, nextCursor: null }, 'req_2');
    const first = await createPagePromise(fetchPage);
    expect(first.requestId).toBe('req_1');
    expect((await first.getNextPage()).requestId).toBe('req_2');
    const items: number[] = [];
    for await (const item of createPagePromise(fetchPage)) items.push(item);
    expect(items).toEqual([1, 2]);
  });

  it('propagates typed errors from the first page to await and to iteration', async () => {
    const failure = new RateLimitError('slow down', { status: 429, retryAfterMs: 1000 });
    const failing = async (): Promise<ListEnvelope<number>> => {
      throw failure;
    };
    await expect(createPagePromise(failing)).rejects.toBe(failure);
    const iterate = async () => {
      for await (const _ of createPagePromise(failing)) expect.unreachable();
    };
    await expect(iterate()).rejects.toBe(failure);
  });

  it('propagates an error from a later page after yielding the earlier items', async () => {
    const failure = new RateLimitError('slow down', { status: 429 });
    const fetchPage = async (cursor?: string): Promise<ListEnvelope<number>> => {
      if (cursor !== undefined) throw failure;
      return { data: [1, 2], hasMore: true, nextCursor: 'next' };
    };
    const items: number[] = [];
    const iterate = async () => {
      for await (const item of createPagePromise(fetchPage)) items.push(item);
    };
    await expect(iterate()).rejects.toBeInstanceOf(RateLimitError);
    expect(items).toEqual([1, 2]);
  });

  it('then/catch/finally return plain promises', async () => {
    const list = fakeList(3, 2);
    const pagePromise = createPagePromise(list.fetchPage);
    expect(pagePromise).toBeInstanceOf(PagePromise);
    const mapped = pagePromise.then((page) => page.data.length);
    expect(mapped).not.toBeInstanceOf(PagePromise);
    expect(await mapped).toBe(2);
    expect(await pagePromise.finally(() => {})).toBeInstanceOf(Page);
    expect(list.cursors).toEqual([undefined]);
  });
});
