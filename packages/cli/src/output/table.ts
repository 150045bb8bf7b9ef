const ELLIPSIS = '…';

export interface TableOptions {
  /** Terminal width the table must fit in. */
  width: number;
  /** Paints the header row (bold when colour is on). */
  header?: (text: string) => string;
}

function length(text: string): number {
  return [...text].length;
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return ELLIPSIS.slice(0, width);
  return chars.slice(0, width - 1).join('') + ELLIPSIS;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

/**
 * Columns separated by two spaces; when the natural widths overflow the terminal, the widest column
 * gives up characters first (never below 4) and its values end in an ellipsis.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions,
): string {
  const cells = rows.map((row) => row.map(oneLine));
  const widths = headers.map((h, i) => Math.max(length(h), ...cells.map((row) => length(row[i] ?? ''))));
  const gap = 2;
  const budget = Math.max(options.width, headers.length * 5) - gap * (headers.length - 1);
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > budget) {
    let widest = 0;
    for (let i = 1; i < widths.length; i++) if ((widths[i] ?? 0) > (widths[widest] ?? 0)) widest = i;
    const current = widths[widest] ?? 0;
    if (current <= 4) break;
    widths[widest] = current - 1;
    total -= 1;
  }
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => {
        const w = widths[i] ?? 0;
        const text = truncate(cell, w);
        return i === row.length - 1 ? text : text + ' '.repeat(w - length(text));
      })
      .join(' '.repeat(gap))
      .trimEnd();
  const paint = options.header ?? ((t: string) => t);
  const out = [paint(line(headers.map((h) => h.toUpperCase()))), ...cells.map(line)];
  return out.map((l) => `${l}\n`).join('');
}
