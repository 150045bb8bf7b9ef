import { cellText } from './cell.js';

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180: a header row, CRLF line ends, quoted fields where needed, null as an empty cell. */
export function toCsv(fields: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [fields.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map((value) => csvField(cellText(value))).join(','));
  return lines.map((line) => `${line}\r\n`).join('');
}
