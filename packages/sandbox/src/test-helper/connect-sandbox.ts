import { setTimeout as sleep } from 'node:timers/promises';
import { controlError } from './control-error.js';
import { InboxTimeoutError } from './inbox-timeout-error.js';
import type {
  InboxFilter,
  InboxMessage,
  InboxMessageSummary,
  SandboxClockState,
  SandboxHelper,
  SimulateResponse,
} from './types.js';

export interface ConnectSandboxOptions {
  /** The sandbox origin, `http://127.0.0.1:4400`. */
  url: string;
  /** A test key (`mp_test_...`): the helper sees and clears only this key's namespace. */
  apiKey: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 100;

function inboxQuery(filter: InboxFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.to !== undefined) query.set('recipient', filter.to);
  if (filter.subject !== undefined) query.set('subject', filter.subject);
  if (filter.tag !== undefined) query.set('tag', filter.tag);
  return query;
}

/**
 * A typed client of the sandbox's control API (`/sandbox/v1`) for tests: wait for mail, move the virtual
 * clock, simulate events, reset. Non-2xx answers throw the SDK's typed errors (`NotFoundError`, ...).
 */
export function connectSandbox(options: ConnectSandboxOptions): SandboxHelper {
  const base = `${options.url.replace(/\/+$/, '')}/sandbox/v1`;
  const fetcher = options.fetch ?? fetch;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    const response = await fetcher(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await controlError(response);
    return response;
  }
  const callJson = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> =>
    (await (await call(method, path, body)).json()) as T;

  const get = (messageId: string, recipient?: string): Promise<InboxMessage> => {
    const query = recipient === undefined ? '' : `?${new URLSearchParams({ recipient })}`;
    return callJson<InboxMessage>('GET', `/inbox/${encodeURIComponent(messageId)}${query}`);
  };
  const clock = (body: Record<string, unknown>) => callJson<SandboxClockState>('POST', '/clock', body);

  return {
    inbox: {
      async waitFor(waitOptions = {}) {
        const { timeout = DEFAULT_TIMEOUT_MS, ...filter } = waitOptions;
        const deadline = Date.now() + timeout;
        const query = inboxQuery(filter);
        for (;;) {
          const remaining = deadline - Date.now();
          query.set('wait', `${Math.max(Math.ceil(remaining), 0)}ms`);
          const { data } = await callJson<{ data: InboxMessageSummary[] }>('GET', `/inbox?${query}`);
          const found = data[0];
          if (found) return get(found.id, filter.to);
          const left = deadline - Date.now();
          if (left <= 0) throw new InboxTimeoutError(filter, timeout);
          // The server answered before the wait ran out (another message woke it): ask again, paced.
          await sleep(Math.min(POLL_INTERVAL_MS, left));
        }
      },
      async list(filter = {}) {
        const query = inboxQuery(filter).toString();
        return (await callJson<{ data: InboxMessageSummary[] }>('GET', `/inbox${query ? `?${query}` : ''}`))
          .data;
      },
      get: (messageId, getOptions = {}) => get(messageId, getOptions.recipient),
      async raw(messageId) {
        return (await call('GET', `/inbox/${encodeURIComponent(messageId)}/raw`)).text();
      },
    },
    clock: {
      advance: (by) => clock({ advance: by }),
      freeze: (frozen = true) => clock({ freeze: frozen }),
      set: (at) => clock({ set: typeof at === 'string' ? at : at.toISOString() }),
      async now() {
        return new Date((await callJson<SandboxClockState>('GET', '/clock')).now);
      },
    },
    simulate: (messageId, event) =>
      callJson<SimulateResponse>('POST', `/messages/${encodeURIComponent(messageId)}/simulate`, event),
    async reset(resetOptions = {}) {
      await call('POST', `/reset${resetOptions.all ? '?all=true' : ''}`);
    },
  };
}
