import type { Requester, RequestOptions } from '../http/types.js';
import type { ListEventsQuery, MailEvent } from '../schemas/index.js';
import { listPages, type PagePromise } from './shared.js';

/** The append-only event log (`GET /v1/events`). */
export class EventsResource {
  readonly #requester: Requester;

  constructor(requester: Requester) {
    this.#requester = requester;
  }

  /** Filter by `type` (one or many), `recipient`, `messageId`, `stream`, `tag`, `since`, `until`. */
  list(query?: ListEventsQuery, options?: RequestOptions): PagePromise<MailEvent> {
    return listPages<MailEvent>(this.#requester, '/events', query, options);
  }
}
