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

const MIN_WIDTH = 4;
/** Free text is shortened to this (or its header) before any identifier-like column gives up a character. */
const MIN_TEXT_WIDTH = 10;

/** Takes one character from the widest column that is above its floor; false when none is. */
function shrinkWidest(widths: number[], floors: readonly number[], eligible: readonly boolean[]): boolean {
  let widest = -1;
  for (let i = 0; i < widths.length; i++) {
    if (!eligible[i] || (widths[i] ?? 0) <= (floors[i] ?? 0)) continue;
    if (widest === -1 || (widths[i] ?? 0) > (widths[widest] ?? 0)) widest = i;
  }
  if (widest === -1) return false;
  widths[widest] = (widths[widest] ?? 0) - 1;
  return true;
}

/**
 * Columns separated by two spaces. When the natural widths overflow the terminal, free-text columns
 * (a value with a space: diagnostics, errors, subjects) shrink first, widest first, down to their
 * header or 10 characters; only then does the widest column of any kind give up characters (never
 * below 4), so ids, addresses, domains and timestamps stay whole as long as possible. A shortened
 * value ends in an ellipsis; an empty column is as wide as its header.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions,
): string {
  const cells = rows.map((row) => row.map(oneLine));
  const widths = headers.map((h, i) => Math.max(length(h), ...cells.map((row) => length(row[i] ?? ''))));
  const freeText = headers.map((_, i) => cells.some((row) => /\s/.test((row[i] ?? '').trim())));
  const gap = 2;
  const budget = Math.max(options.width, headers.length * 5) - gap * (headers.length - 1);
  const textFloors = headers.map((h) => Math.max(length(h), MIN_TEXT_WIDTH));
  const anyFloors = headers.map(() => MIN_WIDTH);
  const all = headers.map(() => true);
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > budget && shrinkWidest(widths, textFloors, freeText)) total -= 1;
  while (total > budget && shrinkWidest(widths, anyFloors, all)) total -= 1;
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
