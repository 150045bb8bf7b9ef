import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../test/modes.js';
import { UsageError } from '../errors.js';
import { toCsv } from './csv.js';
import { resolveColor, resolveOutput } from './mode.js';
import { Printer } from './printer.js';
import { renderTable } from './table.js';

describe('csv', () => {
  it('quotes commas, quotes and newlines, writes null as empty and nested values as JSON', () => {
    const text = toCsv(
      ['a', 'b', 'c', 'd'],
      [
        ['x,y', 'say "hi"', null, { k: [1] }],
        ['line\nbreak', 1, true, undefined],
      ],
    );
    expect(text).toBe('a,b,c,d\r\n"x,y","say ""hi""",,"{""k"":[1]}"\r\n"line\nbreak",1,true,\r\n');
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c', 'd'],
      ['x,y', 'say "hi"', '', '{"k":[1]}'],
      ['line\nbreak', '1', 'true', ''],
    ]);
  });
});

describe('table', () => {
  it('fits the width by shortening the widest column with an ellipsis', () => {
    const text = renderTable(['id', 'subject'], [['msg_1', 'a'.repeat(50)]], { width: 30 });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('ID     SUBJECT');
    expect(lines[1]).toBe(`msg_1  ${'a'.repeat(22)}…`);
    expect(lines.every((l) => [...l].length <= 30)).toBe(true);
  });
});

describe('output mode and colour', () => {
  const base = { env: {}, isTTY: false, stderrIsTTY: false, columns: 80 };
  it('defaults to table on a TTY and plain when piped', () => {
    expect(resolveOutput({ ...base, globals: {}, isTTY: true }).mode).toBe('table');
    expect(resolveOutput({ ...base, globals: {} }).mode).toBe('plain');
  });
  it('orders --json > -o > --quiet > MAILPLATFORM_OUTPUT > profile', () => {
    expect(resolveOutput({ ...base, globals: { json: 'id,to', output: 'csv' } })).toMatchObject({
      mode: 'json',
      fields: ['id', 'to'],
    });
    expect(resolveOutput({ ...base, globals: { output: 'csv', quiet: true } }).mode).toBe('csv');
    expect(
      resolveOutput({ ...base, globals: { quiet: true }, env: { MAILPLATFORM_OUTPUT: 'csv' } }).mode,
    ).toBe('json');
    expect(
      resolveOutput({ ...base, globals: {}, env: { MAILPLATFORM_OUTPUT: 'jsonl' }, profileOutput: 'csv' })
        .mode,
    ).toBe('jsonl');
    expect(resolveOutput({ ...base, globals: {}, profileOutput: 'csv' }).mode).toBe('csv');
  });
  it('rejects --csv with --json and an unknown mode', () => {
    expect(() => resolveOutput({ ...base, globals: { json: true, csv: true } })).toThrow(
      new UsageError('--csv cannot be combined with --json'),
    );
    expect(() => resolveOutput({ ...base, globals: {}, env: { MAILPLATFORM_OUTPUT: 'yaml' } })).toThrow(
      'unknown output mode "yaml"',
    );
  });
  it('colour: flag, NO_COLOR, FORCE_COLOR, TERM=dumb, TTY', () => {
    expect(resolveColor(undefined, {}, true)).toBe(true);
    expect(resolveColor(undefined, {}, false)).toBe(false);
    expect(resolveColor(undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(resolveColor(undefined, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(resolveColor(undefined, { CLICOLOR_FORCE: '1' }, false)).toBe(true);
    expect(resolveColor(undefined, { TERM: 'dumb' }, true)).toBe(false);
    expect(resolveColor(false, { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(resolveColor('always', { NO_COLOR: '1' }, false)).toBe(true);
  });
});

describe('printer', () => {
  const rows = [
    { id: 'msg_1', to: 'a@b.dk', status: 'delivered', recipients: [{ email: 'a@b.dk' }] },
    { id: 'msg_2', to: 'c@d.dk', status: 'bounced', recipients: [] },
  ];
  const columns = [{ key: 'id' }, { key: 'to' }, { key: 'status' }];
  const paint = {
    bold: (t: string) => `*${t}*`,
    dim: (t: string) => t,
    red: (t: string) => t,
    green: (t: string) => t,
    yellow: (t: string) => t,
  };
  function print(mode: 'table' | 'plain' | 'json' | 'jsonl' | 'csv', fields?: string[]) {
    const out: string[] = [];
    const printer = new Printer(
      { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => undefined } },
      { mode, fields, color: false, progress: false, columns: 80 },
      paint,
    );
    printer.list(rows, columns);
    return out.join('');
  }
  it('prints every mode so that it parses back', () => {
    expect(JSON.parse(print('json'))).toEqual(rows);
    expect(
      print('jsonl')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(rows);
    expect(parseCsv(print('csv'))).toEqual([
      ['id', 'to', 'status', 'recipients'],
      ['msg_1', 'a@b.dk', 'delivered', '[{"email":"a@b.dk"}]'],
      ['msg_2', 'c@d.dk', 'bounced', '[]'],
    ]);
    expect(
      print('plain')
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t')),
    ).toEqual([
      ['msg_1', 'a@b.dk', 'delivered'],
      ['msg_2', 'c@d.dk', 'bounced'],
    ]);
    expect(print('table')).toBe(
      '*ID     TO      STATUS*\nmsg_1  a@b.dk  delivered\nmsg_2  c@d.dk  bounced\n',
    );
  });
  it('selects fields and rejects unknown ones', () => {
    expect(JSON.parse(print('json', ['id', 'status']))).toEqual([
      { id: 'msg_1', status: 'delivered' },
      { id: 'msg_2', status: 'bounced' },
    ]);
    expect(() => print('json', ['idd'])).toThrow(
      new UsageError('unknown field "idd" for --json', 'available fields: id, to, status, recipients'),
    );
  });
});
