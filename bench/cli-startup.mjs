// CLI start-up (cli.md §10): the warm median wall time of `mailplatform --version` and `--help` (the
// built bin, packages/cli/dist/bin.js) beside `node -e 0`, the floor, measured in the same run and
// alternating so that drift hits all three alike. The goal is within 40 ms of the floor. It then checks,
// with packages/cli/scripts/record-modules.mjs, that neither run loads the SDK, the sandbox or nodemailer.
//   npm run build -w @mailplatform/cli && node bench/cli-startup.mjs [--warmup=5] [--runs=30] [--json]
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { numberOption, parseArgs } from './lib/args.mjs';
import { cleanEnv, raisePriority, runNode } from './lib/child.mjs';
import { ROOT } from './lib/paths.mjs';
import { fixed, max, median, min, table } from './lib/stats.mjs';

const options = parseArgs(process.argv.slice(2), { warmup: '5', runs: '30', json: false });
const warmup = numberOption(options, 'warmup');
const runs = numberOption(options, 'runs');
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const RECORDER = join(ROOT, 'packages/cli/scripts/record-modules.mjs');
const GOAL_MS = 40;
const FORBIDDEN = [
  /\/packages\/sdk\//,
  /\/packages\/sandbox\//,
  /\/node_modules\/(nodemailer|undici|smtp-server|better-sqlite3|ora|chalk)\//,
];

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build -w @mailplatform/cli first`);

const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'mailplatform --version', args: [BIN, '--version'] },
  { name: 'mailplatform --help', args: [BIN, '--help'] },
];
const env = cleanEnv();
const highPriority = raisePriority();
const loadAtStart = loadavg();

for (let i = 0; i < warmup; i++) for (const c of cases) await runNode(c.args, { env });
const times = new Map(cases.map((c) => [c.name, []]));
for (let i = 0; i < runs; i++) {
  // rotate the order every round: no case always runs right after the same other one
  for (let j = 0; j < cases.length; j++) {
    const c = cases[(i + j) % cases.length];
    times.get(c.name).push((await runNode(c.args, { env })).wallMs);
  }
}

const floor = median(times.get('node -e 0'));
const floorMin = min(times.get('node -e 0'));
const rows = cases.map((c) => {
  const values = times.get(c.name);
  const delta = median(values) - floor;
  return [
    c.name,
    fixed(median(values), 1),
    fixed(min(values), 1),
    fixed(max(values), 1),
    c.name === 'node -e 0' ? '–' : `+${fixed(delta, 1)}`,
    // on a busy machine the fastest run is the steadier estimate of the CLI's own cost
    c.name === 'node -e 0' ? '–' : `+${fixed(min(values) - floorMin, 1)}`,
  ];
});

const dir = mkdtempSync(join(tmpdir(), 'mp-cli-startup-'));
const loaded = {};
try {
  for (const c of cases.slice(1)) {
    const file = join(dir, `${c.args[1]}.txt`);
    await runNode(['--import', RECORDER, ...c.args], { env: { ...env, MAILPLATFORM_MODULE_LOG: file } });
    const modules = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    loaded[c.name] = {
      modules: modules.filter((m) => !m.startsWith('node:')).length,
      forbidden: modules.filter((m) => FORBIDDEN.some((f) => f.test(m))),
    };
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const machine = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  highPriority,
  loadAverageAtStart: loadAtStart,
  warmup,
  runs,
};
const deltas = Object.fromEntries(
  cases.slice(1).map((c) => [c.name, Number(fixed(median(times.get(c.name)) - floor, 1))]),
);
const withinGoal = Object.values(deltas).every((d) => d <= GOAL_MS);
const clean = Object.values(loaded).every((l) => l.forbidden.length === 0);

if (options.json) {
  process.stdout.write(
    `${JSON.stringify({ machine, floorMs: Number(fixed(floor, 1)), deltas, withinGoal, loaded }, null, 2)}\n`,
  );
} else {
  process.stdout.write(
    `${machine.date}  node ${machine.node}  ${machine.cpus} × ${machine.cpu}  ` +
      `${warmup} warm-up rounds, ${runs} measured rounds (alternating)${highPriority ? ', high priority' : ''}, ` +
      `load ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}\n`,
  );
  process.stdout.write(`${table(['command', 'median ms', 'min', 'max', 'Δ median', 'Δ min'], rows)}\n`);
  for (const [name, l] of Object.entries(loaded)) {
    process.stdout.write(
      `${name}: ${l.modules} modules loaded; SDK/sandbox/nodemailer: ${l.forbidden.length === 0 ? 'none' : l.forbidden.join(', ')}\n`,
    );
  }
  process.stdout.write(
    `goal (within ${GOAL_MS} ms of node -e 0): ${withinGoal ? 'met' : 'NOT met'}; lazy loading: ${clean ? 'ok' : 'BROKEN'}\n`,
  );
}
if (!clean) process.exitCode = 1;
