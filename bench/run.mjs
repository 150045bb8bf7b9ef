// `npm run bench`: time to first send, send throughput, then the SDK's own CPU per send, as tables.
//   node bench/run.mjs [--json[=<file>]] [--quick] [--profile] [--only=first-send|sdk-send|sdk-overhead]
// --json writes every run and the summaries to <file> (default bench/results.json).
// --quick: 5 fresh processes per library, 1 round of 2 s per throughput cell, 1 overhead process (a smoke
// run, not a result).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { FIRST_SEND_DEFAULTS, formatFirstSend, runFirstSend } from './first-send.mjs';
import { parseArgs } from './lib/args.mjs';
import { raisePriority } from './lib/child.mjs';
import { formatSdkOverhead, runSdkOverhead, SDK_OVERHEAD_DEFAULTS } from './sdk-overhead.mjs';
import { formatSdkSend, runSdkSend, SDK_SEND_DEFAULTS } from './sdk-send.mjs';

const options = parseArgs(process.argv.slice(2), { json: false, quick: false, profile: false, only: '' });
const log = (line) => process.stderr.write(`${line}\n`);
const quick = options.quick === true;
const wanted = (name) => options.only === '' || options.only === name;
if (!['first-send', 'sdk-send', 'sdk-overhead'].some(wanted)) {
  throw new Error('--only must be first-send, sdk-send or sdk-overhead');
}

const machine = {
  date: new Date().toISOString(),
  highPriority: raisePriority(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  loadAverageAtStart: loadavg(),
};
process.stdout.write(
  `${machine.date}  node ${machine.node}  ${machine.cpus} x ${machine.cpu}  load ${machine.loadAverageAtStart.map((n) => n.toFixed(2)).join(' ')}  ` +
    `priority ${machine.highPriority ? 'high (nice -14)' : 'normal'}\n\n`,
);

const results = { machine };
if (wanted('first-send')) {
  results.firstSend = await runFirstSend({ ...FIRST_SEND_DEFAULTS, ...(quick ? { runs: '5' } : {}) }, log);
  process.stdout.write(`${formatFirstSend(results.firstSend)}\n\n`);
}
if (wanted('sdk-send')) {
  results.sdkSend = await runSdkSend(
    {
      ...SDK_SEND_DEFAULTS,
      ...(quick ? { rounds: '1', duration: '2000', warmup: '1000' } : {}),
      profile: options.profile === true,
    },
    log,
  );
  process.stdout.write(`${formatSdkSend(results.sdkSend)}\n\n`);
}
if (wanted('sdk-overhead')) {
  results.sdkOverhead = await runSdkOverhead(
    { ...SDK_OVERHEAD_DEFAULTS, ...(quick ? { rounds: '1' } : {}) },
    log,
  );
  process.stdout.write(`${formatSdkOverhead(results.sdkOverhead)}\n`);
}

if (options.json !== false) {
  const file =
    options.json === true ? fileURLToPath(new URL('./results.json', import.meta.url)) : String(options.json);
  results.machine.loadAverageAtEnd = loadavg();
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${file}\n`);
}
