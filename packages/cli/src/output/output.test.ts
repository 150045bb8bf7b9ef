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

describe('table fitting at 80 columns', () => {
  const id = 'msg_01M8ZQ4K7T9XW2B3C5D6E7F8G9';
  const email = 'kunde.nielsen@butik.dk';
  const diagnostic = '550 5.1.1 The email account that you tried to reach does not exist';
  const items = [
    { id, to: email, error: null, diagnostic },
    { id: 'msg_01M8ZQ4K7T9XW2B3C5D6E7F8H0', to: 'ops@shop.dk', error: null, diagnostic: 'ok' },
  ];
  const columns = [{ key: 'id' }, { key: 'to' }, { key: 'error' }, { key: 'diagnostic' }];

  function printTable(width: number): string[] {
    const out: string[] = [];
    const printer = new Printer(
      { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => undefined } },
      { mode: 'table', fields: undefined, color: false, progress: false, columns: width },
      { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t, yellow: (t) => t },
    );
    printer.list(items, columns);
    return out.join('').trimEnd().split('\n');
  }

  it('keeps ids and addresses whole and shortens the free-text column', () => {
    const lines = printTable(80);
    expect(lines).toEqual([
      'ID                              TO                      ERROR  DIAGNOSTIC',
      `${id}  ${email}         550 5.1.1 The em…`,
      'msg_01M8ZQ4K7T9XW2B3C5D6E7F8H0  ops@shop.dk                    ok',
    ]);
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
  });

  it('shows the whole table when it fits', () => {
    expect(printTable(200)[1]).toBe(`${id}  ${email}         ${diagnostic}`);
  });

  it('shortens identifiers only once free text is down to its floor, widest first', () => {
    const lines = printTable(60);
    expect(lines[0]).toBe('ID                   TO                    ERROR  DIAGNOSTIC');
    expect(lines[1]).toBe('msg_01M8ZQ4K7T9XW2…  kunde.nielsen@butik…         550 5.1.1…');
    expect(lines.every((l) => [...l].length <= 60)).toBe(true);
  });

  it('shrinks the widest free-text column first', () => {
    const text = renderTable(
      ['id', 'subject', 'diagnostic'],
      [['msg_1', 'Din ordre er afsendt', 'a b'.repeat(20)]],
      { width: 50 },
    );
    expect(text.trimEnd().split('\n')[1]).toBe(`msg_1  Din ordre er afsendt  ${'a b'.repeat(6)}a …`);
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
