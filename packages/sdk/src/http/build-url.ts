import type { ApiRequest } from './types.js';

/**
 * `apiUrl` + `path` + query string. Arrays repeat the key (`type=a&type=b`), records become
 * `metadata[key]=v`, `undefined`/`null` are left out. Brackets stay literal, as Stripe sends them.
 * `path` must already be percent-encoded per segment.
 */
export function buildUrl(apiUrl: string, path: string, query: ApiRequest['query']): string {
  if (query === undefined) return apiUrl + path;
  let search = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    const name = encodeURIComponent(key);
    if (Array.isArray(value)) {
      for (const item of value) search += `&${name}=${encodeURIComponent(String(item))}`;
    } else if (typeof value === 'object') {
      for (const sub in value) {
        const subValue = (value as Record<string, string | undefined>)[sub];
        if (subValue === undefined || subValue === null) continue;
        search += `&${name}[${encodeURIComponent(sub)}]=${encodeURIComponent(String(subValue))}`;
      }
    } else {
      search += `&${name}=${encodeURIComponent(String(value))}`;
    }
  }
  return search === '' ? apiUrl + path : `${apiUrl}${path}?${search.slice(1)}`;
}
