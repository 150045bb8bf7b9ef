import type { Requester, RequestOptions } from '../http/types.js';
import type { StatsQuery, StatsResponse } from '../schemas/index.js';
import { call, toQuery } from './shared.js';

/** Counts and rates as a time series or a breakdown (`GET /v1/stats`). */
export class StatsResource {
  readonly #requester: Requester;

  constructor(requester: Requester) {
    this.#requester = requester;
  }

  /**
   * Defaults: the last 30 days, `interval: 'day'`, time zone UTC.
   *
   * @example
   * ```ts
   * const march = await mp.stats.get({
   *   since: '2026-03-01',
   *   until: '2026-03-31',
   *   timezone: 'Europe/Copenhagen',
   *   interval: 'none',
   *   groupBy: 'tag',
   * });
   * for (const group of march.groups) console.log(group.key, group.counts.delivered, group.rates.bounceRate);
   * ```
   */
  get(query?: StatsQuery, options?: RequestOptions): Promise<StatsResponse> {
    return call<StatsResponse>(this.#requester, {
      method: 'GET',
      path: '/stats',
      query: toQuery(query),
      kind: 'read',
      options,
    });
  }
}
