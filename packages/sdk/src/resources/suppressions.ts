import { isMailPlatformError } from '../errors.js';
import type { Requester, RequestOptions } from '../http/types.js';
import type {
  AddSuppressionsRequest,
  AddSuppressionsResponse,
  ListSuppressionsQuery,
  Suppression,
} from '../schemas/index.js';
import { call, listPages, type PagePromise, pathOf } from './shared.js';

export interface RemoveSuppressionQuery {
  stream?: string;
  /** Required to reactivate an address suppressed for a spam complaint (the platform logs it). */
  force?: boolean;
}

export interface CheckSuppressionQuery {
  stream?: string;
}

export type SuppressionCheck = { suppressed: false } | ({ suppressed: true } & Suppression);

/** The suppression list: addresses the platform will not send to. */
export class SuppressionsResource {
  readonly #requester: Requester;

  constructor(requester: Requester) {
    this.#requester = requester;
  }

  list(query?: ListSuppressionsQuery, options?: RequestOptions): PagePromise<Suppression> {
    return listPages<Suppression>(this.#requester, '/suppressions', query, options);
  }

  /** Adds up to 1,000 addresses in one request. */
  add(request: AddSuppressionsRequest, options?: RequestOptions): Promise<AddSuppressionsResponse> {
    return call<AddSuppressionsResponse>(this.#requester, {
      method: 'POST',
      path: '/suppressions',
      body: request,
      kind: 'write',
      options,
    });
  }

  /** Reactivates an address. */
  async remove(email: string, query?: RemoveSuppressionQuery, options?: RequestOptions): Promise<void> {
    await this.#requester.request({
      method: 'DELETE',
      path: pathOf`/suppressions/${email}`,
      query: { stream: query?.stream, force: query?.force },
      kind: 'write',
      responseType: 'none',
      options,
    });
  }

  /**
   * `{ suppressed: false }` when the platform answers 404, otherwise the suppression row with `suppressed: true`.
   *
   * @example
   * ```ts
   * const check = await mp.suppressions.check('kunde@example.dk');
   * if (check.suppressed) console.log(`suppressed since ${check.createdAt} (${check.reason})`);
   * ```
   */
  async check(
    email: string,
    query?: CheckSuppressionQuery,
    options?: RequestOptions,
  ): Promise<SuppressionCheck> {
    try {
      const row = await call<Suppression>(this.#requester, {
        method: 'GET',
        path: pathOf`/suppressions/${email}`,
        query: { stream: query?.stream },
        kind: 'read',
        options,
      });
      return { ...row, suppressed: true };
    } catch (error) {
      if (isMailPlatformError(error) && error.status === 404) return { suppressed: false };
      throw error;
    }
  }
}
