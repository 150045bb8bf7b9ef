import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startSpinner } from './spinner.js';

/** A terminal-like stream that records what is written to it. */
function fakeTerminal(columns: number | undefined): { stream: NodeJS.WritableStream; written: string[] } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      written.push(String(chunk));
      done();
    },
  });
  // The cursor methods of a tty.WriteStream, as escape sequences.
  Object.assign(stream, {
    isTTY: true,
    columns,
    cursorTo: (x: number) => stream.write(`\u001B[${x + 1}G`),
    moveCursor: (_dx: number, dy: number) => stream.write(dy < 0 ? `\u001B[${-dy}A` : ''),
    clearLine: () => stream.write('\u001B[0K'),
  });
  return { stream, written };
}

describe('startSpinner', () => {
  it('stays silent on a terminal that reports 0 or no columns (ora would clear lines forever)', async () => {
    for (const columns of [0, undefined]) {
      const { stream, written } = fakeTerminal(columns);
      const signal = new AbortController().signal;
      const spinner = await startSpinner({ spinnerStream: stream, env: {}, signal }, true, 'waiting');
      spinner.update('still waiting');
      spinner.succeed('done');
      spinner.stop();
      expect(written).toEqual([]);
    }
  });

  it('draws on a terminal with a width and stops when the context is aborted (Ctrl-C, SIGTERM)', async () => {
    const { stream, written } = fakeTerminal(80);
    const controller = new AbortController();
    const spinner = await startSpinner(
      { spinnerStream: stream, env: {}, signal: controller.signal },
      true,
      'waiting',
    );
    try {
      expect(written.join('')).toContain('waiting');
      expect(written.join('')).not.toContain('\u001B[?25h');
      controller.abort();
      expect(written.join('')).toContain('\u001B[?25h');
    } finally {
      spinner.stop();
    }
  });

  it('is silent once the context is already aborted', async () => {
    const { stream, written } = fakeTerminal(80);
    const controller = new AbortController();
    controller.abort();
    const spinner = await startSpinner(
      { spinnerStream: stream, env: {}, signal: controller.signal },
      true,
      'waiting',
    );
    spinner.stop();
    expect(written).toEqual([]);
  });
});
