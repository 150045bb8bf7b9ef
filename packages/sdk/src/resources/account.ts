import type { Requester, RequestOptions } from '../http/types.js';
import type { Account } from '../schemas/index.js';
import { call } from './shared.js';

/** The account and key behind the client (`GET /v1/me`). */
export class AccountResource {
  readonly #requester: Requester;

  constructor(requester: Requester) {
    this.#requester = requester;
  }

  get(options?: RequestOptions): Promise<Account> {
    return call<Account>(this.#requester, { method: 'GET', path: '/me', kind: 'read', options });
  }
}
