import { MailPlatformError } from './errors.js';
import type { ApiResponse } from './http/types.js';

/** The list envelope of platform-contract §8. */
export interface ListEnvelope<T> {
  data: T[];
  hasMore: boolean;
  nextCursor?: string | null;
}

/** Fetches one page: the first when `cursor` is undefined. May return the envelope or the whole `ApiResponse`. */
export type FetchPage<T> = (cursor?: string) => Promise<ListEnvelope<T> | ApiResponse<ListEnvelope<T>>>;

function isApiResponse<T>(
  value: ListEnvelope<T> | ApiResponse<ListEnvelope<T>>,
): value is ApiResponse<ListEnvelope<T>> {
  return !Array.isArray(value.data);
}

/** One page of a cursor-paginated list. */
export class Page<T> {
  readonly data: T[];
  readonly hasMore: boolean;
  readonly nextCursor: string | null;
  readonly requestId: string | undefined;
  readonly #fetchPage: FetchPage<T>;

  constructor(result: ListEnvelope<T> | ApiResponse<ListEnvelope<T>>, fetchPage: FetchPage<T>) {
    const envelope = isApiResponse(result) ? result.data : result;
    this.data = envelope.data;
    this.hasMore = envelope.hasMore;
    this.nextCursor = envelope.nextCursor ?? null;
    this.requestId = isApiResponse(result) ? result.requestId : undefined;
    this.#fetchPage = fetchPage;
  }

  /** True when the platform reported more rows and gave a cursor for them. */
  hasNextPage(): boolean {
    return this.hasMore && this.nextCursor !== null;
  }

  async getNextPage(): Promise<Page<T>> {
    if (this.nextCursor === null || !this.hasMore) {
      throw new MailPlatformError('This is the last page: check hasNextPage() before getNextPage().', {
        code: 'no_next_page',
      });
    }
    return new Page(await this.#fetchPage(this.nextCursor), this.#fetchPage);
  }
}

/**
 * The result of every list call: `await` it for the first `Page`, or `for await` over it to get every
 * item of every page, fetched lazily one page at a time. The first page is requested at once.
 */
export class PagePromise<T> extends Promise<Page<T>> implements AsyncIterable<T> {
  // `then`/`catch`/`finally` return plain promises, not PagePromises without a fetcher.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  constructor(fetchPage: FetchPage<T>) {
    super((resolve, reject) => {
      fetchPage().then((result) => resolve(new Page(result, fetchPage)), reject);
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    let page: Page<T> = await this;
    for (;;) {
      yield* page.data;
      if (!page.hasNextPage()) return;
      page = await page.getNextPage();
    }
  }
}

export function createPagePromise<T>(fetchPage: FetchPage<T>): PagePromise<T> {
  return new PagePromise(fetchPage);
}
