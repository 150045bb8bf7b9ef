/**
 * Runs `fn` after the I/O that is already waiting: after a stalled event loop, an answer that
 * arrived before a timeout fired is read before the timeout aborts it. `setImmediate` where the
 * runtime has it (Node), else a zero-delay timer (browsers, workers, edge runtimes have no setImmediate).
 */
export function afterIo(fn: () => void): void {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (immediate) immediate(fn);
  else setTimeout(fn, 0);
}
