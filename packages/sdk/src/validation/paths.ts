/** `['attachments', 1, 'content']` → `attachments[1].content`, with an optional prefix (`messages[3]`). */
export function toFieldPath(path: readonly (string | number)[], prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out.length === 0 ? part : `.${part}`;
  }
  return out;
}

/** `['headers', 'X-Foo']` → `/headers/X-Foo` (RFC 6901, with `~` and `/` escaped). */
export function toJsonPointer(path: readonly (string | number)[]): string {
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
