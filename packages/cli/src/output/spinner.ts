import type { CliContext } from '../context.js';

/** A progress indicator for a wait; silent unless stderr is a terminal. */
export interface Spinner {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  /** Clears the spinner; safe to call after `succeed`/`fail`. */
  stop(): void;
}

const silent: Spinner = {
  update: () => undefined,
  succeed: () => undefined,
  fail: () => undefined,
  stop: () => undefined,
};

/** The width of a terminal stream, or 0 when it does not report a usable one. */
function widthOf(stream: NodeJS.WritableStream): number {
  const columns = (stream as { columns?: unknown }).columns;
  return typeof columns === 'number' && Number.isFinite(columns) && columns > 0 ? columns : 0;
}

/**
 * An ora spinner on stderr when `progress` is on (not `--quiet`), stderr is a terminal
 * (`ctx.spinnerStream`) with a known width and `TERM` is not `dumb`; otherwise a silent one, and ora
 * is never loaded. The context's abort signal (Ctrl-C, SIGTERM) stops it.
 */
export async function startSpinner(
  ctx: Pick<CliContext, 'spinnerStream' | 'env' | 'signal'>,
  progress: boolean,
  text: string,
): Promise<Spinner> {
  const stream = ctx.spinnerStream;
  // ora divides by the width to count the lines to clear: a 0-column terminal (`stty cols 0`) made
  // it clear lines forever, blocking the event loop and with it every signal handler.
  if (!progress || !stream || ctx.env.TERM === 'dumb' || widthOf(stream) === 0 || ctx.signal.aborted)
    return silent;
  const { default: ora } = await import('ora');
  // discardStdin would put stdin in raw mode and take Ctrl-C away from bin.ts's SIGINT handler.
  const spinner = ora({ text, stream, isEnabled: true, discardStdin: false }).start();
  const onAbort = () => {
    if (spinner.isSpinning) spinner.stop();
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  return {
    update: (next) => {
      spinner.text = next;
    },
    succeed: (done) => {
      ctx.signal.removeEventListener('abort', onAbort);
      spinner.succeed(done);
    },
    fail: (failed) => {
      ctx.signal.removeEventListener('abort', onAbort);
      spinner.fail(failed);
    },
    stop: () => {
      ctx.signal.removeEventListener('abort', onAbort);
      onAbort();
    },
  };
}
