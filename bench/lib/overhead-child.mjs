// `node overhead-child.mjs <iterations>`: CPU per call of `mp.messages.send()` with an in-memory
// transport (no socket, no undici), beside the protocol minimum every client pays (a fresh key,
// JSON.stringify of the message, JSON.parse of the answer). Prints one JSON line, µs per call.
import { randomUUID } from 'node:crypto';
import { API_KEY, MESSAGE } from './message.mjs';
import { SDK_NODE_ENTRY } from './paths.mjs';

const iterations = Number(process.argv[2]);
const ANSWER = JSON.stringify({
  id: 'msg_01JPA6Q3W8C2M9Y4V7T1H5K0ZD',
  status: 'queued',
  stream: 'transactional',
  submittedAt: '2025-03-14T07:59:58.120Z',
  recipients: [{ email: 'kunde@example.dk', type: 'to', status: 'queued' }],
});
const response = {
  status: 202,
  headers: { get: (name) => (name === 'x-request-id' ? 'req_bench0' : null) },
  text: async () => ANSWER,
  arrayBuffer: async () => new TextEncoder().encode(ANSWER).buffer,
};

const { MailPlatform } = await import(SDK_NODE_ENTRY);
const mp = new MailPlatform({
  apiKey: API_KEY,
  baseUrl: 'http://127.0.0.1:9',
  transport: async () => response,
});

async function cpuPerCall(fn) {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) await fn();
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

const sdk = await cpuPerCall(async () => {
  const result = await mp.messages.send(MESSAGE);
  if (result.status !== 'queued') throw new Error('unexpected result');
});
const minimum = await cpuPerCall(async () => {
  const key = `mpk_${randomUUID()}`;
  const body = JSON.stringify(MESSAGE);
  const data = JSON.parse(await response.text());
  if (key.length + body.length === 0 || data.status !== 'queued') throw new Error('unexpected result');
});
process.stdout.write(`${JSON.stringify({ sdkUs: sdk, minimumUs: minimum })}\n`);
