// What the SDK itself costs per send, without any network: `mp.messages.send()` over an in-memory
// transport, beside the protocol minimum (key + stringify + parse). Median of --rounds fresh processes.
//   node bench/sdk-overhead.mjs [--rounds=5] [--iterations=200000]
import { fileURLToPath, pathToFileURL } from 'node:url';
import { numberOption, parseArgs } from './lib/args.mjs';
import { lastJsonLine, raisePriority, runNode } from './lib/child.mjs';
import { sdkBuilt, withSdkBuild } from './lib/paths.mjs';
import { fixed, median, table } from './lib/stats.mjs';

const CHILD = fileURLToPath(new URL('./lib/overhead-child.mjs', import.meta.url));

export const SDK_OVERHEAD_DEFAULTS = { rounds: '5', iterations: '200000' };

export async function runSdkOverhead(options, log = () => {}) {
  const rounds = numberOption(options, 'rounds');
  const iterations = numberOption(options, 'iterations');
  if (!sdkBuilt()) return { settings: { rounds, iterations }, sdkBuilt: false, runs: [] };
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    const { stdout } = await withSdkBuild(() => runNode([CHILD, String(iterations)]));
    runs.push(lastJsonLine(stdout));
    log(`overhead round ${round + 1}/${rounds}: ${fixed(runs.at(-1).sdkUs, 2)} µs/send`);
  }
  const sdkUs = median(runs.map((run) => run.sdkUs));
  const minimumUs = median(runs.map((run) => run.minimumUs));
  return { settings: { rounds, iterations }, sdkBuilt: true, sdkUs, minimumUs, runs };
}

export function formatSdkOverhead(result) {
  if (!result.sdkBuilt) {
    return 'SDK overhead pending: packages/sdk/dist/node/index.js is missing (npm run build -w @mailplatform/sdk).';
  }
  return [
    `SDK CPU per send without network (in-memory transport; median of ${result.settings.rounds} processes × ${result.settings.iterations} sends)`,
    table(
      ['what', 'CPU µs/send'],
      [
        ['mp.messages.send, in-memory transport', fixed(result.sdkUs, 2)],
        ['protocol minimum (uuid key + stringify + parse)', fixed(result.minimumUs, 2)],
        ['added by the SDK', fixed(result.sdkUs - result.minimumUs, 2)],
      ],
    ),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  raisePriority();
  const options = parseArgs(process.argv.slice(2), SDK_OVERHEAD_DEFAULTS);
  const result = await runSdkOverhead(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${formatSdkOverhead(result)}\n`);
}
