// Messages per second and client CPU per message through the SDK's SMTP path, beside plain nodemailer
// with the same pool against the same local SMTP sink (a child process that accepts everything).
// Each measurement runs in its own process; clients alternate within every round and the median over
// rounds is reported. Needs the SDK build (npm run build -w @mailplatform/sdk).
//   node bench/smtp-send.mjs [--rounds=3] [--duration=5000] [--warmup=1500] [--concurrency=50]
//                            [--pool=5] [--clients=sdk,sender,nodemailer] [--profile]
// --pool sizes the sender's and nodemailer's pools; the client (`sdk`) always uses its default of 5.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listOption, numberOption, parseArgs } from './lib/args.mjs';
import { lastJsonLine, raisePriority, runNode } from './lib/child.mjs';
import { SDK_DIR, withSdkBuild } from './lib/paths.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { startSmtpSink } from './lib/smtp-sink.mjs';
import { fixed, median, table } from './lib/stats.mjs';
import { describeRun, profileLines, throughputRun, throughputSummary } from './lib/throughput-report.mjs';

const CHILD = fileURLToPath(new URL('./lib/smtp-throughput-child.mjs', import.meta.url));
const SDK_SMTP_ENTRY = join(SDK_DIR, 'dist/smtp/index.js');
export const SMTP_GOAL_RATIO = 0.95;
const LABELS = {
  sdk: "mp.messages.send(m, { via: 'smtp' })",
  sender: 'createSmtpSender().send (sdk/smtp)',
  nodemailer: 'nodemailer pool + mailplatformHeaders',
};

export const SMTP_SEND_DEFAULTS = {
  rounds: '3',
  duration: '5000',
  warmup: '1500',
  concurrency: '50',
  pool: '5',
  clients: 'sdk,sender,nodemailer',
  profile: false,
};

/** The nodemailer the SDK loads (its dist folders carry their own version-less package.json). */
function nodemailerVersion() {
  const require = createRequire(join(SDK_DIR, 'package.json'));
  return JSON.parse(readFileSync(require.resolve('nodemailer/package.json'), 'utf8')).version;
}

/** One child run; `sinkBusy` is the sink's CPU time over the child's whole life (1 = one core saturated). */
async function measure(sink, client, settings, execArgv = []) {
  const { concurrency, warmupMs, durationMs, pool } = settings;
  const args = [
    ...execArgv,
    CHILD,
    client,
    String(sink.port),
    String(concurrency),
    String(warmupMs),
    String(durationMs),
    String(pool),
  ];
  const before = await sink.counts();
  const { stdout } = await withSdkBuild(() => runNode(args));
  const after = await sink.counts();
  const run = lastJsonLine(stdout);
  if (run.errors > 0) throw new Error(`${client}: ${run.errors} failed sends\n${run.firstError}`);
  return throughputRun(run, before, after);
}

/** Runs every client for `rounds` rounds; the client order rotates each round. */
export async function runSmtpSend(options, log = () => {}) {
  const settings = {
    rounds: numberOption(options, 'rounds'),
    durationMs: numberOption(options, 'duration'),
    warmupMs: numberOption(options, 'warmup'),
    concurrency: numberOption(options, 'concurrency'),
    pool: numberOption(options, 'pool'),
  };
  const clients = listOption(options, 'clients');
  for (const client of clients) if (!(client in LABELS)) throw new Error(`unknown client ${client}`);
  if (!existsSync(SDK_SMTP_ENTRY))
    throw new Error(`${SDK_SMTP_ENTRY} is missing: run npm run build -w @mailplatform/sdk first`);

  const sink = await startSmtpSink();
  const runs = [];
  try {
    for (let round = 0; round < settings.rounds; round++) {
      const order = clients.map((_, i) => clients[(i + round) % clients.length]);
      for (const client of order) {
        const run = await measure(sink, client, settings);
        log(`round ${round + 1}/${settings.rounds} ${client}: ${describeRun(run)}`);
        runs.push({ round: round + 1, ...run });
      }
    }
    const profile = options.profile ? await profileClients(sink, clients, settings, log) : undefined;
    return {
      settings: { ...settings, clients, nodemailer: nodemailerVersion() },
      summary: summarize(runs, clients),
      runs,
      profile,
    };
  } finally {
    await sink.close();
  }
}

/** `--cpu-prof` of one run per client, summarised by self time. */
async function profileClients(sink, clients, settings, log) {
  const profiles = {};
  for (const client of clients) {
    const dir = mkdtempSync(join(tmpdir(), 'mp-bench-smtp-prof-'));
    try {
      await measure(sink, client, settings, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
      const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
      log(`profiled ${client}`);
      profiles[client] = summarizeProfile(join(dir, file), 25);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return profiles;
}

function summarize(runs, clients) {
  const baseline = runs.filter((run) => run.client === 'nodemailer');
  const basePerSecond = median(baseline.map((run) => run.perSecond));
  const baseCpu = median(baseline.map((run) => run.cpuMsPerSend));
  return clients.map((client) => {
    const stats = throughputSummary(runs.filter((run) => run.client === client));
    return {
      client,
      ...stats,
      throughputVsNodemailer: stats.perSecond / basePerSecond,
      cpuVsNodemailer: stats.cpuMsPerSend / baseCpu,
    };
  });
}

export function formatSmtpSend(result) {
  const { rounds, durationMs, warmupMs, concurrency, pool, nodemailer } = result.settings;
  const rows = result.summary.map((row) => [
    LABELS[row.client],
    Math.round(row.perSecond),
    `${Math.round(row.perSecondMin)}–${Math.round(row.perSecondMax)}`,
    fixed(row.cpuMsPerSend * 1000, 1),
    `${fixed(row.clientBusy * 100, 0)}% / ${fixed(row.sinkBusy * 100, 0)}%`,
    `${fixed(row.throughputVsNodemailer, 2)}x`,
    `${fixed(row.cpuVsNodemailer, 2)}x`,
  ]);
  const lines = [
    `SMTP send throughput, ${concurrency} in flight, pool of ${pool} (median of ${rounds} rounds, ${durationMs} ms each after ${warmupMs} ms warm-up; nodemailer ${nodemailer})`,
    table(
      [
        'client',
        'msg/s',
        'range',
        'CPU µs/msg',
        'client/sink busy',
        'msg/s vs nodemailer',
        'CPU vs nodemailer',
      ],
      rows,
    ),
  ];
  const goal = result.summary.find((row) => row.client === 'sdk');
  if (goal !== undefined && result.summary.some((row) => row.client === 'nodemailer')) {
    const pass = goal.throughputVsNodemailer >= SMTP_GOAL_RATIO;
    lines.push(
      `Goal: SDK via smtp ≥ ${SMTP_GOAL_RATIO}x plain nodemailer: ${fixed(goal.throughputVsNodemailer, 2)}x (CPU/msg ${fixed(goal.cpuVsNodemailer, 2)}x) ${pass ? 'MET' : 'NOT MET'}`,
    );
  }
  for (const [client, profile] of Object.entries(result.profile ?? {})) {
    lines.push(...profileLines(`CPU profile of ${LABELS[client]}`, profile));
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  raisePriority();
  const options = parseArgs(process.argv.slice(2), SMTP_SEND_DEFAULTS);
  const result = await runSmtpSend(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${formatSmtpSend(result)}\n`);
}
