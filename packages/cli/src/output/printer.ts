import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { cellText, pick } from './cell.js';
import { toCsv } from './csv.js';
import type { OutputSettings } from './mode.js';
import { renderTable } from './table.js';

export interface Column {
  /** Dotted path into the record. */
  key: string;
  header?: string;
}

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const plainPaint: Paint = { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t, yellow: (t) => t };

export async function loadPaint(color: boolean): Promise<Paint> {
  if (!color) return plainPaint;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return { bold: chalk.bold, dim: chalk.dim, red: chalk.red, green: chalk.green, yellow: chalk.yellow };
}

type Row = Readonly<Record<string, unknown>>;

function asRow(value: object): Row {
  return value as Row;
}

function unionKeys(rows: readonly Row[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) keys.add(key);
  return [...keys];
}

/** Writes command results to stdout in the selected output mode. */
export class Printer {
  constructor(
    private readonly ctx: Pick<CliContext, 'stdout' | 'stderr'>,
    readonly settings: OutputSettings,
    readonly paint: Paint,
  ) {}

  get machine(): boolean {
    return this.settings.mode === 'json' || this.settings.mode === 'jsonl' || this.settings.mode === 'csv';
  }

  private checkFields(rows: readonly Row[]): string[] | undefined {
    const fields = this.settings.fields;
    if (!fields || rows.length === 0) return fields;
    const unknown = fields.filter((f) => rows.every((row) => pick(row, f) === undefined));
    const available = unionKeys(rows);
    // A field that is absent from every row but also unknown as a key is a typo, not a null.
    const typos = unknown.filter((f) => !available.includes(f.split('.')[0] ?? f));
    if (typos.length > 0) {
      throw new UsageError(
        `unknown field "${typos[0]}" for --${this.settings.mode}`,
        `available fields: ${available.join(', ')}`,
      );
    }
    return fields;
  }

  private select(row: Row, fields: readonly string[] | undefined): Row {
    if (!fields) return row;
    return Object.fromEntries(fields.map((f) => [f, pick(row, f) ?? null]));
  }

  /** A list: an array in json, lines in jsonl, rows elsewhere. */
  list(items: readonly object[], columns: readonly Column[]): void {
    const rows = items.map(asRow);
    const fields = this.checkFields(rows);
    const { mode } = this.settings;
    const out = this.ctx.stdout;
    if (mode === 'json') {
      out.write(
        `${JSON.stringify(
          rows.map((r) => this.select(r, fields)),
          null,
          2,
        )}\n`,
      );
    } else if (mode === 'jsonl') {
      for (const row of rows) out.write(`${JSON.stringify(this.select(row, fields))}\n`);
    } else if (mode === 'csv') {
      const keys = fields ?? unionKeys(rows);
      out.write(
        toCsv(
          keys,
          rows.map((row) => keys.map((k) => pick(row, k))),
        ),
      );
    } else if (mode === 'plain') {
      for (const row of rows) {
        out.write(`${columns.map((c) => cellText(pick(row, c.key)).replace(/[\t\r\n]/g, ' ')).join('\t')}\n`);
      }
    } else if (rows.length > 0) {
      out.write(
        renderTable(
          columns.map((c) => c.header ?? c.key),
          rows.map((row) => columns.map((c) => cellText(pick(row, c.key)))),
          { width: this.settings.columns, header: this.paint.bold },
        ),
      );
    }
  }

  /** One record: the document in json/jsonl, one CSV row, `key value` lines elsewhere. */
  object(item: object, columns?: readonly Column[]): void {
    const row = asRow(item);
    const fields = this.checkFields([row]);
    const { mode } = this.settings;
    const out = this.ctx.stdout;
    if (mode === 'json') out.write(`${JSON.stringify(this.select(row, fields), null, 2)}\n`);
    else if (mode === 'jsonl') out.write(`${JSON.stringify(this.select(row, fields))}\n`);
    else if (mode === 'csv') {
      const keys = fields ?? Object.keys(row);
      out.write(toCsv(keys, [keys.map((k) => pick(row, k))]));
    } else {
      const cols: readonly Column[] = columns ?? Object.keys(row).map((key) => ({ key }));
      const width = Math.max(...cols.map((c) => (c.header ?? c.key).length));
      for (const c of cols) {
        const label = c.header ?? c.key;
        const value = cellText(pick(row, c.key));
        out.write(
          mode === 'plain'
            ? `${label}\t${value.replace(/[\t\r\n]/g, ' ')}\n`
            : `${this.paint.bold(label.padEnd(width))}  ${value}\n`,
        );
      }
    }
  }

  /** A command whose result is a short sentence for people and a record for machines. */
  result(item: object, message: string): void {
    if (this.machine) this.object(item);
    else this.ctx.stdout.write(`${message}\n`);
  }

  /** Informational text for people, on stderr, never in machine modes' stdout. */
  note(message: string): void {
    this.ctx.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    this.ctx.stderr.write(`${this.paint.yellow('warning:')} ${message}\n`);
  }
}
