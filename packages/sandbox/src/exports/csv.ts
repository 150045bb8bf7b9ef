export type CellValue = string | number | boolean | null | undefined | Record<string, unknown> | unknown[];

/** The byte-order mark that tells Excel the file is UTF-8. */
export const BOM = '\uFEFF';

/** One RFC 4180 field: quoted when it holds a quote, comma, CR or LF; objects as JSON; null as empty. */
export function csvField(value: CellValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with its CRLF terminator. */
export function csvRecord(values: readonly CellValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
