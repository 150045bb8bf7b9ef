const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `factories[client]()` (which returns `send()` and `close()`) and runs `concurrency` lanes calling
 * `send()` back to back: a warm-up of `warmupMs` and at least `warmupSends` sends (so the JIT has settled
 * even when other work starves this process), then a timed window of `durationMs`. Lanes stop early after
 * more than `maxErrors` failures. Calls `close()` at the end and returns the sends completed in the
 * window, its wall time and this process's CPU time.
 */
export async function measureThroughput({
  factories,
  client,
  concurrency,
  warmupMs,
  warmupSends,
  durationMs,
  maxErrors = Number.POSITIVE_INFINITY,
}) {
  const factory = factories[client];
  if (factory === undefined) throw new Error(`unknown client ${client}`);
  const { send, close } = await factory();
  let stopped = false;
  let counting = false;
  let count = 0;
  let completed = 0;
  let errors = 0;
  let firstError;

  async function lane() {
    while (!stopped) {
      try {
        await send();
        completed++;
        if (counting) count++;
      } catch (error) {
        errors++;
        firstError ??= error;
        if (errors > maxErrors) stopped = true;
      }
    }
  }

  const lanes = Array.from({ length: concurrency }, lane);
  await sleep(warmupMs);
  while (completed < warmupSends && errors === 0) await sleep(50);
  count = 0;
  counting = true;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await sleep(durationMs);
  counting = false;
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  const sends = count;
  stopped = true;
  await Promise.all(lanes);
  await close();
  return {
    sends,
    wallMs,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    errors,
    firstError: firstError === undefined ? undefined : String(firstError?.stack ?? firstError),
  };
}
