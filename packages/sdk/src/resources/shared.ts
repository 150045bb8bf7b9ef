import type { ApiRequest, Requester } from '../http/types.js';
import { createPagePromise, type ListEnvelope, type PagePromise } from '../pagination.js';

export type { PagePromise };

type Query = NonNullable<ApiRequest['query']>;

/** Builds a path below `/v1` with every interpolated id percent-encoded (`pathOf\`/messages/${id}\``). */
export function pathOf(strings: TemplateStringsArray, ...segments: string[]): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < segments.length ? encodeURIComponent(segments[i]!) : ''),
    '',
  );
}

/** Copies a typed query object into the HTTP layer's query shape (`Date` → RFC 3339). */
export function toQuery(query: object | undefined): Query {
  const out: Query = {};
  if (query === undefined) return out;
  for (const [key, value] of Object.entries(query)) {
    out[key] = value instanceof Date ? value.toISOString() : (value as Query[string]);
  }
  return out;
}

export async function call<T>(requester: Requester, request: ApiRequest): Promise<T> {
  return (await requester.request<T>(request)).data;
}

/** A cursor-paginated `GET`: awaitable as the first page, `for await` iterates every item of every page. */
export function listPages<T>(
  requester: Requester,
  path: string,
  query: object | undefined,
  options: ApiRequest['options'],
): PagePromise<T> {
  const base = toQuery(query);
  return createPagePromise<T>((cursor) =>
    requester.request<ListEnvelope<T>>({
      method: 'GET',
      path,
      query: cursor === undefined ? base : { ...base, cursor },
      kind: 'read',
      options,
    }),
  );
}
