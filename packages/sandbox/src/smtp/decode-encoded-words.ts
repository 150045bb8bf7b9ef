const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
const BETWEEN_WORDS = /(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g;

function decodeQ(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const hex = text.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (char === '_') {
      bytes.push(0x20);
    } else {
      bytes.push(char.charCodeAt(0) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

function decoderFor(charset: string): TextDecoder {
  // RFC 2231 allows a language suffix: =?UTF-8*da?Q?...?=
  const name = charset.split('*')[0] ?? charset;
  try {
    return new TextDecoder(name);
  } catch {
    return new TextDecoder('utf-8');
  }
}

/** Decode RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?ISO-8859-1?Q?...?=`); whitespace between two words is dropped. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(BETWEEN_WORDS, '$1')
    .replace(ENCODED_WORD, (whole, charset: string, encoding: string, text: string) => {
      const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQ(text);
      try {
        return decoderFor(charset).decode(bytes);
      } catch {
        return whole;
      }
    });
}
