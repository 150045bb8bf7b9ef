// Accepted messages per second into a sandbox running in its own process: POST /v1/messages over
// keep-alive HTTP with --concurrency requests in flight, and SMTP through a nodemailer pool of
// --smtp-pool connections. Each measurement gets a fresh sandbox; the median over --rounds is reported.
//   node bench/sandbox-throughput.mjs [--rounds=3] [--duration=5000] [--warmup=1000] [--concurrency=32] [--smtp-pool=5]
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { numberOption, parseArgs } from './lib/args.mjs';
import { cleanEnv } from './lib/child.mjs';
import { fixed, max, median, min } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./sandbox-child.mjs', import.meta.url));
const options = parseArgs(process.argv.slice(2), {
  rounds: '3',
  duration: '5000',
  warmup: '1000',
  concurrency: '32',
  'smtp-pool': '5',
});
const ROUNDS = numberOption(options, 'rounds');
const DURATION = numberOption(options, 'duration');
const WARMUP = numberOption(options, 'warmup');
const CONCURRENCY = numberOption(options, 'concurrency');
const POOL = numberOption(options, 'smtp-pool');

const MESSAGE = {
  from: 'Shop <ordre@shop.dk>',
  subject: 'Ordrebekræftelse #1042',
  html: '<p>Tak for din ordre. <a href="https://shop.dk/o/1042">Se ordren</a></p>',
  text: 'Tak for din ordre.',
  tag: 'order-confirmation',
};

async function startSandbox() {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox child exited with ${code}`)));
  });
  const info = JSON.parse(line);
  return {
    ...info,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}

/** Runs `send` with `concurrency` workers for warmup + duration; counts completions inside the window. */
async function drive(concurrency, send) {
  let counted = 0;
  let failed = 0;
  let n = 0;
  const started = performance.now();
  const windowStart = started + WARMUP;
  const end = windowStart + DURATION;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const ok = await send(n++);
        const now = performance.now();
        if (now >= windowStart && now < end) {
          if (ok) counted++;
          else failed++;
        }
      }
    }),
  );
  if (failed > 0) throw new Error(`${failed} sends failed`);
  return counted / (DURATION / 1000);
}

async function apiRound() {
  const sandbox = await startSandbox();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const { hostname, port } = new URL(sandbox.url);
  const post = (i) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ ...MESSAGE, to: [`kunde${i}@example.dk`] });
      const req = request(
        {
          agent,
          hostname,
          port,
          method: 'POST',
          path: '/v1/messages',
          headers: {
            authorization: `Bearer ${sandbox.apiKey}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 202));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    return await drive(CONCURRENCY, post);
  } finally {
    agent.destroy();
    await sandbox.stop();
  }
}

async function smtpRound() {
  const sandbox = await startSandbox();
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sandbox.smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: POOL,
    maxMessages: Number.POSITIVE_INFINITY,
    auth: { user: 'bench', pass: sandbox.apiKey },
  });
  const send = async (i) => {
    const info = await transport.sendMail({
      ...MESSAGE,
      to: `kunde${i}@example.dk`,
      headers: { 'X-MP-Tag': MESSAGE.tag },
    });
    return info.accepted.length === 1;
  };
  try {
    // as many in flight as the pool has connections: each waits for its 250 before sending the next
    return await drive(POOL, send);
  } finally {
    transport.close();
    await sandbox.stop();
  }
}

const results = { api: [], smtp: [] };
for (let round = 0; round < ROUNDS; round++) {
  results.api.push(await apiRound());
  results.smtp.push(await smtpRound());
}
const line = (label, values) =>
  `${label}  median ${fixed(median(values), 0)} msg/s  (min ${fixed(min(values), 0)}, max ${fixed(max(values), 0)}; ${values.map((v) => fixed(v, 0)).join(', ')})`;
console.log(
  `rounds ${ROUNDS}, window ${DURATION} ms after ${WARMUP} ms warm-up, fresh in-memory sandbox per measurement`,
);
console.log(line(`POST /v1/messages, concurrency ${CONCURRENCY}  `, results.api));
console.log(line(`SMTP, nodemailer pool of ${POOL} connections`, results.smtp));
