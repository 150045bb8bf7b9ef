// Throughput and client CPU per message of `mp.messages.send()` against the local sink, beside raw
// `undici.request` (the ceiling) and Node's fetch. Each measurement runs in its own process; clients
// alternate within every round and the median over rounds is reported.
//   node bench/sdk-send.mjs [--rounds=3] [--duration=5000] [--warmup=1500] [--concurrency=1,32]
//                           [--clients=sdk,undici,fetch] [--profile]
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listOption, numberOption, parseArgs } from './lib/args.mjs';
import { lastJsonLine, raisePriority, runNode } from './lib/child.mjs';
import { sdkBuilt, sdkUndici, withSdkBuild } from './lib/paths.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { startSink } from './lib/sink.mjs';
import { fixed, median, table } from './lib/stats.mjs';
import { describeRun, profileLines, throughputRun, throughputSummary } from './lib/throughput-report.mjs';

const CHILD = fileURLToPath(new URL('./lib/throughput-child.mjs', import.meta.url));
export const GOAL_RATIO = 0.85;
const LABELS = {
  sdk: '@mailplatform/sdk messages.send',
  undici: 'raw undici.request (ceiling)',
  fetch: "Node's global fetch",
};

export const SDK_SEND_DEFAULTS = {
  rounds: '3',
  duration: '5000',
  warmup: '1500',
  concurrency: '1,32',
  clients: 'sdk,undici,fetch',
  profile: false,
};

/** One child run; `sinkBusy` is the sink's CPU time over the child's whole life (1 = one core saturated). */
async function measure(sink, client, concurrency, warmupMs, durationMs, execArgv = []) {
  const args = [
    ...execArgv,
    CHILD,
    client,
    sink.origin,
    String(concurrency),
    String(warmupMs),
    String(durationMs),
  ];
  const before = await sink.counts();
  const { stdout } = await (client === 'sdk' ? withSdkBuild(() => runNode(args)) : runNode(args));
  const after = await sink.counts();
  const run = lastJsonLine(stdout);
  if (run.errors > 0)
    throw new Error(`${client} c=${concurrency}: ${run.errors} failed sends\n${run.firstError}`);
  return throughputRun(run, before, after);
}

/** Runs every client at every concurrency for `rounds` rounds; the client order rotates each round. */
export async function runSdkSend(options, log = () => {}) {
  const rounds = numberOption(options, 'rounds');
  const durationMs = numberOption(options, 'duration');
  const warmupMs = numberOption(options, 'warmup');
  const concurrencies = listOption(options, 'concurrency').map(Number);
  const built = sdkBuilt();
  const clients = listOption(options, 'clients').filter((client) => client !== 'sdk' || built);
  for (const client of clients) if (!(client in LABELS)) throw new Error(`unknown client ${client}`);

  const sink = await startSink();
  const runs = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const concurrency of concurrencies) {
        const order = clients.map((_, i) => clients[(i + round) % clients.length]);
        for (const client of order) {
          const run = await measure(sink, client, concurrency, warmupMs, durationMs);
          log(`round ${round + 1}/${rounds} c=${concurrency} ${client}: ${describeRun(run)}`);
          runs.push({ round: round + 1, ...run });
        }
      }
    }
    const profile = options.profile
      ? await profileAtConcurrency32(sink, clients, warmupMs, durationMs, log)
      : undefined;
    return {
      settings: { rounds, durationMs, warmupMs, concurrencies, clients, undici: sdkUndici().version },
      sdkBuilt: built,
      summary: summarize(runs, clients, concurrencies),
      runs,
      profile,
    };
  } finally {
    await sink.close();
  }
}

/** `--cpu-prof` of one SDK run and one raw-undici run at c=32, summarised by self time. */
async function profileAtConcurrency32(sink, clients, warmupMs, durationMs, log) {
  const profiles = {};
  for (const client of clients.filter((name) => name === 'sdk' || name === 'undici')) {
    const dir = mkdtempSync(join(tmpdir(), 'mp-bench-prof-'));
    try {
      await measure(sink, client, 32, warmupMs, durationMs, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
      const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
      log(`profiled ${client} c=32`);
      profiles[client] = summarizeProfile(join(dir, file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return profiles;
}

function summarize(runs, clients, concurrencies) {
  const summary = [];
  for (const concurrency of concurrencies) {
    const raw = runs.filter((run) => run.client === 'undici' && run.concurrency === concurrency);
    const rawPerSecond = median(raw.map((run) => run.perSecond));
    const rawCpu = median(raw.map((run) => run.cpuMsPerSend));
    for (const client of clients) {
      const mine = runs.filter((run) => run.client === client && run.concurrency === concurrency);
      const stats = throughputSummary(mine);
      summary.push({
        client,
        concurrency,
        ...stats,
        throughputVsRaw: stats.perSecond / rawPerSecond,
        cpuVsRaw: stats.cpuMsPerSend / rawCpu,
      });
    }
  }
  return summary;
}

export function formatSdkSend(result) {
  const rows = result.summary.map((row) => [
    LABELS[row.client],
    row.concurrency,
    Math.round(row.perSecond),
    `${Math.round(row.perSecondMin)}–${Math.round(row.perSecondMax)}`,
    fixed(row.cpuMsPerSend * 1000, 1),
    `${fixed(row.clientBusy * 100, 0)}% / ${fixed(row.sinkBusy * 100, 0)}%`,
    `${fixed(row.throughputVsRaw, 2)}x`,
    `${fixed(row.cpuVsRaw, 2)}x`,
  ]);
  const { rounds, durationMs, warmupMs, undici } = result.settings;
  const lines = [
    `Send throughput (median of ${rounds} rounds, ${durationMs} ms each after ${warmupMs} ms warm-up; undici ${undici})`,
    table(
      ['client', 'conc', 'msg/s', 'range', 'CPU µs/msg', 'client/sink busy', 'msg/s vs raw', 'CPU vs raw'],
      rows,
    ),
  ];
  const goal = result.summary.find((row) => row.client === 'sdk' && row.concurrency === 32);
  if (goal !== undefined) {
    const pass = goal.throughputVsRaw >= GOAL_RATIO;
    lines.push(
      `Goal: SDK ≥ ${GOAL_RATIO}x raw undici at c=32: ${fixed(goal.throughputVsRaw, 2)}x (CPU/msg ${fixed(goal.cpuVsRaw, 2)}x raw) ${pass ? 'MET' : 'NOT MET'}`,
    );
  }
  if (!result.sdkBuilt) {
    lines.push(
      'SDK numbers pending: packages/sdk/dist/node/index.js is missing (npm run build -w @mailplatform/sdk).',
    );
  }
  for (const [client, profile] of Object.entries(result.profile ?? {})) {
    lines.push(...profileLines(`CPU profile of ${LABELS[client]} at c=32`, profile));
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  raisePriority();
  const options = parseArgs(process.argv.slice(2), SDK_SEND_DEFAULTS);
  const result = await runSdkSend(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${formatSdkSend(result)}\n`);
}
