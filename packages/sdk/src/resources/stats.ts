import type { Requester, RequestOptions } from '../http/types.js';
import type { StatsQuery, StatsResponse } from '../schemas/index.js';
import { call, toQuery } from './shared.js';

/** Counts and rates as a time series or a breakdown (`GET /v1/stats`). */
export class StatsResource {
  readonly #requester: Requester;

  constructor(requester: Requester) {
    this.#requester = requester;
  }

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
