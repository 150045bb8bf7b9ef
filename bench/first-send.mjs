// Time to first send in a fresh process (import + construct + one send to the local sink), for the
// SDK's built Node entry, postmark and resend, with `node -e 0` as the floor. The libraries alternate
// within every round; medians over --runs fresh processes each.
//   node bench/first-send.mjs [--runs=15] [--libraries=mailplatform,postmark,resend]
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listOption, numberOption, parseArgs } from './lib/args.mjs';
import { cleanEnv, lastJsonLine, raisePriority, runNode } from './lib/child.mjs';
import { packageVersion, ROOT, sdkBuilt, withSdkBuild } from './lib/paths.mjs';
import { startSink } from './lib/sink.mjs';
import { fixed, max, median, min, table } from './lib/stats.mjs';

const CHILD = fileURLToPath(new URL('./lib/first-send-child.mjs', import.meta.url));
const FLOOR = 'node -e 0';

export const FIRST_SEND_DEFAULTS = { runs: '15', libraries: 'mailplatform,postmark,resend' };

function versionOf(library) {
  if (library === 'mailplatform')
    return `@mailplatform/sdk ${packageVersion('@mailplatform/sdk')} (dist/node)`;
  return `${library} ${packageVersion(library)}`;
}

export async function runFirstSend(options, log = () => {}) {
  const runsPerLibrary = numberOption(options, 'runs');
  const built = sdkBuilt();
  const libraries = listOption(options, 'libraries').filter((name) => name !== 'mailplatform' || built);
  const sink = await startSink();
  const env = cleanEnv({ RESEND_BASE_URL: sink.origin });
  const names = [FLOOR, ...libraries];
  const runs = [];
  try {
    for (let round = 0; round < runsPerLibrary; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) {
        if (name === FLOOR) {
          const { wallMs } = await runNode(['-e', '0'], { env, cwd: ROOT });
          runs.push({ library: FLOOR, wallMs });
          continue;
        }
        const measure = () => runNode([CHILD, name, sink.origin], { env, cwd: ROOT });
        const { wallMs, stdout } = await (name === 'mailplatform' ? withSdkBuild(measure) : measure());
        runs.push({ ...lastJsonLine(stdout), wallMs });
      }
      log(`round ${round + 1}/${runsPerLibrary} done`);
    }
    const served = await sink.counts();
    if (served.notFound > 0) throw new Error(`the sink answered ${served.notFound} requests with 404`);
  } finally {
    await sink.close();
  }
  const floor = median(runs.filter((run) => run.library === FLOOR).map((run) => run.wallMs));
  const summary = names.map((library) => {
    const mine = runs.filter((run) => run.library === library);
    const pick = (field) => median(mine.map((run) => run[field]));
    const wall = mine.map((run) => run.wallMs);
    return {
      library,
      version: library === FLOOR ? `node ${process.versions.node}` : versionOf(library),
      runs: mine.length,
      firstSendMs: pick('firstSendMs'),
      importMs: pick('importMs'),
      constructMs: pick('constructMs'),
      sendMs: pick('sendMs'),
      wallMs: median(wall),
      wallMinMs: min(wall),
      wallMaxMs: max(wall),
      overFloorMs: median(wall) - floor,
    };
  });
  return { settings: { runs: runsPerLibrary, libraries }, sdkBuilt: built, summary, runs };
}

export function formatFirstSend(result) {
  const rows = result.summary.map((row) => [
    row.version,
    fixed(row.firstSendMs, 1),
    fixed(row.importMs, 1),
    fixed(row.constructMs, 2),
    fixed(row.sendMs, 1),
    fixed(row.wallMs, 1),
    `${fixed(row.wallMinMs, 0)}–${fixed(row.wallMaxMs, 0)}`,
    row.library === FLOOR ? '' : fixed(row.overFloorMs, 1),
  ]);
  const lines = [
    `Time to first send in a fresh process (median of ${result.settings.runs} processes each, ms)`,
    table(
      ['library', 'first send', 'import', 'construct', 'send', 'process wall', 'wall range', 'wall - floor'],
      rows,
    ),
  ];
  const sdk = result.summary.find((row) => row.library === 'mailplatform');
  const postmark = result.summary.find((row) => row.library === 'postmark');
  if (sdk !== undefined && postmark !== undefined) {
    const met = sdk.firstSendMs <= postmark.firstSendMs;
    lines.push(
      `Goal: SDK no worse than postmark: ${fixed(sdk.firstSendMs, 1)} ms vs ${fixed(postmark.firstSendMs, 1)} ms ` +
        `(${fixed(sdk.firstSendMs / postmark.firstSendMs, 2)}x) ${met ? 'MET' : 'NOT MET'}`,
    );
  }
  if (!result.sdkBuilt) {
    lines.push(
      'SDK numbers pending: packages/sdk/dist/node/index.js is missing (npm run build -w @mailplatform/sdk).',
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  raisePriority();
  const options = parseArgs(process.argv.slice(2), FIRST_SEND_DEFAULTS);
  const result = await runFirstSend(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${formatFirstSend(result)}\n`);
}
