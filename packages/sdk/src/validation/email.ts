import { LIMITS } from './limits.js';

// RFC 5322 atext, plus every non-ASCII character except separators and controls (RFC 6531 UTF-8 local parts).
const LOCAL_ATOM = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\u0000-\u007f\u0080-\u009f\s\u2028\u2029])+$/u;
// A DNS label: letters (any script), digits and marks, hyphens inside only.
const DOMAIN_LABEL = /^(?:[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?)$/u;
// An ASCII DNS label that needs no IDNA processing: letters, digits, inner hyphens, not `xn--` (punycode is checked by the URL parser).
const ASCII_LABEL = /^(?!xn--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const ASCII = /^[\x00-\x7f]*$/;
const NUMERIC = /^[0-9]+$/;
const encoder = new TextEncoder();

/** Recent verdicts of `isValidEmail`: senders repeat the same `from` (and often `to`) on every send. */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 512;

/**
 * Converts a domain to its ASCII (punycode) form with the WHATWG URL parser, which implements UTS #46.
 * Returns `null` when the domain cannot be converted.
 */
export function toAsciiDomain(domain: string): string | null {
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

/**
 * Accepts the addresses a mail platform can deliver to: a dot-atom local part (UTF-8 allowed, as with
 * SMTPUTF8), `@`, and a domain name with at least two labels whose last label (the TLD) is not numeric.
 * IDN domains (`kunde@blåbær.dk`) and their punycode form (`kunde@xn--blbr-roah.dk`) are both valid.
 * Rejected: quoted local parts, IP literals, single-label domains (`a@localhost`), whitespace and
 * control characters, more than 254 characters, a local part over 64 UTF-8 bytes.
 */
export function isValidEmail(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.maxEmailLength) return false;
  const known = verdicts.get(value);
  if (known !== undefined) return known;
  const verdict = checkEmail(value);
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(value, verdict);
  return verdict;
}

function checkEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  const localBytes = ASCII.test(local) ? local.length : encoder.encode(local).length;
  if (localBytes > LIMITS.maxLocalPartBytes) return false;
  if (!local.split('.').every((atom) => atom.length > 0 && LOCAL_ATOM.test(atom))) return false;
  return isValidDomain(domain);
}

/** A host name that can receive mail: two or more labels, a non-numeric TLD, ≤ 253 octets in ASCII form. */
export function isValidDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1]!;
  if (tld.length < 2 || NUMERIC.test(tld)) return false;
  if (domain.length <= 253 && labels.every((label) => ASCII_LABEL.test(label))) return true;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  const ascii = toAsciiDomain(domain);
  if (ascii === null || ascii.length > 253) return false;
  return ascii.split('.').every((label) => label.length > 0 && label.length <= 63);
}
