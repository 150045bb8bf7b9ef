export interface HeaderInjection {
  /** UTF-16 index of the first offending character. */
  index: number;
  /** Code point of the offending character, for messages such as `U+000A`. */
  codePoint: number;
}

/**
 * Finds the first character that could end a header line or smuggle one in: NUL and the other C0
 * controls except TAB (so CR and LF), DEL, NEL (U+0085), and the Unicode line and paragraph separators
 * U+2028/U+2029. Returns `null` when the value is safe to put in a header.
 */
export function findHeaderInjection(value: string): HeaderInjection | null {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (
      (code < 0x20 && code !== 0x09) ||
      code === 0x7f ||
      code === 0x85 ||
      code === 0x2028 ||
      code === 0x2029
    ) {
      return { index, codePoint: code };
    }
  }
  return null;
}

export function hasHeaderInjection(value: string): boolean {
  return findHeaderInjection(value) !== null;
}

/** `U+000A` style name of a code point, for error messages. */
export function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
