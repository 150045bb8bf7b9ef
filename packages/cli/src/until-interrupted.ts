import { InterruptedError } from './errors.js';

/** Resolves never; rejects with `InterruptedError` (exit 130) on the first Ctrl-C (the context's signal). */
export function untilInterrupted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(new InterruptedError());
    else signal.addEventListener('abort', () => reject(new InterruptedError()), { once: true });
  });
}
