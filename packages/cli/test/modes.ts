import { expect } from 'vitest';
import { expectNoLeak, type TestCli } from './helpers.js';

/** RFC 4180 rows: quoted fields, doubled quotes, CRLF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error(`CSV does not end in CRLF: ${JSON.stringify(text)}`);
  return rows;
}

export interface ParsedModes {
  json: unknown;
  jsonl: unknown[];
  csv: Record<string, string>[];
  plain: string[][];
  table: string[];
}

/**
 * Runs one list command in every output mode, parses each output back, and checks that the modes agree
 * on the ids, that all exit 0 with an empty stderr, and that the key appears nowhere.
 */
export async function runInEveryMode(
  cli: TestCli,
  argv: string[],
  key: string,
  idField = 'id',
): Promise<ParsedModes> {
  const runs = await Promise.all(
    ['json', 'jsonl', 'csv', 'plain', 'table'].map((mode) => cli.run([...argv, '-o', mode])),
  );
  for (const run of runs) {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectNoLeak(run.stdout, key);
  }
  const [json, jsonl, csv, plain, table] = runs.map((r) => r.stdout) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const parsedJson = JSON.parse(json) as Record<string, unknown>[];
  const parsedJsonl = jsonl
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const [header = [], ...rows] = parseCsv(csv);
  const csvRows = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
  const plainRows = plain
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
  const ids = parsedJson.map((r) => String(r[idField]));
  expect(parsedJsonl.map((r) => String(r[idField]))).toEqual(ids);
  expect(csvRows.map((r) => r[idField])).toEqual(ids);
  expect(plainRows.length).toBe(ids.length);
  const tableLines = table.split('\n').filter(Boolean);
  if (ids.length > 0) expect(tableLines.length).toBe(ids.length + 1);
  return { json: parsedJson, jsonl: parsedJsonl, csv: csvRows, plain: plainRows, table: tableLines };
}
