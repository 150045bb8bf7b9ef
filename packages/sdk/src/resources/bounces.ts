import type { Requester, RequestOptions } from '../http/types.js';
import type { Bounce, ListBouncesQuery } from '../schemas/index.js';
import { listPages, type PagePromise } from './shared.js';

/** Bounce records with their classification (`GET /v1/bounces`). */
export class BouncesResource {
  readonly #requester: Requester;

  constructor(requester: Requester) {
    this.#requester = requester;
  }

  list(query?: ListBouncesQuery, options?: RequestOptions): PagePromise<Bounce> {
    return listPages<Bounce>(this.#requester, '/bounces', query, options);
  }
}
