// GET /v1/stats over a large event log: inserts N events (default 1,000,000) in a realistic mix through
// the sandbox's storage layer (EventStore.insert + the statistics hook, one transaction), then times
// a 30-day daily series in Europe/Copenhagen grouped by tag: the query function itself and the full
// HTTP request, median of --runs. Goal: under 100 ms.
//   node bench/sandbox-stats.mjs [--events=1000000] [--runs=20] [--memory]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberOption, parseArgs } from './lib/args.mjs';
import { fixed, max, median, min } from './lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);

// the sandbox is TypeScript: re-run under tsx with the workspace `source` condition
if (!process.execArgv.includes('tsx')) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', SELF, ...process.argv.slice(2)],
    { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) },
  );
  process.exit(result.status ?? 1);
}

const options = parseArgs(process.argv.slice(2), { events: '1000000', runs: '20', memory: false });
const TARGET = numberOption(options, 'events');
const RUNS = numberOption(options, 'runs');

const { createSandbox } = await import('../packages/sandbox/src/create-sandbox.ts');
const { StatsRecorder } = await import('../packages/sandbox/src/stats/stats-recorder.ts');
const { queryStats } = await import('../packages/sandbox/src/stats/stats-query.ts');

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-31T12:00:00Z');
const TAGS = [
  'welcome',
  'order',
  'shipping',
  'invoice',
  'reset',
  'newsletter',
  'promo',
  'survey',
  'digest',
  'alert',
];
const DOMAINS = [
  ['gmail.com', 30],
  ['hotmail.com', 12],
  ['outlook.com', 10],
  ['yahoo.com', 6],
  ['icloud.com', 8],
  ['live.dk', 5],
  ['mail.dk', 4],
  ['jubii.dk', 2],
  ['stofanet.dk', 2],
  ['youmail.dk', 2],
  ['firma.dk', 3],
  ['kommune.dk', 3],
  ['region.dk', 2],
  ['uni.dk', 3],
  ['shop.dk', 2],
  ['bank.dk', 1],
  ['forsikring.dk', 1],
  ['energi.dk', 1],
  ['gmx.de', 1],
  ['web.de', 1],
];
const DOMAIN_TABLE = DOMAINS.flatMap(([d, w]) => Array(w).fill(d));

// deterministic PRNG (mulberry32) so every run inserts the same data
let seed = 42;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(rand() * list.length)];

const dataDir = options.memory ? undefined : mkdtempSync(join(tmpdir(), 'mp-stats-bench-'));
const sandbox = await createSandbox({
  port: 0,
  smtpPort: null,
  clock: { frozen: true, startAt: NOW },
  ...(dataDir ? { dataDir } : {}),
});
const { core } = sandbox;
const { authenticateKey } = await import('../packages/sandbox/src/http/auth.ts');
const namespace = authenticateKey(sandbox.apiKey, false).namespace;
const facts = new Map();
const stats = new StatsRecorder(core.db, (_ns, id) => facts.get(id));
let count = 0;
let eventSeq = 0;

function record(messageId, recipient, tag, stream, type, at, data = {}) {
  const event = {
    id: `evt_${String(++eventSeq).padStart(26, '0')}`,
    type,
    timestamp: new Date(at).toISOString(),
    apiVersion: 'v1',
    data: { messageId, recipient, stream, tag, metadata: {}, from: 'news@shop.dk', subject: 'Hej', ...data },
  };
  core.events.insert(namespace, event);
  stats.record(namespace, event);
  count++;
}

function message(n) {
  const id = `msg_${String(n).padStart(26, '0')}`;
  const submitted = NOW - Math.floor(rand() * 30 * DAY);
  const tag = pick(TAGS);
  const stream = tag === 'newsletter' || tag === 'promo' || tag === 'digest' ? 'broadcast' : 'transactional';
  const to = `user${n}@${pick(DOMAIN_TABLE)}`;
  const clicks = rand() < 0.9;
  facts.set(id, { submittedAt: submitted, opens: true, clicks });
  const ev = (type, at, data) => record(id, to, tag, stream, type, at, data);
  ev('message.queued', submitted, { recipientType: 'to', channel: 'api' });
  const r = rand();
  if (r < 0.02) return ev('message.suppressed', submitted, { suppression: { reason: 'hard_bounce' } });
  if (r < 0.025) return ev('message.failed', submitted + 500, { reason: 'internal' });
  if (r < 0.045)
    return ev('message.bounced', submitted + 1000, { bounce: { class: 'hard', type: 'mailbox_not_found' } });
  if (r < 0.055)
    return ev('message.bounced', submitted + 1000, { bounce: { class: 'block', type: 'reputation_block' } });
  if (r < 0.07) {
    for (const after of [5, 35, 155])
      ev('message.deferred', submitted + after * 60_000, { reason: 'mailbox_full' });
    return ev('message.bounced', submitted + 72 * 3_600_000, {
      bounce: { class: 'soft', type: 'mailbox_full' },
    });
  }
  if (r < 0.1) ev('message.deferred', submitted + 300_000, { reason: 'greylisted' });
  const delivered = submitted + (r < 0.1 ? 301_000 : 1500);
  ev('message.delivered', delivered, { attempts: 1 });
  if (rand() < 0.1) {
    ev('message.opened', delivered + 5000, { machine: true, machineReason: 'apple_mpp' });
  }
  const o = rand();
  if (o < 0.35) {
    const opens = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < opens; i++)
      ev('message.opened', delivered + (i + 1) * 3_600_000 * rand() * 30, { machine: false });
    if (clicks && rand() < 0.3) {
      const n = 1 + Math.floor(rand() * 2);
      for (let i = 0; i < n; i++)
        ev('message.clicked', delivered + 7_200_000, { linkId: `l${i}`, bot: false });
    }
  }
  if (clicks && rand() < 0.03)
    ev('message.clicked', delivered + 1000, { linkId: 'l0', bot: true, botReason: 'too_fast' });
  if (rand() < 0.002) ev('message.complained', delivered + 600_000, { feedbackType: 'abuse' });
  if (rand() < 0.004) ev('message.unsubscribed', delivered + 900_000, { method: 'one_click' });
}

const insertStarted = performance.now();
let messages = 0;
core.db.transaction(() => {
  while (count < TARGET) message(++messages);
})();
const insertMs = performance.now() - insertStarted;
const eventRows = core.db.prepare('SELECT count(*) AS n FROM events').get().n;
const rollupRows = core.db.prepare('SELECT count(*) AS n FROM stats_rollup').get().n;

const query = {
  since: '2026-03-01',
  until: '2026-03-30',
  timezone: 'Europe/Copenhagen',
  interval: 'day',
  groupBy: 'tag',
  includeBotClicks: false,
};
const direct = [];
let response;
for (let i = 0; i < RUNS + 2; i++) {
  const t = performance.now();
  response = queryStats(core.db, namespace, query, NOW);
  if (i >= 2) direct.push(performance.now() - t);
}
const http = [];
const url = `${sandbox.url}/v1/stats?since=2026-03-01&until=2026-03-30&timezone=Europe/Copenhagen&interval=day&groupBy=tag`;
for (let i = 0; i < RUNS + 2; i++) {
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${sandbox.apiKey}` } });
  await res.json();
  if (res.status !== 200) throw new Error(`GET /v1/stats answered ${res.status}`);
  if (i >= 2) http.push(performance.now() - t);
}
const cohort = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  queryStats(core.db, namespace, { ...query, basis: 'cohort', groupBy: 'recipientDomain' }, NOW);
  cohort.push(performance.now() - t);
}
const plan = core.db
  .prepare(
    `EXPLAIN QUERY PLAN SELECT (q * 60 + 60) / 1440 AS u, tag AS g, SUM(queued) FROM stats_rollup
     WHERE namespace = ? AND basis = 0 AND scope = 0 AND q >= ? AND q < ? GROUP BY u, g`,
  )
  .all(namespace, 0, 1)
  .map((row) => row.detail);
await sandbox.close();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });

const t = response.totals.counts;
console.log(
  `events inserted   ${eventRows.toLocaleString('en')} (${messages.toLocaleString('en')} messages) in ${fixed(insertMs / 1000, 1)} s, ${dataDir ? 'data dir (WAL)' : 'in memory'}`,
);
console.log(`rollup rows       ${rollupRows.toLocaleString('en')}`);
console.log(
  `totals            queued ${t.queued}, delivered ${t.delivered}, opensUnique ${t.opensUnique}, clicksUniqueHuman ${t.clicksUniqueHuman}; ${response.series.length} days, ${response.groups.length} tags`,
);
console.log(`query plan        ${plan.join(' | ')}`);
console.log(`30-day daily series, groupBy=tag, Europe/Copenhagen (median of ${RUNS}):`);
console.log(
  `  queryStats()    median ${fixed(median(direct), 1)} ms  (min ${fixed(min(direct), 1)}, max ${fixed(max(direct), 1)})`,
);
console.log(
  `  GET /v1/stats   median ${fixed(median(http), 1)} ms  (min ${fixed(min(http), 1)}, max ${fixed(max(http), 1)})`,
);
console.log(`  cohort, groupBy=recipientDomain: median ${fixed(median(cohort), 1)} ms`);
console.log(`goal < 100 ms: ${median(http) < 100 ? 'met' : 'NOT met'}`);
