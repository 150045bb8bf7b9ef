import type { Address } from '../storage/json-types.js';

const EMAIL =
  /^[^\s@<>()[\]",;:\\]+@[^\s@<>()[\]",;:\\]+\.[^\s@<>()[\]",;:\\.]+$|^[^\s@<>()[\]",;:\\]+@localhost$/u;

export function isEmail(value: string): boolean {
  return value.length <= 320 && EMAIL.test(value);
}

/** Accepts `"a@b.dk"`, `"Name <a@b.dk>"` or `{ email, name }`; returns null when it is not an address. */
export function parseAddress(value: unknown): Address | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    const angle = /^(.*)<([^<>]+)>$/.exec(trimmed);
    if (angle) {
      const email = angle[2]!.trim();
      const name = angle[1]!.trim().replace(/^"(.*)"$/, '$1');
      if (!isEmail(email)) return null;
      return name ? { email, name } : { email };
    }
    return isEmail(trimmed) ? { email: trimmed } : null;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { email, name } = value as Record<string, unknown>;
    if (typeof email !== 'string' || !isEmail(email.trim())) return null;
    if (name !== undefined && name !== null && typeof name !== 'string') return null;
    return typeof name === 'string' && name.length > 0
      ? { email: email.trim(), name }
      : { email: email.trim() };
  }
  return null;
}

export function formatAddress(address: Address): string {
  return address.name ? `"${address.name.replaceAll('"', '\\"')}" <${address.email}>` : address.email;
}
