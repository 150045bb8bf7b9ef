// The wall-clock figure of the fault-injection suite that the CI test cannot hold precisely on a loaded
// machine: reliability.md S3, "no call exceeds deadline + 100 ms" (5% of answers stored, then held
// 2 s, against a 300 ms attempt timeout and an 800 ms deadline). The test keeps deadline + 1 s; this
// script reports how far past the deadline calls really end. Run it on a quiet machine:
//   node bench/reliability-timing.mjs [--runs=3] [--sends=1000] [--concurrency=50] [--seed=1]
// Exits 1 when a run breaks the 100 ms criterion.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { numberOption, parseArgs } from './lib/args.mjs';
import { ROOT, SDK_NODE_ENTRY, sdkBuilt } from './lib/paths.mjs';
import { fixed, max, median, table } from './lib/stats.mjs';

const TIMEOUT_MS = 300;
const DEADLINE_MS = 800;
const HANG_MS = 2_000;
const HANG_SHARE = 0.05;
const CRITERION_MS = 100;
const API_KEY = 'mp_test_R3l1abilityKeyQ7wX9zP2vN4mK8s';

const options = parseArgs(process.argv.slice(2), { runs: '3', sends: '1000', concurrency: '50', seed: '1' });
const runs = numberOption(options, 'runs');
const sends = numberOption(options, 'sends');
const concurrency = numberOption(options, 'concurrency');
const seed = numberOption(options, 'seed');

register();
const fromReliability = (file) => import(pathToFileURL(join(ROOT, 'packages/reliability/src', file)).href);
const { createFaultApiServer, randomFaults } = await fromReliability('fault-api-server.ts');
const { createPrng } = await fromReliability('prng.ts');
const { runPool } = await fromReliability('run-pool.ts');
const sdkEntry = sdkBuilt() ? SDK_NODE_ENTRY : join(ROOT, 'packages/sdk/src/index.node.ts');
const { MailPlatform, TimeoutError } = await import(pathToFileURL(sdkEntry).href);
console.error(`SDK from ${sdkBuilt() ? 'its build' : 'source (no build found)'}`);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(index) {
  const prng = createPrng(seed + index);
  const server = await createFaultApiServer({
    apiKey: API_KEY,
    faults: randomFaults(
      (ref, attempt) => prng.at('s3', ref, attempt),
      [[HANG_SHARE, { kind: 'commit-then-hang', ms: HANG_MS }]],
    ),
  });
  const mp = new MailPlatform({
    apiKey: API_KEY,
    baseUrl: server.url,
    timeout: TIMEOUT_MS,
    deadline: DEADLINE_MS,
    backoff: { initialDelayMs: 5, maxDelayMs: 50 },
    random: createPrng(7).next,
  });
  const durations = [];
  let timedOut = 0;
  const refs = Array.from({ length: sends }, (_, i) => `bench-s3-${index}-${i}`);
  await runPool(refs, concurrency, async (ref) => {
    const started = performance.now();
    try {
      await mp.messages.send({
        from: 'Shop <ordre@shop.example>',
        to: `${ref}@kunde.example`,
        subject: `Ordrebekræftelse ${ref}`,
        text: `Tak for din ordre ${ref}.`,
        clientReference: ref,
      });
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      timedOut++;
    } finally {
      durations.push(performance.now() - started);
    }
  });
  await mp.close();
  await server.close();
  const sorted = durations.sort((a, b) => a - b);
  return {
    timedOut,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    overDeadline: Math.max(0, (sorted.at(-1) ?? 0) - DEADLINE_MS),
    late: sorted.filter((ms) => ms > DEADLINE_MS + CRITERION_MS).length,
  };
}

const results = [];
for (let i = 0; i < runs; i++) {
  results.push(await run(i));
  console.error(`run ${i + 1}/${runs} done`);
}
console.log(
  table(
    [
      'run',
      'sends',
      'TimeoutErrors',
      'p50 ms',
      'p99 ms',
      'worst call past the deadline, ms',
      `calls > +${CRITERION_MS} ms`,
    ],
    results.map((r, i) => [
      String(i + 1),
      String(sends),
      String(r.timedOut),
      fixed(r.p50, 1),
      fixed(r.p99, 1),
      fixed(r.overDeadline, 1),
      String(r.late),
    ]),
  ),
);
const worst = max(results.map((r) => r.overDeadline));
console.log(
  `S3 deadline ${DEADLINE_MS} ms: worst call ${fixed(worst, 1)} ms past it (median of runs ${fixed(median(results.map((r) => r.overDeadline)), 1)} ms); criterion + ${CRITERION_MS} ms ${worst <= CRITERION_MS ? 'met' : 'NOT met'}`,
);
if (worst > CRITERION_MS) process.exitCode = 1;
