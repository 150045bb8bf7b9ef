export interface ParsedAddress {
  email: string;
  name?: string;
}

const ANGLE_FORM = /^([^<>]*)<([^<>]*)>$/;

/**
 * Splits `"Name <a@b>"`, `Name <a@b>` or `a@b` into `{ email, name }`. Surrounding quotes of the name
 * are removed and `\"`/`\\` unescaped. Returns `null` when the string has stray angle brackets or no
 * address; the address itself is not validated here (use `isValidEmail`).
 */
export function parseAddress(input: string): ParsedAddress | null {
  const value = input.trim();
  if (value.length === 0) return null;
  const match = ANGLE_FORM.exec(value);
  if (match === null) {
    if (value.includes('<') || value.includes('>')) return null;
    return { email: value };
  }
  const email = match[2]!.trim();
  if (email.length === 0) return null;
  let name = match[1]!.trim();
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    name = name.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  return name.length === 0 ? { email } : { email, name };
}

/** Formats `{ email, name }` as `"Name" <email>` (quoted when the name needs it) or the bare address. */
export function formatAddress(address: ParsedAddress): string {
  if (address.name === undefined || address.name.length === 0) return address.email;
  const name = /^[\p{L}\p{N} !#$%&'*+/=?^_`{|}~-]+$/u.test(address.name)
    ? address.name
    : `"${address.name.replace(/(["\\])/g, '\\$1')}"`;
  return `${name} <${address.email}>`;
}
