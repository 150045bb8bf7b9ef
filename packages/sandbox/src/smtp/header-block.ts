import type { HeaderField } from './read-control-headers.js';

export interface SplitMessage {
  /** Raw header fields, each with its continuation lines and line ending. */
  rawFields: Buffer[];
}

/** Index just past the last header line (where the blank line starts). */
function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return crlf + 2;
  if (lf !== -1) return lf + 1;
  return raw.length;
}

/** The raw header fields of a message, folded lines kept together. */
export function splitMessage(raw: Buffer): SplitMessage {
  const end = headerEnd(raw);
  const rawFields: Buffer[] = [];
  let start = 0;
  while (start < end) {
    let lineEnd = raw.indexOf('\n', start);
    if (lineEnd === -1 || lineEnd >= end) lineEnd = end - 1;
    const isContinuation = raw[start] === 0x20 || raw[start] === 0x09;
    const line = raw.subarray(start, lineEnd + 1);
    const last = rawFields.length - 1;
    if (isContinuation && last >= 0) rawFields[last] = Buffer.concat([rawFields[last]!, line]);
    else rawFields.push(line);
    start = lineEnd + 1;
  }
  return { rawFields };
}

/** Name (case kept) and unfolded UTF-8 value of a raw header field; undefined for a line without a colon. */
export function readField(rawField: Buffer): HeaderField | undefined {
  const text = rawField.toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const name = text.slice(0, colon).trim();
  const value = text
    .slice(colon + 1)
    .replace(/\r?\n[ \t]/g, ' ')
    .trim();
  return { name, value };
}

/** The message without the header fields for which `drop(name)` is true. */
export function withoutFields(raw: Buffer, drop: (name: string) => boolean): Buffer {
  const end = headerEnd(raw);
  const { rawFields } = splitMessage(raw);
  const kept = rawFields.filter((field) => {
    const parsed = readField(field);
    return parsed === undefined || !drop(parsed.name);
  });
  return Buffer.concat([...kept, raw.subarray(end)]);
}
