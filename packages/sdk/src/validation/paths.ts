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

/**
 * `/attachments/1/content` → `attachments[1].content` (the form `ValidationError.field` uses);
 * undefined for the whole document (`/` or empty). A value that is not a JSON pointer is kept as is.
 */
export function jsonPointerToFieldPath(pointer: string): string | undefined {
  if (!pointer.startsWith('/')) return pointer === '' ? undefined : pointer;
  const path = pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
  const field = toFieldPath(path);
  return field === '' ? undefined : field;
}
