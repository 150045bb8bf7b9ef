/** The shape of the SDK's internal `clock` option (not exported by the SDK). */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface ScaledClock extends Clock {
  readonly factor: number;
  /** Every sleep the client asked for, in virtual ms. */
  readonly sleeps: number[];
}

/**
 * A clock whose time runs `factor` times faster than real time: `sleep(1000)` with factor 10 takes
 * 100 ms. A sleep resolves only once the virtual time has really advanced by the amount asked, so a
 * server stamping with the same clock sees every wait in full.
 */
export function createScaledClock(factor: number): ScaledClock {
  const origin = Date.now();
  const startPerf = performance.now();
  const now = (): number => origin + (performance.now() - startPerf) * factor;
  const sleeps: number[] = [];
  return {
    factor,
    sleeps,
    now,
    sleep(ms, signal) {
      sleeps.push(ms);
      const target = now() + ms;
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        let timer: NodeJS.Timeout;
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const wait = (): void => {
          const left = target - now();
          if (left <= 0) {
            signal?.removeEventListener('abort', onAbort);
            resolve();
            return;
          }
          timer = setTimeout(wait, Math.max(1, Math.ceil(left / factor)));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        wait();
      });
    },
  };
}
