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

/**
 * An ora spinner on stderr when `progress` is on (not `--quiet`), stderr is a terminal
 * (`ctx.spinnerStream`) and `TERM` is not `dumb`; otherwise a silent one, and ora is never loaded.
 */
export async function startSpinner(
  ctx: Pick<CliContext, 'spinnerStream' | 'env'>,
  progress: boolean,
  text: string,
): Promise<Spinner> {
  const stream = ctx.spinnerStream;
  if (!progress || !stream || ctx.env.TERM === 'dumb') return silent;
  const { default: ora } = await import('ora');
  // discardStdin would put stdin in raw mode and take Ctrl-C away from bin.ts's SIGINT handler.
  const spinner = ora({ text, stream, isEnabled: true, discardStdin: false }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    succeed: (done) => {
      spinner.succeed(done);
    },
    fail: (failed) => {
      spinner.fail(failed);
    },
    stop: () => {
      if (spinner.isSpinning) spinner.stop();
    },
  };
}
