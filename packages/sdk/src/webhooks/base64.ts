/** Base64 without `Buffer`, so the same code runs on Node, edge runtimes and workers. */

const CHUNK = 0x8000;
const NON_ALPHABET = /[^A-Za-z0-9+/]/;

export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    parts.push(String.fromCharCode(...bytes.subarray(offset, offset + CHUNK)));
  }
  return btoa(parts.join(''));
}

/**
 * Canonical padded base64 of `text` (ASCII whitespace removed, missing padding added), or `undefined`
 * when it is not base64 (base64url characters included).
 */
export function canonicalBase64(text: string): string | undefined {
  const compact = text.replace(/[\t\n\f\r ]+/g, '');
  if (compact.length % 4 === 1) return undefined;
  const padded = compact.length % 4 === 0 ? compact : compact + '='.repeat(4 - (compact.length % 4));
  // A search for one bad character instead of a whole-string pattern: no backtracking on 10 MB inputs.
  const padding = padded.endsWith('==') ? 2 : padded.endsWith('=') ? 1 : 0;
  return NON_ALPHABET.test(padded.slice(0, padded.length - padding)) ? undefined : padded;
}

/** Number of bytes a canonical (padded) base64 string decodes to. */
export function decodedLength(canonical: string): number {
  const padding = canonical.endsWith('==') ? 2 : canonical.endsWith('=') ? 1 : 0;
  return (canonical.length / 4) * 3 - padding;
}

/** Decodes base64 (whitespace and missing padding tolerated); `undefined` when it is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const canonical = canonicalBase64(text);
  if (canonical === undefined) return undefined;
  const binary = atob(canonical);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
