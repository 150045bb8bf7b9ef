const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /[\t\n\r ]/g;

/** Standard base64 (RFC 4648 §4), padded or not; line breaks and spaces are ignored as MIME does. */
export function isBase64(value: string): boolean {
  const compact = value.replace(WHITESPACE, '');
  if (!BASE64.test(compact)) return false;
  const unpadded = compact.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return false;
  return compact.length === unpadded.length || compact.length % 4 === 0;
}

/** Number of bytes `value` decodes to, computed from its length without decoding. */
export function base64DecodedLength(value: string): number {
  const compact = value.replace(WHITESPACE, '').replace(/=+$/, '');
  return Math.floor((compact.length * 3) / 4);
}
